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
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CaptureWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T = Instant.parse("2026-11-27T10:59:58.250Z");
    static final byte[] ROW = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
    static final byte[] PREDICTION = ("{\"predictions\":[{\"predicted_label\":\"setosa\",\"probabilities\":"
            + "{\"setosa\":0.9,\"versicolor\":0.07,\"virginica\":0.03}}]}").getBytes(StandardCharsets.UTF_8);

    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";
    static final CaptureRedaction AS_IS = (endpoint, payload, contentType) -> payload;

    @TempDir
    Path root;

    CaptureWriter writer;
    final LocalCaptureKeys keys = LocalCaptureKeys.withKey(ROLE);

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    CapturePolicy policy(String... modes) {
        return CapturePolicy.of(root, new DataCaptureConfig(true, 100, "s3://mlgate-capture/ab", null,
                List.of(modes), List.of("text/csv"), List.of("application/json")), "alias/capture",
                Map.of("A", ROLE, "B", ROLE));
    }

    CaptureRecord record(CapturePolicy policy, String variant, String id, Instant time) {
        return new CaptureRecord(policy, "iris-ab", variant, "event-" + id, id, time, ROW, "text/csv",
                PREDICTION, "application/json", AS_IS);
    }

    CaptureWriter start(java.time.Clock clock) {
        return CaptureWriter.start(CaptureWriter.Limits.defaults(), CaptureWriter.Rolling.defaults(), clock, keys);
    }

    static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The records of a capture file, decrypted with the test key service (its location checked). */
    List<JsonNode> lines(Path file) throws IOException {
        return lines(file, keys);
    }

    static List<JsonNode> lines(Path file, CaptureFileKeys keys) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        CaptureFileReader.read(file, null, keys, r -> out.add(JSON.readTree(r)));
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
                PREDICTION, "application/json", AS_IS);
        JsonNode r = JSON.readTree(noId.toJsonLine());
        assertThat(r.path("captureData").has("endpointInput")).isFalse();
        assertThat(r.path("captureData").has("endpointOutput")).isTrue();
        assertThat(r.path("eventMetadata").has("inferenceId")).isFalse();

        byte[] latin1 = {(byte) 0xE9, ',', '1'};
        CaptureRecord binary = new CaptureRecord(policy("Input"), "iris-ab", "A", "e", "i", T, latin1, "text/csv",
                null, null, AS_IS);
        JsonNode in = JSON.readTree(binary.toJsonLine()).path("captureData").path("endpointInput");
        assertThat(in.path("encoding").asString()).as("invalid UTF-8 is never written as text").isEqualTo("BASE64");
        assertThat(Base64.getDecoder().decode(in.path("data").asString())).isEqualTo(latin1);

        CapturePolicy noHeader = CapturePolicy.of(root, new DataCaptureConfig(true, 100, "s3://mlgate-capture",
                null, List.of("Input"), null, null), "alias/capture", Map.of("A", ROLE));
        JsonNode b64 = JSON.readTree(new CaptureRecord(noHeader, "e", "A", "e", null, T, ROW, "text/csv", null, null,
                AS_IS).toJsonLine()).path("captureData").path("endpointInput");
        assertThat(b64.path("encoding").asString()).isEqualTo("BASE64");
        assertThat(Base64.getDecoder().decode(b64.path("data").asString())).isEqualTo(ROW);
    }

    @Test
    void recordsGoToHourlyFilesPerVariantAndAreDurableAfterFlush() throws Exception {
        MutableClock clock = new MutableClock(T);
        writer = start(clock);
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
        assertThat(hour10.get(0).getFileName().toString()).matches("59-58-250-[0-9a-f-]{36}\\.jsonl\\.mlgc");
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
        writer = start(clock);
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
                assertThat(CaptureFileReader.read(f, null, keys, r -> { }).sealed())
                        .as("a file closed at the end of its hour ends with its end frame").isTrue();
                return lines(f).size();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).sum()).isEqualTo(3);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        writer = new CaptureWriter(new CaptureWriter.Limits(2, 1 << 20), CaptureWriter.Rolling.defaults(),
                new MutableClock(T), keys); // not started
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
        writer = new CaptureWriter(new CaptureWriter.Limits(100, one * 2), CaptureWriter.Rolling.defaults(),
                new MutableClock(T), keys);
        CapturePolicy p = policy("InputAndOutput");
        assertThat(writer.offer(record(p, "A", "1", T))).isTrue();
        assertThat(writer.offer(record(p, "A", "2", T))).isTrue();
        assertThat(writer.offer(record(p, "A", "3", T))).isFalse();
        assertThat(writer.dropped()).isEqualTo(1);
    }

    @Test
    void aWriteFailureLosesThoseRecordsWithoutThrowingAndWritingResumes() throws Exception {
        Files.writeString(root.resolve("ab"), "a file where the capture folder should be");
        writer = start(new MutableClock(T));
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
        writer = new CaptureWriter(CaptureWriter.Limits.defaults(), CaptureWriter.Rolling.defaults(),
                new MutableClock(T), keys);
        CapturePolicy p = policy("Input");
        writer.offer(record(p, "A", "1", T));
        writer.startThread();
        writer.close();
        assertThat(writer.written()).isEqualTo(1);
        Path file = files(root).get(0);
        assertThat(CaptureFileReader.read(file, null, keys, r -> { }).sealed()).as("closed with its end frame")
                .isTrue();
        assertThat(writer.offer(record(p, "A", "2", T))).isFalse();
        assertThat(writer.dropped()).isEqualTo(1);
        assertThat(writer.flush(Duration.ofMillis(1))).isFalse();
    }

    @Test
    void everyFileIsEncryptedWithItsOwnDataKeyAndHoldsNoPlaintext() throws Exception {
        writer = start(new MutableClock(T));
        CapturePolicy p = policy("InputAndOutput");
        writer.offer(record(p, "A", "marker-7f3a", T));
        writer.offer(record(p, "B", "marker-7f3b", T));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.filesOpened()).isEqualTo(2);
        assertThat(keys.generated.get()).as("one GenerateDataKey per file").isEqualTo(2);
        for (Path f : files(root)) {
            String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(raw).doesNotContain("marker-7f3").doesNotContain("5.1,3.5").doesNotContain("setosa")
                    .doesNotContain("captureData");
            CaptureFileHeader h = CaptureFileReader.header(f);
            assertThat(h.keyArn()).isEqualTo(keys.arnOf("alias/capture"));
            String variant = f.getParent().getParent().getParent().getParent().getParent().getFileName().toString();
            assertThat(h.context()).isEqualTo(CaptureFileHeader.context("iris-ab", variant,
                    "2026/11/27/10/" + f.getFileName()));
        }
        Path a = files(root.resolve("ab/iris-ab/A")).get(0);
        assertThat(lines(a).get(0).path("eventMetadata").path("inferenceId").asString()).isEqualTo("marker-7f3a");
        assertThat(CaptureFiles.read(new CaptureFiles.CaptureFile(a, "iris-ab", "A", T, "2026/11/27/10/"
                + a.getFileName()), keys, r -> { }).records()).as("its context names where it lies").isEqualTo(1);
    }

    @Test
    void aFileRollsWhenTheNextRecordWouldMakeItTooLarge() throws Exception {
        int frame = CaptureFileSealer.frameBytes(record(policy("InputAndOutput"), "A", "1", T).toJsonLine().length);
        Map<String, String> sameShape = CaptureFileHeader.context("iris-ab", "A", "2026/11/27/10/59-58-250-"
                + java.util.UUID.randomUUID() + CaptureFileHeader.EXTENSION);
        int header = CaptureFileSealer.create(keys.generate(ROLE, "alias/capture", sameShape), sameShape)
                .header().length;
        int generatedBefore = keys.generated.get();
        long limit = header + frame * 2L; // room for the header and two frames, not three
        writer = CaptureWriter.start(CaptureWriter.Limits.defaults(), new CaptureWriter.Rolling(limit,
                Duration.ofHours(1)), new MutableClock(T), keys);
        CapturePolicy p = policy("InputAndOutput");
        for (int i = 1; i <= 5; i++) {
            writer.offer(record(p, "A", String.valueOf(i), T));
        }
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        List<Path> files = files(root.resolve("ab/iris-ab/A"));
        assertThat(files).hasSize(3);
        List<Integer> sizes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Path f : files) {
            assertThat(Files.size(f)).as("at most the limit, plus the end frame").isLessThanOrEqualTo(
                    limit + CaptureFileSealer.frameBytes(0));
            List<JsonNode> records = lines(f);
            sizes.add(records.size());
            records.forEach(r -> ids.add(r.path("eventMetadata").path("inferenceId").asString()));
        }
        assertThat(sizes).containsExactlyInAnyOrder(2, 2, 1);
        assertThat(ids).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
        assertThat(keys.generated.get() - generatedBefore).isEqualTo(3);
        long sealed = files.stream().filter(f -> {
            try {
                return CaptureFileReader.read(f, null, keys, r -> { }).sealed();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).count();
        assertThat(sealed).as("the two full files were closed with their end frames").isEqualTo(2);
    }

    @Test
    void aRecordLargerThanTheSizeLimitStillGetsAFileOfItsOwn() throws Exception {
        writer = CaptureWriter.start(CaptureWriter.Limits.defaults(), new CaptureWriter.Rolling(100,
                Duration.ofHours(1)), new MutableClock(T), keys);
        CapturePolicy p = policy("InputAndOutput");
        writer.offer(record(p, "A", "1", T));
        writer.offer(record(p, "A", "2", T));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.written()).isEqualTo(2);
        assertThat(files(root.resolve("ab/iris-ab/A"))).hasSize(2);
    }

    @Test
    void aFileRollsOnceItIsOlderThanTheMaximumAge() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
        writer = CaptureWriter.start(CaptureWriter.Limits.defaults(), new CaptureWriter.Rolling(1 << 20,
                Duration.ofMinutes(10)), clock, keys);
        CapturePolicy p = policy("Input");
        writer.offer(record(p, "A", "1", clock.instant()));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        clock.advance(Duration.ofMinutes(9));
        writer.offer(record(p, "A", "2", clock.instant()));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        Path a10 = root.resolve("ab/iris-ab/A/2026/11/27/10");
        assertThat(files(a10)).as("9 minutes old: still the same file").hasSize(1);

        clock.advance(Duration.ofMinutes(1)); // 10 minutes: the writer closes it on its own
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(CaptureFileReader.read(files(a10).get(0), null, keys, r -> { }).sealed()).isTrue();
        writer.offer(record(p, "A", "3", clock.instant()));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        List<Path> files = files(a10);
        assertThat(files).hasSize(2);
        assertThat(lines(files.get(0)).size() + lines(files.get(1)).size()).isEqualTo(3);
    }

    @Test
    void aKeyKmsRefusesLosesTheRecordsAndNothingIsWrittenInPlaintext() throws Exception {
        writer = start(new MutableClock(T));
        keys.forbid(ROLE);
        CapturePolicy p = policy("Input");
        writer.offer(record(p, "A", "1", T));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.failed()).isEqualTo(1);
        assertThat(writer.written()).isZero();
        assertThat(files(root)).as("no file without a key").isEmpty();

        keys.allow(ROLE);
        writer.offer(record(p, "A", "2", T));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.written()).isEqualTo(1);

        CapturePolicy unknownVariant = CapturePolicy.of(root, new DataCaptureConfig(true, 100, "s3://mlgate-capture",
                null, List.of("Input"), null, null), "alias/capture", Map.of());
        writer.offer(record(unknownVariant, "A", "3", T));
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(writer.failed()).as("no execution role known for the variant: no key, no file").isEqualTo(2);
    }
}
