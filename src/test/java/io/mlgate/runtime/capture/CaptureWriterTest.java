package io.mlgate.runtime.capture;

import io.mlgate.sagemaker.DataCaptureConfig;
import io.mlgate.sts.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CaptureWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T = Instant.parse("2026-11-27T10:59:58.250Z");
    static final byte[] ROW = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
    static final byte[] PREDICTION = ("{\"predictions\":[{\"predicted_label\":\"setosa\",\"probabilities\":"
            + "{\"setosa\":0.9,\"versicolor\":0.07,\"virginica\":0.03}}]}").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    CaptureWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    CapturePolicy policy(String... modes) {
        return CapturePolicy.of(root, new DataCaptureConfig(true, 100, "s3://mlgate-capture/ab", null,
                List.of(modes), List.of("text/csv"), List.of("application/json")));
    }

    CaptureRecord record(CapturePolicy policy, String variant, String id, Instant time) {
        return new CaptureRecord(policy, "iris-ab", variant, "event-" + id, id, time, ROW, "text/csv",
                PREDICTION, "application/json");
    }

    static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void aRecordIsSageMakersCaptureFormat() throws Exception {
        JsonNode r = JSON.readTree(record(policy("InputAndOutput"), "A", "id-1", T).toJsonLine());
        JsonNode in = r.path("captureData").path("endpointInput");
        assertThat(in.path("observedContentType").asString()).isEqualTo("text/csv");
        assertThat(in.path("mode").asString()).isEqualTo("INPUT");
        assertThat(in.path("data").asString()).isEqualTo("5.1,3.5,1.4,0.2");
        assertThat(in.path("encoding").asString()).isEqualTo("CSV");
        JsonNode out = r.path("captureData").path("endpointOutput");
        assertThat(out.path("mode").asString()).isEqualTo("OUTPUT");
        assertThat(out.path("encoding").asString()).isEqualTo("JSON");
        assertThat(JSON.readTree(out.path("data").asString()).path("predictions").get(0).path("predicted_label")
                .asString()).isEqualTo("setosa");
        assertThat(r.path("eventMetadata").path("eventId").asString()).isEqualTo("event-id-1");
        assertThat(r.path("eventMetadata").path("inferenceId").asString()).isEqualTo("id-1");
        assertThat(r.path("eventMetadata").path("inferenceTime").asString()).isEqualTo("2026-11-27T10:59:58Z");
        assertThat(r.path("eventVersion").asString()).isEqualTo("0");
        assertThat(record(policy("Input"), "A", "x", T).toString()).doesNotContain("5.1");
    }

    @Test
    void modesInferenceIdAndEncodingsShapeTheRecord() throws Exception {
        CaptureRecord noId = new CaptureRecord(policy("Output"), "iris-ab", "A", "e", null, T, null, "text/csv",
                PREDICTION, "application/json");
        JsonNode r = JSON.readTree(noId.toJsonLine());
        assertThat(r.path("captureData").has("endpointInput")).isFalse();
        assertThat(r.path("captureData").has("endpointOutput")).isTrue();
        assertThat(r.path("eventMetadata").has("inferenceId")).isFalse();

        byte[] latin1 = {(byte) 0xE9, ',', '1'};
        CaptureRecord binary = new CaptureRecord(policy("Input"), "iris-ab", "A", "e", "i", T, latin1, "text/csv",
                null, null);
        JsonNode in = JSON.readTree(binary.toJsonLine()).path("captureData").path("endpointInput");
        assertThat(in.path("encoding").asString()).as("invalid UTF-8 is never written as text").isEqualTo("BASE64");
        assertThat(Base64.getDecoder().decode(in.path("data").asString())).isEqualTo(latin1);

        CapturePolicy noHeader = CapturePolicy.of(root, new DataCaptureConfig(true, 100, "s3://mlgate-capture",
                null, List.of("Input"), null, null));
        JsonNode b64 = JSON.readTree(new CaptureRecord(noHeader, "e", "A", "e", null, T, ROW, "text/csv", null, null)
                .toJsonLine()).path("captureData").path("endpointInput");
        assertThat(b64.path("encoding").asString()).isEqualTo("BASE64");
        assertThat(Base64.getDecoder().decode(b64.path("data").asString())).isEqualTo(ROW);
    }

    @Test
    void recordsGoToHourlyFilesPerVariantAndAreDurableAfterFlush() throws Exception {
        MutableClock clock = new MutableClock(T);
        writer = CaptureWriter.start(CaptureWriter.Limits.defaults(), clock);
        CapturePolicy p = policy("InputAndOutput");
        assertThat(writer.offer(record(p, "A", "1", T))).isTrue();
        assertThat(writer.offer(record(p, "B", "2", T.plusMillis(100)))).isTrue();
        assertThat(writer.offer(record(p, "A", "3", T.plusMillis(200)))).isTrue();
        assertThat(writer.offer(record(p, "A", "4", T.plusSeconds(3)))).isTrue(); // 11:00:01: the next hour
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.written()).isEqualTo(4);

        Path a10 = root.resolve("ab/iris-ab/A/2026/11/27/10");
        Path a11 = root.resolve("ab/iris-ab/A/2026/11/27/11");
        List<Path> hour10 = files(a10);
        assertThat(hour10).hasSize(1);
        assertThat(hour10.get(0).getFileName().toString()).matches("59-58-250-[0-9a-f-]{36}\\.jsonl");
        assertThat(lines(hour10.get(0))).extracting(n -> n.path("eventMetadata").path("inferenceId").asString())
                .containsExactly("1", "3");
        assertThat(files(a11)).hasSize(1);
        assertThat(lines(files(a11).get(0))).hasSize(1);
        assertThat(files(root.resolve("ab/iris-ab/B"))).hasSize(1);
        if (Files.getFileStore(root).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hour10.get(0))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a10))).isEqualTo("rwx------");
        }
    }

    @Test
    void aFileIsClosedOnceTheClockLeavesItsHourAndTheNextRecordOpensAnother() throws Exception {
        MutableClock clock = new MutableClock(T);
        writer = CaptureWriter.start(CaptureWriter.Limits.defaults(), clock);
        CapturePolicy p = policy("Input");
        writer.offer(record(p, "A", "1", T));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        writer.offer(record(p, "A", "2", T.plusMillis(1)));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        Path a10 = root.resolve("ab/iris-ab/A/2026/11/27/10");
        assertThat(files(a10)).as("the same hour appends to the same file").hasSize(1);

        clock.advance(Duration.ofMinutes(2)); // 11:01: the 10 o'clock file is done
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        writer.offer(record(p, "A", "3", T.plusMillis(2))); // a late record of 10 o'clock: a new file
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(files(a10)).hasSize(2);
        assertThat(files(a10).stream().mapToInt(f -> {
            try {
                return lines(f).size();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).sum()).isEqualTo(3);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        writer = new CaptureWriter(new CaptureWriter.Limits(2, 1 << 20), new MutableClock(T)); // not started
        CapturePolicy p = policy("InputAndOutput");
        assertThat(writer.offer(record(p, "A", "1", T))).isTrue();
        assertThat(writer.offer(record(p, "A", "2", T))).isTrue();
        assertThat(writer.offer(record(p, "A", "3", T))).isFalse();
        assertThat(writer.dropped()).isEqualTo(1);
        assertThat(writer.queued()).isEqualTo(2);
        writer.startThread();
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.written()).isEqualTo(2);
        assertThat(writer.queued()).isZero();
        assertThat(writer.offer(record(p, "A", "4", T))).as("room again once written").isTrue();
    }

    @Test
    void theByteBudgetBoundsTheQueueToo() {
        long one = CaptureRecord.OVERHEAD_BYTES + ROW.length + PREDICTION.length;
        writer = new CaptureWriter(new CaptureWriter.Limits(100, one * 2), new MutableClock(T));
        CapturePolicy p = policy("InputAndOutput");
        assertThat(writer.offer(record(p, "A", "1", T))).isTrue();
        assertThat(writer.offer(record(p, "A", "2", T))).isTrue();
        assertThat(writer.offer(record(p, "A", "3", T))).isFalse();
        assertThat(writer.dropped()).isEqualTo(1);
    }

    @Test
    void aWriteFailureLosesThoseRecordsWithoutThrowingAndWritingResumes() throws Exception {
        Files.writeString(root.resolve("ab"), "a file where the capture folder should be");
        writer = CaptureWriter.start(CaptureWriter.Limits.defaults(), new MutableClock(T));
        CapturePolicy p = policy("Input");
        assertThat(writer.offer(record(p, "A", "1", T))).isTrue();
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.failed()).isEqualTo(1);
        assertThat(writer.written()).isZero();

        Files.delete(root.resolve("ab"));
        writer.offer(record(p, "A", "2", T));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.written()).isEqualTo(1);
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterOffersAreDropped() throws Exception {
        writer = new CaptureWriter(CaptureWriter.Limits.defaults(), new MutableClock(T));
        CapturePolicy p = policy("Input");
        writer.offer(record(p, "A", "1", T));
        writer.startThread();
        writer.close();
        assertThat(writer.written()).isEqualTo(1);
        assertThat(writer.offer(record(p, "A", "2", T))).isFalse();
        assertThat(writer.dropped()).isEqualTo(1);
        assertThat(writer.flush(Duration.ofMillis(1))).isFalse();
    }
}
