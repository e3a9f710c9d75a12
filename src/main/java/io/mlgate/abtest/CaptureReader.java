package io.mlgate.abtest;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Reads an endpoint's data capture files, {@code <capture dir>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl}, into one
 * prediction per input row: the variant is the folder the record is in; the predictions come from the record's
 * {@code endpointOutput} (mlgate's InvokeEndpoint answer {@code {"predictions":[{"predicted_label":..,
 * "probabilities":{label: p, ...}}, ...]}}, in any of the CSV, JSON or BASE64 encodings).
 *
 * <p>Each prediction's key, which {@link GroundTruth} labels are joined on: the record's
 * {@code eventMetadata.inferenceId} (the caller's {@code X-Amzn-SageMaker-Inference-Id}) or, when the call had
 * none, its {@code eventId}; a request of one row is that key, row k (counting from 1) of a request of several rows
 * is {@code KEY#k}.
 *
 * <p>Lines that are not a capture record (a line torn by a crash, say) and records without an output in that shape
 * (captured with {@code CaptureMode=Input} only, or from another model) are counted, not fatal.
 */
public final class CaptureReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CaptureReader() {
    }

    /** One captured prediction. */
    public record Prediction(String variant, String key, String predicted, Map<String, Double> probabilities) {
        public Prediction {
            Objects.requireNonNull(variant, "variant");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(predicted, "predicted");
            probabilities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
        }
    }

    /**
     * What the files held: the predictions in file order, the number of files and records read, lines that were
     * not capture records, and records without a usable output.
     */
    public record Captures(List<Prediction> predictions, int files, int records, int unreadableLines,
                           int recordsWithoutOutput) {
        public Captures {
            predictions = List.copyOf(predictions);
        }
    }

    /**
     * Reads every variant folder of {@code endpoint} under {@code captureDir}.
     *
     * @throws NoSuchFileException if the endpoint has no capture folder there
     */
    public static Captures read(Path captureDir, String endpoint) throws IOException {
        Path endpointDir = captureDir.resolve(endpoint);
        if (!Files.isDirectory(endpointDir)) {
            throw new NoSuchFileException(endpointDir.toString(), null, "no capture folder for endpoint " + endpoint);
        }
        List<Prediction> predictions = new ArrayList<>();
        int[] counts = new int[4]; // files, records, unreadable, without output
        List<Path> variants;
        try (Stream<Path> s = Files.list(endpointDir)) {
            variants = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path variantDir : variants) {
            String variant = variantDir.getFileName().toString();
            List<Path> files;
            try (Stream<Path> s = Files.walk(variantDir)) {
                files = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jsonl"))
                        .sorted().toList();
            }
            for (Path file : files) {
                counts[0]++;
                try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.isBlank()) {
                            continue;
                        }
                        readLine(variant, line, predictions, counts);
                    }
                }
            }
        }
        return new Captures(predictions, counts[0], counts[1], counts[2], counts[3]);
    }

    private static void readLine(String variant, String line, List<Prediction> out, int[] counts) {
        JsonNode record;
        try {
            record = JSON.readTree(line);
        } catch (JacksonException e) {
            counts[2]++;
            return;
        }
        JsonNode metadata = record == null ? null : record.get("eventMetadata");
        String key = metadata == null ? null : text(metadata.get("inferenceId"));
        if (key == null && metadata != null) {
            key = text(metadata.get("eventId"));
        }
        if (key == null || record.get("captureData") == null) {
            counts[2]++;
            return;
        }
        counts[1]++;
        List<Prediction> rows = predictions(variant, key, record.get("captureData").get("endpointOutput"));
        if (rows == null) {
            counts[3]++;
        } else {
            out.addAll(rows);
        }
    }

    /** The output's predictions keyed by row, or null if there is no output in mlgate's prediction shape. */
    private static List<Prediction> predictions(String variant, String key, JsonNode output) {
        if (output == null || !output.isObject()) {
            return null;
        }
        String data = text(output.get("data"));
        String encoding = text(output.get("encoding"));
        if (data == null) {
            return null;
        }
        try {
            if ("BASE64".equals(encoding)) {
                data = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
            }
            JsonNode answer = JSON.readTree(data);
            JsonNode list = answer == null ? null : answer.get("predictions");
            if (list == null || !list.isArray() || list.isEmpty()) {
                return null;
            }
            List<Prediction> rows = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode p = list.get(i);
                JsonNode probs = p.get("probabilities");
                if (probs == null || !probs.isObject() || probs.isEmpty()) {
                    return null;
                }
                Map<String, Double> probabilities = new LinkedHashMap<>();
                String best = null;
                for (Map.Entry<String, JsonNode> e : probs.properties()) {
                    if (!e.getValue().isNumber()) {
                        return null;
                    }
                    double v = e.getValue().asDouble();
                    probabilities.put(e.getKey(), v);
                    if (best == null || v > probabilities.get(best)) {
                        best = e.getKey();
                    }
                }
                String predicted = text(p.get("predicted_label"));
                rows.add(new Prediction(variant, list.size() == 1 ? key : key + "#" + (i + 1),
                        predicted == null ? best : predicted, probabilities));
            }
            return rows;
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node == null || !node.isString() || node.asString().isEmpty() ? null : node.asString();
    }
}
