package io.mlgate.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a model artifact is and how to call it: the ONNX input and output tensor names, what the input is
 * ({@code inputKind}), the feature names in input-column order, the class labels in output-column order and what the
 * output holds; travels beside the artifact as {@code <name>.model.json}.
 *
 * <p>Two kinds of model:
 * <ul>
 *   <li>{@link InputKind#FEATURES} (the default; a descriptor without {@code inputKind} is one): numeric feature rows
 *       in, {@code featureNames} and {@code labels} required and non-empty, {@code outputKind} probabilities, logits
 *       or features;</li>
 *   <li>{@link InputKind#TEXT}: the request body as one UTF-8 string in, one string out; {@code outputKind} must be
 *       {@code text} and there are no {@code featureNames} or {@code labels} (absent or empty).</li>
 * </ul>
 *
 * <p>{@code heldOutAccuracy}, {@code sha256}, {@code trainer} and {@code trainingCommand} may be {@code null}.
 * When {@code sha256} is present, {@link OnnxModel#fromBytes} refuses artifact bytes with another digest.
 */
public record ModelDescriptor(
        String name,
        String artifact,
        String inputName,
        String outputName,
        List<String> featureNames,
        List<String> labels,
        OutputKind outputKind,
        Double heldOutAccuracy,
        String sha256,
        String trainer,
        String trainingCommand,
        InputKind inputKind) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ModelDescriptor {
        requireText(name, "name");
        requireText(artifact, "artifact");
        requireText(inputName, "inputName");
        requireText(outputName, "outputName");
        Objects.requireNonNull(outputKind, "outputKind");
        Objects.requireNonNull(inputKind, "inputKind");
        if (inputKind == InputKind.TEXT) {
            if (outputKind != OutputKind.TEXT) {
                throw new InvalidModelException("model descriptor: a text model (inputKind text) must have "
                        + "outputKind text");
            }
            featureNames = absent(featureNames, "featureNames");
            labels = absent(labels, "labels");
        } else {
            if (outputKind == OutputKind.TEXT) {
                throw new InvalidModelException("model descriptor: outputKind text needs inputKind text");
            }
            featureNames = distinctNames(featureNames, "featureNames");
            labels = distinctNames(labels, "labels");
        }
        if (heldOutAccuracy != null && !(heldOutAccuracy >= 0.0 && heldOutAccuracy <= 1.0)) {
            throw new InvalidModelException("model descriptor: heldOutAccuracy must be between 0 and 1");
        }
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!SHA256_HEX.matcher(sha256).matches()) {
                throw new InvalidModelException("model descriptor: sha256 must be 64 hex digits");
            }
        }
    }

    /**
     * A feature model's descriptor, as written before text models existed: {@code inputKind} is
     * {@link InputKind#FEATURES}.
     */
    public ModelDescriptor(String name, String artifact, String inputName, String outputName,
                           List<String> featureNames, List<String> labels, OutputKind outputKind,
                           Double heldOutAccuracy, String sha256, String trainer, String trainingCommand) {
        this(name, artifact, inputName, outputName, featureNames, labels, outputKind, heldOutAccuracy, sha256,
                trainer, trainingCommand, InputKind.FEATURES);
    }

    /**
     * A text model's descriptor: one string in ({@code inputName}), one string out ({@code outputName}), no feature
     * names or labels.
     */
    public static ModelDescriptor text(String name, String artifact, String inputName, String outputName,
                                       String sha256, String trainer, String trainingCommand) {
        return new ModelDescriptor(name, artifact, inputName, outputName, List.of(), List.of(), OutputKind.TEXT,
                null, sha256, trainer, trainingCommand, InputKind.TEXT);
    }

    /** Number of input features (columns of the input tensor); 0 for a text model. */
    public int featureCount() {
        return featureNames.size();
    }

    /** Parses a descriptor from its JSON form; unknown fields are ignored so older readers accept newer files. */
    public static ModelDescriptor parse(byte[] json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidModelException("model descriptor is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidModelException("model descriptor must be a JSON object");
        }
        try {
            String inputKind = optionalString(root, "inputKind");
            InputKind kind = inputKind == null ? InputKind.FEATURES : InputKind.fromWireName(inputKind);
            boolean text = kind == InputKind.TEXT;
            return new ModelDescriptor(
                    requiredString(root, "name"),
                    requiredString(root, "artifact"),
                    requiredString(root, "inputName"),
                    requiredString(root, "outputName"),
                    stringList(root, "featureNames", text),
                    stringList(root, "labels", text),
                    OutputKind.fromWireName(requiredString(root, "outputKind")),
                    optionalDouble(root, "heldOutAccuracy"),
                    optionalString(root, "sha256"),
                    optionalString(root, "trainer"),
                    optionalString(root, "trainingCommand"),
                    kind);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("model descriptor: " + e.getMessage(), e);
        }
    }

    /** Returns a copy that pins the artifact to the given SHA-256 digest (lower-case hex). */
    public ModelDescriptor withSha256(String digestHex) {
        return new ModelDescriptor(name, artifact, inputName, outputName, featureNames, labels, outputKind,
                heldOutAccuracy, digestHex, trainer, trainingCommand, inputKind);
    }

    /** The descriptor as pretty-printed UTF-8 JSON, fields in a fixed order (so regenerated files diff cleanly). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        root.put("artifact", artifact);
        root.put("format", "onnx");
        if (inputKind != InputKind.FEATURES) {
            root.put("inputKind", inputKind.wireName()); // absent means features: older files stay byte-identical
        }
        root.put("inputName", inputName);
        root.put("outputName", outputName);
        if (inputKind == InputKind.FEATURES) {
            ArrayNode features = root.putArray("featureNames");
            featureNames.forEach(features::add);
            ArrayNode labelArray = root.putArray("labels");
            labels.forEach(labelArray::add);
        }
        root.put("outputKind", outputKind.wireName());
        if (heldOutAccuracy != null) {
            root.put("heldOutAccuracy", heldOutAccuracy);
        }
        if (sha256 != null) {
            root.put("sha256", sha256);
        }
        if (trainer != null) {
            root.put("trainer", trainer);
        }
        if (trainingCommand != null) {
            root.put("trainingCommand", trainingCommand);
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidModelException("model descriptor: " + field + " is required");
        }
    }

    /** A text model's featureNames / labels: absent or empty. */
    private static List<String> absent(List<String> names, String field) {
        if (names != null && !names.isEmpty()) {
            throw new InvalidModelException("model descriptor: a text model (inputKind text) has no " + field);
        }
        return List.of();
    }

    private static List<String> distinctNames(List<String> names, String field) {
        if (names == null || names.isEmpty()) {
            throw new InvalidModelException("model descriptor: " + field + " must not be empty");
        }
        List<String> copy = List.copyOf(names);
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new InvalidModelException("model descriptor: " + field + " contains duplicates");
        }
        for (String n : copy) {
            if (n.isBlank()) {
                throw new InvalidModelException("model descriptor: " + field + " contains a blank name");
            }
        }
        return copy;
    }

    private static String requiredString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!node.isString()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return node.stringValue();
    }

    private static String optionalString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return node.stringValue();
    }

    private static Double optionalDouble(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number");
        }
        return node.doubleValue();
    }

    /** A list of strings; {@code null} when it may be absent and is. */
    private static List<String> stringList(JsonNode root, String field, boolean optional) {
        JsonNode node = root.get(field);
        if (optional && (node == null || node.isNull())) {
            return null;
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode element : node.values()) {
            if (!element.isString()) {
                throw new IllegalArgumentException(field + " must be an array of strings");
            }
            out.add(element.stringValue());
        }
        return out;
    }
}
