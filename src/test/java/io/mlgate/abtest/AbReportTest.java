package io.mlgate.abtest;

import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.runtime.capture.CaptureFileException;
import io.mlgate.runtime.capture.CaptureFileHeader;
import io.mlgate.runtime.capture.CaptureFileSealer;
import io.mlgate.runtime.capture.CapturePolicy;
import io.mlgate.runtime.capture.CaptureRecord;
import io.mlgate.runtime.capture.LocalCaptureKeys;
import io.mlgate.sagemaker.DataCaptureConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Reading capture files, reading labels, and joining the two. */
class AbReportTest {

    static final Instant T = Instant.parse("2026-11-27T10:15:00Z");

    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";

    @TempDir
    Path dir;

    final LocalCaptureKeys keys = LocalCaptureKeys.withKey(ROLE);

    static String answer(String... predictedAndP) {
        StringBuilder s = new StringBuilder("{\"predictions\":[");
        for (int i = 0; i < predictedAndP.length; i += 2) {
            String label = predictedAndP[i];
            double p = Double.parseDouble(predictedAndP[i + 1]);
            double rest = (1 - p) / 2;
            s.append(i == 0 ? "" : ",").append("{\"predicted_label\":\"").append(label)
                    .append("\",\"probabilities\":{");
            String[] classes = {"setosa", "versicolor", "virginica"};
            for (int c = 0; c < 3; c++) {
                s.append(c == 0 ? "" : ",").append('"').append(classes[c]).append("\":")
                        .append(classes[c].equals(label) ? p : rest);
            }
            s.append("}}");
        }
        return s.append("]}").toString();
    }

    CapturePolicy policy(List<String> json) {
        return CapturePolicy.of(dir, new DataCaptureConfig(true, 100, "s3://mlgate-capture", null,
                List.of("InputAndOutput"), List.of("text/csv"), json), "alias/capture", Map.of("A", ROLE, "B", ROLE));
    }

    /** Writes the records of one variant into a new encrypted hour file, as the writer lays them out. */
    Path write(String variant, CaptureRecord... records) throws Exception {
        return write(variant, false, records);
    }

    /** The same, the file ending in half a frame (a crash during an append) when {@code torn}. */
    Path write(String variant, boolean torn, CaptureRecord... records) throws Exception {
        Path hour = dir.resolve("iris-ab").resolve(variant).resolve("2026/11/27/10");
        Files.createDirectories(hour);
        String name = "15-00-000-" + java.util.UUID.randomUUID() + CaptureFileHeader.EXTENSION;
        Map<String, String> context = CaptureFileHeader.context("iris-ab", variant, "2026/11/27/10/" + name);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CaptureFileSealer sealer = CaptureFileSealer.create(keys.generate(ROLE, "alias/capture", context),
                context)) {
            out.writeBytes(sealer.header());
            for (CaptureRecord r : records) {
                out.writeBytes(sealer.seal(r.toJsonLine()));
            }
            if (torn) {
                byte[] frame = sealer.seal("{\"captureData\":{\"endpointInput\":{}}}\n".getBytes(StandardCharsets.UTF_8));
                out.write(frame, 0, frame.length / 2);
            } else {
                out.writeBytes(sealer.end());
            }
        }
        Path file = hour.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    CaptureRecord call(CapturePolicy p, String variant, String inferenceId, String eventId, String rows, String out) {
        return new CaptureRecord(p, "iris-ab", variant, eventId, inferenceId, T,
                rows.getBytes(StandardCharsets.UTF_8), "text/csv", out.getBytes(StandardCharsets.UTF_8),
                "application/json", (endpoint, payload, contentType) -> payload);
    }

    @Test
    void predictionsAreKeyedByInferenceIdRowAndVariantFolder() throws Exception {
        CapturePolicy json = policy(List.of("application/json"));
        CapturePolicy base64 = policy(null); // outputs captured as BASE64
        write("A", call(json, "A", "r1", "e1", "5.1,3.5,1.4,0.2", answer("setosa", "0.9")),
                call(base64, "A", "batch", "e2", "5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5",
                        answer("setosa", "0.8", "virginica", "0.7")));
        write("B", call(json, "B", null, "event-without-id", "5.1,3.5,1.4,0.2", answer("versicolor", "0.6")));
        CaptureReader.Captures c = CaptureReader.read(dir, "iris-ab", keys);
        assertThat(c.files()).isEqualTo(2);
        assertThat(c.records()).isEqualTo(3);
        assertThat(c.predictions()).extracting(CaptureReader.Prediction::key)
                .containsExactly("r1", "batch#1", "batch#2", "event-without-id");
        assertThat(c.predictions()).extracting(CaptureReader.Prediction::variant).containsExactly("A", "A", "A", "B");
        CaptureReader.Prediction second = c.predictions().get(2);
        assertThat(second.predicted()).isEqualTo("virginica");
        assertThat(second.probabilities().get("virginica")).isCloseTo(0.7, within(1e-12));
        assertThat(second.probabilities().keySet()).containsExactly("setosa", "versicolor", "virginica");
    }

    @Test
    void tornFramesAndRecordsWithoutAnOutputAreCountedNotFatal() throws Exception {
        CapturePolicy inputOnly = CapturePolicy.of(dir, new DataCaptureConfig(true, 100, "s3://mlgate-capture", null,
                List.of("Input"), null, null), "alias/capture", Map.of("A", ROLE));
        write("A", true, call(policy(List.of("application/json")), "A", "r1", "e1", "1,2,3,4",
                answer("setosa", "0.9")), new CaptureRecord(inputOnly, "iris-ab", "A", "e2", "r2", T,
                "1,2,3,4".getBytes(), "text/csv", null, null, (endpoint, payload, contentType) -> payload));
        CaptureReader.Captures c = CaptureReader.read(dir, "iris-ab", keys);
        assertThat(c.records()).isEqualTo(2);
        assertThat(c.unreadableLines()).as("the torn last frame").isEqualTo(1);
        assertThat(c.recordsWithoutOutput()).isEqualTo(1);
        assertThat(c.predictions()).hasSize(1);
        assertThatThrownBy(() -> CaptureReader.read(dir, "other", keys)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void filesThatCannotBeTrustedOrKeysKmsRefusesStopTheRead() throws Exception {
        Path file = write("A", call(policy(List.of("application/json")), "A", "r1", "e1", "x", answer("setosa", "0.9")),
                call(policy(List.of("application/json")), "A", "r2", "e2", "x", answer("setosa", "0.9")));
        keys.denyReads(true);
        assertThatThrownBy(() -> CaptureReader.read(dir, "iris-ab", keys))
                .isInstanceOfSatisfying(KeyServiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("AccessDeniedException"));
        keys.denyReads(false);
        // variant A's file moved into variant B's folder would count A's predictions as B's
        Path moved = dir.resolve("iris-ab/B/2026/11/27/10").resolve(file.getFileName());
        Files.createDirectories(moved.getParent());
        Files.move(file, moved);
        assertThatThrownBy(() -> CaptureReader.read(dir, "iris-ab", keys)).isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("does not name");
        Files.move(moved, file);
        byte[] altered = Files.readAllBytes(file);
        altered[altered.length - 60] ^= 1; // inside the first record's frame: the end frame follows
        Files.write(file, altered);
        assertThatThrownBy(() -> CaptureReader.read(dir, "iris-ab", keys)).isInstanceOf(CaptureFileException.class);
    }

    @Test
    void plaintextFilesOfEarlierVersionsAreNotRead() throws Exception {
        write("A", call(policy(List.of("application/json")), "A", "r1", "e1", "x", answer("setosa", "0.9")));
        Path hour = dir.resolve("iris-ab/A/2026/11/27/10");
        Files.writeString(hour.resolve("15-00-000-old.jsonl"), "{\"captureData\":{}}\n");
        CaptureReader.Captures c = CaptureReader.read(dir, "iris-ab", keys);
        assertThat(c.files()).isEqualTo(1);
        assertThat(c.records()).isEqualTo(1);
    }

    @Test
    void labelsFromCsvAndFromJsonLines() throws Exception {
        Path csv = dir.resolve("labels.csv");
        Files.writeString(csv, "\uFEFFinference_id,label\r\nr1,setosa\n\n\"batch#1\",\"set,osa\"\n\"q\"\"uote\",x\n");
        assertThat(GroundTruth.read(csv)).containsExactly(Map.entry("r1", "setosa"), Map.entry("batch#1", "set,osa"),
                Map.entry("q\"uote", "x"));
        Path jsonl = dir.resolve("labels.jsonl");
        Files.writeString(jsonl, "{\"inferenceId\":\"r1\",\"label\":\"setosa\"}\n\n"
                + "{\"inferenceId\":\"r2\",\"label\":2}\n");
        assertThat(GroundTruth.read(jsonl)).containsExactly(Map.entry("r1", "setosa"), Map.entry("r2", "2"));
    }

    @Test
    void malformedLabelsNameTheLine() throws Exception {
        Map<String, String> cases = Map.of(
                "id,label\nr1,a\n", "line 1: the header must be inference_id,label",
                "inference_id,label\nr1,a\nr1,b\n", "line 3: inference id r1 is labelled twice",
                "inference_id,label\nr1\n", "line 2: expected 2 fields",
                "inference_id,label\n\"r1,a\n", "line 2: a quote is not closed",
                "inference_id,label\nr1,\n", "line 2: the label of r1 is empty",
                "", "the file is empty",
                "{\"inferenceId\":\"r1\",\"label\":\"a\"}\n{\"inferenceId\":7,\"label\":\"a\"}\n",
                "line 2: inferenceId must be a string",
                "{\"inferenceId\":\"r1\",\"label\":\"a\"}\n{broken\n", "line 2: not a JSON object");
        int i = 0;
        for (Map.Entry<String, String> e : cases.entrySet()) {
            Path f = dir.resolve("bad" + i++);
            Files.writeString(f, e.getKey());
            assertThatThrownBy(() -> GroundTruth.read(f)).as(e.getKey())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(e.getValue());
        }
    }

    @Test
    void theJoinCountsWhatMatchedAndWhatDidNot() throws Exception {
        CapturePolicy p = policy(List.of("application/json"));
        write("A", call(p, "A", "r1", "e1", "x", answer("setosa", "0.9")),
                call(p, "A", "r2", "e2", "x", answer("versicolor", "0.8")),
                call(p, "A", "no-label", "e3", "x", answer("setosa", "0.9")));
        write("B", call(p, "B", "r3", "e4", "x", answer("setosa", "0.5")),
                call(p, "B", "r4", "e5", "x", answer("setosa", "0.4")));
        Map<String, String> labels = Map.of("r1", "setosa", "r2", "virginica", "r3", "setosa", "r4", "2",
                "never-sent", "setosa");
        AbReport report = AbReport.of("iris-ab", CaptureReader.read(dir, "iris-ab", keys), labels);
        AbReport.VariantResult a = report.variants().get(0);
        assertThat(a.variant()).isEqualTo("A");
        assertThat(a.joined()).isEqualTo(2);
        assertThat(a.unlabelled()).isEqualTo(1);
        assertThat(a.metrics().accuracy()).isCloseTo(0.5, within(1e-12));
        AbReport.VariantResult b = report.variants().get(1);
        assertThat(b.joined()).isEqualTo(2);
        assertThat(b.unknownLabels()).as("label 2 is none of the classes").isEqualTo(1);
        assertThat(report.labelsWithoutPrediction()).isEqualTo(1);
        assertThat(report.labels()).isEqualTo(5);
        assertThat(a.joined() + a.unlabelled() + b.joined() + b.unlabelled()).isEqualTo(5); // every prediction once
        assertThat(report.best(ClassificationMetrics.Metrics::accuracy)).isEqualTo("A");

        String text = report.toText();
        assertThat(text).contains("A/B report for endpoint iris-ab").contains("labels: 5, without a captured "
                + "prediction: 1").contains("warning: 1 labels joined to variant B").contains("highest accuracy: A");
        assertThat(text.lines().filter(l -> l.startsWith("A "))).singleElement().asString()
                .contains(" 2 ").contains("0.5000");

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.path("variants").get(0).path("joined").asInt()).isEqualTo(2);
        assertThat(json.path("variants").get(0).path("accuracy").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(json.path("variants").get(1).path("unknownLabels").asInt()).isEqualTo(1);
        assertThat(json.path("labelsWithoutPrediction").asInt()).isEqualTo(1);
        assertThat(json.path("capture").path("records").asInt()).isEqualTo(5);
    }

    @Test
    void aVariantWithNoLabelledPredictionHasNoMetrics() throws Exception {
        CapturePolicy p = policy(List.of("application/json"));
        write("A", call(p, "A", "r1", "e1", "x", answer("setosa", "0.9")));
        AbReport report = AbReport.of("iris-ab", CaptureReader.read(dir, "iris-ab", keys), Map.of());
        assertThat(report.variants().get(0).metrics()).isNull();
        assertThat(report.toText()).contains("-");
        assertThat(new ObjectMapper().readTree(report.toJson()).path("variants").get(0).path("accuracy").isNull())
                .isTrue();
        assertThat(report.best(ClassificationMetrics.Metrics::accuracy)).isNull();
    }
}
