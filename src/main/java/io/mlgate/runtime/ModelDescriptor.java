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
 * What a classifier artifact is and how to call it: the ONNX input and output tensor names, the feature names in
 * input-column order, the class labels in output-column order and what the output holds; travels beside the
 * artifact as {@code <name>.model.json}.
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
        String trainingCommand) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ModelDescriptor {
        requireText(name, "name");
        requireText(artifact, "artifact");
        requireText(inputName, "inputName");
        requireText(outputName, "outputName");
        featureNames = distinctNames(featureNames, "featureNames");
        labels = distinctNames(labels, "labels");
        Objects.requireNonNull(outputKind, "outputKind");
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

    /** Number of input features (columns of the input tensor). */
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
            return new ModelDescriptor(
                    requiredString(root, "name"),
                    requiredString(root, "artifact"),
                    requiredString(root, "inputName"),
                    requiredString(root, "outputName"),
                    stringList(root, "featureNames"),
                    stringList(root, "labels"),
                    OutputKind.fromWireName(requiredString(root, "outputKind")),
                    optionalDouble(root, "heldOutAccuracy"),
                    optionalString(root, "sha256"),
                    optionalString(root, "trainer"),
                    optionalString(root, "trainingCommand"));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("model descriptor: " + e.getMessage(), e);
        }
    }

    /** Returns a copy that pins the artifact to the given SHA-256 digest (lower-case hex). */
    public ModelDescriptor withSha256(String digestHex) {
        return new ModelDescriptor(name, artifact, inputName, outputName, featureNames, labels, outputKind,
                heldOutAccuracy, digestHex, trainer, trainingCommand);
    }

    /** The descriptor as pretty-printed UTF-8 JSON, fields in a fixed order (so regenerated files diff cleanly). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        root.put("artifact", artifact);
        root.put("format", "onnx");
        root.put("inputName", inputName);
        root.put("outputName", outputName);
        ArrayNode features = root.putArray("featureNames");
        featureNames.forEach(features::add);
        ArrayNode labelArray = root.putArray("labels");
        labels.forEach(labelArray::add);
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

    private static List<String> stringList(JsonNode root, String field) {
        JsonNode node = root.get(field);
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
