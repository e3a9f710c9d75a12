package io.mlgate.abtest;

import io.mlgate.runtime.capture.CaptureFileKeys;
import io.mlgate.runtime.capture.CaptureFileReader;
import io.mlgate.runtime.capture.CaptureFiles;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an endpoint's encrypted data capture files,
 * {@code <capture dir>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl.mlgc} ({@link CaptureFiles}: each file's data key
 * through KMS Decrypt as the reader, its encryption context checked against where it lies), into one prediction per
 * input row: the variant is the folder the record is in; the predictions come from the record's
 * {@code endpointOutput} (mlgate's InvokeEndpoint answer {@code {"predictions":[{"predicted_label":..,
 * "probabilities":{label: p, ...}}, ...]}}, in any of the CSV, JSON or BASE64 encodings).
 *
 * <p>Each prediction's key, which {@link GroundTruth} labels are joined on: the record's
 * {@code eventMetadata.inferenceId} (the caller's {@code X-Amzn-SageMaker-Inference-Id}) or, when the call had
 * none, its {@code eventId}; a request of one row is that key, row k (counting from 1) of a request of several rows
 * is {@code KEY#k}.
 *
 * <p>A last frame torn by a crash, records that are not a capture record, and records without an output in that
 * shape (captured with {@code CaptureMode=Input} only, or from another model) are counted, not fatal; a file that
 * fails authentication anywhere else is an error ({@code CaptureFileException}), and so is a data key KMS refuses
 * ({@code KeyServiceException}).
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
     * What the files held: the predictions in file order, the number of files and records read, torn last frames
     * and records that were not capture records ({@code unreadableLines}), and records without a usable output.
     */
    public record Captures(List<Prediction> predictions, int files, int records, int unreadableLines,
                           int recordsWithoutOutput) {
        public Captures {
            predictions = List.copyOf(predictions);
        }
    }

    /**
     * Reads every variant folder of {@code endpoint} under {@code captureDir}, each file's data key from
     * {@code keys}.
     *
     * @throws NoSuchFileException if the endpoint has no capture folder there
     * @throws io.mlgate.runtime.capture.CaptureFileException if a file cannot be trusted
     * @throws io.mlgate.kms.artifact.KeyServiceException if KMS refuses a file's data key
     */
    public static Captures read(Path captureDir, String endpoint, CaptureFileKeys keys) throws IOException {
        List<Prediction> predictions = new ArrayList<>();
        int[] counts = new int[4]; // files, records, unreadable, without output
        for (CaptureFiles.CaptureFile file : CaptureFiles.list(captureDir, endpoint, null, null, null).files()) {
            counts[0]++;
            CaptureFileReader.Contents contents = CaptureFiles.read(file, keys, record -> {
                String line = new String(record, StandardCharsets.UTF_8);
                if (!line.isBlank()) {
                    readLine(file.variant(), line, predictions, counts);
                }
            });
            if (contents.tornTail()) {
                counts[2]++;
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
