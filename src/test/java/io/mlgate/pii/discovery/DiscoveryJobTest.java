package io.mlgate.pii.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.kms.artifact.ModelSource;
import io.mlgate.pii.CustomDetectorSpec;
import io.mlgate.pii.Detector;
import io.mlgate.pii.DetectorSettings;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.PiiType;
import io.mlgate.pii.Redactor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Discovery jobs over real files with the real scanner: CSV by column, JSON Lines and JSON by field, text in
 * overlapping pieces; that reading in small pieces finds exactly what one whole read finds, at the right lines and
 * byte offsets; what is skipped and why; model store metadata read without a key; reports without values.
 */
class DiscoveryJobTest {

    /** An employee number: a custom detector with a fixed shape, so counts are exact. */
    static final CustomDetectorSpec EMPLOYEE_ID = new CustomDetectorSpec("EMPLOYEE_ID", "EMP-[0-9]{6}", null,
            CustomDetectorSpec.Checksum.NONE, 0.9, null, null, 0);
    static final DetectorSettings SETTINGS = new DetectorSettings(Set.of(PiiType.EMAIL, PiiType.CREDIT_CARD),
            DetectorSettings.DEFAULT_PHONE_REGIONS, 0.5, List.of(EMPLOYEE_ID), 64);
    /** Tiny pieces: every file of a few KiB crosses many piece boundaries. */
    static final DiscoveryJob.Limits SMALL = new DiscoveryJob.Limits(256, 64, 4096, 2048, Duration.ofSeconds(30));

    @TempDir
    Path dir;

    static DiscoveryJob job(DiscoveryJob.Limits limits, Detector... extra) {
        return new DiscoveryJob(SETTINGS, PiiScanner.of(SETTINGS, List.of(extra)), new Redactor(new byte[32]),
                limits, Clock.systemUTC());
    }

    static DiscoveryReport run(DiscoveryJob job, Path... roots) throws IOException {
        DiscoveryJob.Plan plan = job.plan(List.of(roots), null);
        return job.run(plan, n -> { });
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    /** Every sample points at a value of its type: the bytes there start as expected, on the line it names. */
    static void samplesPointAtValues(Path file, DiscoveryReport.FileReport report) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(report.samples()).isNotEmpty();
        for (DiscoveryReport.Sample s : report.samples()) {
            String at = new String(bytes, (int) s.byteOffset(), Math.min(8, bytes.length - (int) s.byteOffset()),
                    StandardCharsets.UTF_8);
            switch (s.type()) {
                case "EMAIL" -> assertThat(at).as("%s", s).matches("^[a-z][a-z0-9.]*.*");
                case "EMPLOYEE_ID" -> assertThat(at).as("%s", s).startsWith("EMP-");
                case "CREDIT_CARD" -> assertThat(at).as("%s", s).startsWith("4111");
                default -> { }
            }
            long line = 1;
            for (int i = 0; i < s.byteOffset(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            assertThat(s.line()).as("%s", s).isEqualTo(line);
        }
    }

    static DiscoveryReport.FileReport only(DiscoveryReport r) {
        assertThat(r.files()).hasSize(1);
        return r.files().get(0);
    }

    @Test
    void csvIsScannedByColumnInBatchesThatKeepTheHeader() throws IOException {
        StringBuilder csv = new StringBuilder("id,name,email,note\n");
        for (int i = 0; i < 200; i++) {
            csv.append(i).append(",Person ").append(i).append(",user").append(i).append("@example.com,")
                    .append(i % 2 == 0 ? "staff EMP-" + String.format("%06d", i) : "none").append('\n');
        }
        Path file = write("people.csv", csv.toString());
        DiscoveryReport small = run(job(SMALL), file);
        DiscoveryReport whole = run(job(DiscoveryJob.Limits.defaults()), file);

        assertThat(small.countsByType()).containsExactlyEntriesOf(whole.countsByType());
        assertThat(small.countsByType()).containsEntry("EMAIL", 200L).containsEntry("EMPLOYEE_ID", 100L);
        DiscoveryReport.FileReport f = only(small);
        assertThat(f.format()).isEqualTo(FileFormat.CSV);
        assertThat(f.fields()).containsOnlyKeys("email", "note");
        assertThat(f.fields().get("email")).containsExactly(Map.entry("EMAIL", 200L));
        assertThat(f.fields().get("note")).containsExactly(Map.entry("EMPLOYEE_ID", 100L));
        assertThat(f.fields()).isEqualTo(only(whole).fields());
        assertThat(f.samples()).hasSize(2 * FileFindings.SAMPLES_PER_TYPE);
        samplesPointAtValues(file, f);
        assertThat(small.bytesScanned()).isEqualTo(Files.size(file));
    }

    @Test
    void quotedLineBreaksStayInTheirCellAndLinesAreCountedInTheFile() throws IOException {
        Path file = write("notes.csv", "id,comment,email\n"
                + "1,\"first line\nsecond line, still the comment\",a.one@example.com\n"
                + "2,\"quoted \"\"word\"\" here\",b.two@example.com\n"
                + "3,plain,c.three@example.com\n");
        DiscoveryReport.FileReport f = only(run(job(SMALL), file));
        assertThat(f.fields()).containsOnlyKeys("email");
        assertThat(f.samples()).extracting(DiscoveryReport.Sample::line).containsExactly(3L, 4L, 5L);
        samplesPointAtValues(file, f);
    }

    @Test
    void jsonLinesAreScannedByFieldAndABadLineCostsOnlyItsOwnFieldNames() throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            if (i == 50) {
                jsonl.append("{\"contact\": {\"email\": \"broken").append(i).append("@example.com\"\n");
            } else {
                jsonl.append("{\"id\": ").append(i).append(", \"contact\": {\"email\": \"u").append(i)
                        .append("@example.com\"}, \"ref\": \"EMP-").append(String.format("%06d", i)).append("\"}\n");
            }
        }
        Path file = write("events.jsonl", jsonl.toString());
        DiscoveryReport r = run(job(SMALL), file);
        DiscoveryReport.FileReport f = only(r);
        assertThat(r.countsByType()).containsEntry("EMAIL", 100L).containsEntry("EMPLOYEE_ID", 99L);
        assertThat(f.fields().get("email")).containsEntry("EMAIL", 99L); // the broken line has no field
        assertThat(f.fields().get("ref")).containsEntry("EMPLOYEE_ID", 99L);
        assertThat(f.notes()).anyMatch(n -> n.contains("not valid JSON"));
        samplesPointAtValues(file, f);
        assertThat(run(job(DiscoveryJob.Limits.defaults()), file).countsByType())
                .containsExactlyEntriesOf(r.countsByType());
    }

    @Test
    void jsonDocumentsByFieldAndLargeOnesAsJsonLinesOrAsText() throws IOException {
        Path small = write("small.json", "{\"customer\": {\"email\": \"jane.doe@example.com\", \"card\": "
                + "\"4111 1111 1111 1111\"}, \"staff\": [\"EMP-000001\"]}");
        DiscoveryReport.FileReport f = only(run(job(SMALL), small));
        assertThat(f.fields()).containsKeys("email", "card");
        assertThat(f.countsByType()).containsEntry("EMAIL", 1L).containsEntry("CREDIT_CARD", 1L)
                .containsEntry("EMPLOYEE_ID", 1L);
        assertThat(f.notes()).isEmpty();

        StringBuilder lines = new StringBuilder();
        StringBuilder pretty = new StringBuilder("{\n  \"people\": [\n");
        for (int i = 0; i < 120; i++) {
            lines.append("{\"email\": \"p").append(i).append("@example.com\"}\n");
            pretty.append("    {\"email\": \"p").append(i).append("@example.com\"}").append(i < 119 ? ",\n" : "\n");
        }
        pretty.append("  ]\n}\n");
        DiscoveryReport.FileReport asLines = only(run(job(SMALL), write("big-lines.json", lines.toString())));
        assertThat(asLines.notes()).anyMatch(n -> n.contains("read as JSON Lines"));
        assertThat(asLines.fields().get("email")).containsEntry("EMAIL", 120L);
        Path prettyFile = write("big-pretty.json", pretty.toString());
        DiscoveryReport.FileReport asText = only(run(job(SMALL), prettyFile));
        assertThat(asText.notes()).anyMatch(n -> n.contains("scanned as text"));
        assertThat(asText.countsByType()).containsEntry("EMAIL", 120L);
        assertThat(asText.fields()).isEmpty();
        samplesPointAtValues(prettyFile, asText);
    }

    @Test
    void textIsReadInBoundedOverlappingPiecesAndEachValueIsCountedOnce() throws IOException {
        // long lines without breaks, so pieces are cut at spaces, inside the card numbers' groups too
        StringBuilder text = new StringBuilder();
        int emails = 0;
        int cards = 0;
        for (int i = 0; i < 400; i++) {
            text.append("lorem ipsum dolor sit amet ");
            if (i % 7 == 0) {
                text.append("mail person").append(i).append("@example.org now ");
                emails++;
            }
            if (i % 11 == 0) {
                text.append("card 4111 1111 1111 1111 paid ");
                cards++;
            }
            if (i % 50 == 49) {
                text.append('\n');
            }
        }
        Path file = write("notes.txt", text.toString());
        AtomicInteger largest = new AtomicInteger();
        Detector measuring = new Detector() {
            @Override
            public PiiType type() {
                return new PiiType("NOTHING");
            }

            @Override
            public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
                largest.accumulateAndGet(to - from, Math::max);
            }
        };
        DiscoveryReport r = run(job(SMALL, measuring), file);
        assertThat(r.countsByType()).containsEntry("EMAIL", (long) emails).containsEntry("CREDIT_CARD", (long) cards);
        assertThat(r.countsByType()).containsExactlyEntriesOf(run(job(DiscoveryJob.Limits.defaults()), file)
                .countsByType());
        samplesPointAtValues(file, only(r));
        // what the scanner was handed at once: one piece, never the file (about 12 KiB here)
        assertThat(largest.get()).isPositive()
                .isLessThanOrEqualTo(SMALL.chunkBytes() + SMALL.overlapBytes() + SMALL.cutWindowBytes());
        assertThat(Files.size(file)).isGreaterThan(20L * largest.get());
    }

    @Test
    void pieceCutsNeverSplitACharacter() {
        byte[] text = "ab é€😀".getBytes(StandardCharsets.UTF_8); // 1, 2, 3 and 4-byte characters, no break
        for (int len = 4; len <= text.length; len++) {
            int cut = FileScanner.cutPoint(java.util.Arrays.copyOf(text, len), len, len);
            String head = new String(text, 0, cut, StandardCharsets.UTF_8);
            assertThat(head.getBytes(StandardCharsets.UTF_8)).hasSize(cut); // decodes without a broken character
        }
        byte[] noSpace = "aé€😀".getBytes(StandardCharsets.UTF_8);
        // 1 + 2 + 3 + 4 bytes: cutting at 8 would split the emoji, so the piece ends before it
        assertThat(FileScanner.cutPoint(java.util.Arrays.copyOf(noSpace, 8), 8, 8)).isEqualTo(6);
        assertThat(FileScanner.cutPoint(noSpace, noSpace.length, noSpace.length)).isEqualTo(noSpace.length);
    }

    @Test
    void binariesLinksAndNestedRootsAndMissingPaths() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "outside@example.com");
        Files.createSymbolicLink(root.resolve("link-to-outside"), outside);
        Files.createSymbolicLink(root.resolve("link-to-file.txt"), outside.resolve("secret.txt"));
        byte[] binary = "MZ\0\0 hidden@example.com".getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve("tool.bin"), binary);
        Files.writeString(Files.createDirectories(root.resolve("sub")).resolve("a.txt"), "inner@example.com");
        Files.writeString(root.resolve("b.txt"), "outer@example.com");

        DiscoveryReport r = run(job(SMALL), root, root.resolve("sub"));
        assertThat(r.roots()).containsExactly(root.toRealPath().toString());
        assertThat(r.countsByType()).containsExactly(Map.entry("EMAIL", 2L)); // inner and outer, once each
        assertThat(r.filesScanned()).isEqualTo(2);
        assertThat(r.filesSkipped()).isEqualTo(3);
        assertThat(r.skipped()).extracting(DiscoveryReport.PathReason::reason)
                .containsExactlyInAnyOrder("symbolic link (not followed)", "symbolic link (not followed)",
                        "binary (NUL byte in the first 8192 bytes)");
        assertThat(new String(r.toJson(), StandardCharsets.UTF_8)).doesNotContain("outside@example.com");

        assertThatThrownBy(() -> job(SMALL).plan(List.of(dir.resolve("absent")), null))
                .isInstanceOf(NoSuchFileException.class);
        // a root given as a link was named on purpose: it is followed
        DiscoveryReport viaLink = run(job(SMALL), root.resolve("link-to-outside"));
        assertThat(viaLink.countsByType()).containsEntry("EMAIL", 1L);
    }

    @Test
    void modelStoreMetadataIsReadFromArtifactHeadersWithoutAKey() throws IOException {
        InMemoryDataKeys kms = new InMemoryDataKeys();
        kms.createKey("models");
        Path store = Files.createDirectories(dir.resolve("data/models/uploaded"));
        String descriptor = "{\"name\":\"churn\",\"artifact\":\"churn.onnx\",\"inputName\":\"input\","
                + "\"outputName\":\"output\",\"featureNames\":[\"age\",\"EMP-123456\"],\"labels\":[\"stay\",\"go\"],"
                + "\"outputKind\":\"probabilities\",\"trainingCommand\":\"train.py --owner jane.doe@example.com\"}";
        try (var out = Files.newOutputStream(store.resolve("churn.mlga"))) {
            new ModelArtifacts(kms).write(ModelSource.of(new byte[100]), out, "alias/models",
                    Map.of("model", "churn", "requester", "carol@example.com"),
                    Map.of("descriptor", descriptor, "owner", "bob@example.com"));
        }
        Files.writeString(store.resolve("plain.model.json"), "{\"trainer\": \"by dave@example.com\"}");
        Files.write(store.resolve("garbage.mlga"), "not an artifact at all".getBytes(StandardCharsets.UTF_8));

        DiscoveryJob job = job(SMALL);
        DiscoveryReport r = job.run(job.plan(List.of(), dir.resolve("data/models")), n -> { });
        assertThat(r.modelStore()).isEqualTo(dir.resolve("data/models").toRealPath().toString());
        Map<String, DiscoveryReport.FileReport> byPath = new java.util.HashMap<>();
        r.files().forEach(f -> byPath.put(f.path().substring(f.path().lastIndexOf('/') + 1), f));
        assertThat(byPath.get("churn.mlga#descriptor").fields()).containsOnlyKeys("trainingCommand", "featureNames");
        assertThat(byPath.get("churn.mlga#metadata").fields()).containsOnlyKeys("owner");
        assertThat(byPath.get("churn.mlga#encryptionContext").fields()).containsOnlyKeys("requester");
        assertThat(byPath.get("plain.model.json").fields()).containsOnlyKeys("trainer");
        assertThat(r.countsByType()).containsEntry("EMAIL", 4L).containsEntry("EMPLOYEE_ID", 1L);
        assertThat(r.failed()).singleElement().satisfies(f -> {
            assertThat(f.path()).endsWith("garbage.mlga");
            assertThat(f.reason()).startsWith("not a readable model artifact");
        });
    }

    @Test
    void reportsLocateButNeverHoldValuesAndMaskPiiInNames() throws IOException {
        Path file = write("jane.doe@example.com <b>x</b>.json",
                "{\"owners\": {\"bob@example.com\": {\"card\": \"4111 1111 1111 1111\"}}}");
        Path csv = write("john.roe@example.com/ann.lee@example.com.csv", "id,card\n1,4111 1111 1111 1111\n");
        DiscoveryReport r = run(job(SMALL), file, csv);
        assertThat(r.files()).hasSize(2);
        DiscoveryReport.FileReport f = r.files().stream().filter(x -> x.format() == FileFormat.JSON).findFirst()
                .orElseThrow();
        assertThat(f.path()).endsWith("/[EMAIL] <b>x</b>.json");
        assertThat(r.files()).anySatisfy(x -> assertThat(x.path()).endsWith("/[EMAIL]/[EMAIL].csv"));
        assertThat(r.roots()).anySatisfy(x -> assertThat(x).endsWith("/[EMAIL]/[EMAIL].csv"));
        String json = new String(r.toJson(), StandardCharsets.UTF_8);
        String html = new String(ReportHtml.render(r), StandardCharsets.UTF_8);
        for (String value : List.of("jane.doe@example.com", "bob@example.com", "john.roe", "ann.lee",
                "4111 1111 1111 1111", "4111111111111111")) {
            assertThat(json).doesNotContain(value);
            assertThat(html).doesNotContain(value);
        }
        JsonNode parsed = JsonMapper.builder().build().readTree(json);
        assertThat(parsed.path("countsByType").path("CREDIT_CARD").asLong()).isEqualTo(2);
        assertThat(parsed.path("jobId").asString()).isEqualTo(r.jobId());
        // the page is self-contained and escaped
        assertThat(html).contains("&lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>x</b>")
                .doesNotContain("<script").doesNotContain("src=").doesNotContain("href=").doesNotContain("://");
    }

    @Test
    void aScanThatFailsFailsOnlyItsFile() throws IOException {
        Detector failing = new Detector() {
            @Override
            public PiiType type() {
                return new PiiType("FRAGILE");
            }

            @Override
            public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
                if (new String(data, from, to - from, StandardCharsets.UTF_8).contains("BOOM")) {
                    throw new IllegalStateException("detector bug");
                }
            }
        };
        write("ok.txt", "fine@example.com");
        write("bad.txt", "BOOM and boom@example.com");
        DiscoveryReport r = run(job(SMALL, failing), dir);
        assertThat(r.filesScanned()).isEqualTo(1);
        assertThat(r.countsByType()).containsExactly(Map.entry("EMAIL", 1L));
        assertThat(r.failed()).singleElement().satisfies(f -> {
            assertThat(f.path()).endsWith("bad.txt");
            assertThat(f.reason()).isEqualTo("scan failed: DETECTOR_FAILURE");
        });
        assertThat(r.filesFailed()).isEqualTo(1);
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> new DiscoveryJob.Limits(100, 10, 4096, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DiscoveryJob.Limits(1024, 600, 4096, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DiscoveryJob.Limits(1024, 10, 512, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new DiscoveryJob.Limits(1024, 512, 1024, 0, Duration.ofSeconds(1)).cutWindowBytes())
                .isEqualTo(512);
    }
}
