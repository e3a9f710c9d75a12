package io.mlgate.audit.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.mlgate.audit.export.StandardTrail.t;

class BundleWriterTest {

    @TempDir
    static Path shared;
    static Path audit;

    @TempDir
    Path out;

    @BeforeAll
    static void trail() throws IOException {
        audit = shared.resolve("audit");
        StandardTrail.build(audit);
    }

    static BundleWriter writer(Instant now) {
        return BundleWriter.of(audit, TrailFixture.signingKey(), Clock.fixed(now, ZoneOffset.UTC));
    }

    static ExportQuery query(String from, String to, ExportFormat format, String... filters) {
        List<EventFilter> fs = new ArrayList<>();
        for (String f : filters) {
            fs.add(EventFilter.parse(f));
        }
        return new ExportQuery(t(from), t(to), fs, format);
    }

    @Test
    void plansTheOverlappingLogFilesAndTheChainFromTheFirstCoveringDigestToHead() throws IOException {
        ExportPlan plan = writer(t("15:00:00")).plan(query("10:15:00", "11:40:00", ExportFormat.JSONL));

        assertThat(plan.logFiles()).hasSize(2).allMatch(n -> n.matches("events-.*-00000[23]\\.jsonl\\.gz"));
        assertThat(plan.digests()).hasSize(4).first().asString().endsWith("-000001.json.gz");
        assertThat(plan.totalBytes()).isEqualTo(Files.size(audit.resolve(plan.logFiles().get(0)))
                + Files.size(audit.resolve(plan.logFiles().get(1))));
        assertThat(plan.notYetDigested()).hasSize(2).allMatch(n -> n.contains("-000006.") || n.contains("-000007."));

        ExportPlan late = writer(t("15:00:00")).plan(query("13:00:00", "13:30:00", ExportFormat.JSONL));
        assertThat(late.logFiles()).hasSize(1).allMatch(n -> n.contains("-000005."));
        assertThat(late.digests()).hasSize(1).allMatch(n -> n.endsWith("-000004.json.gz"));
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void aBundleInEachFormatVerifies(ExportFormat format) throws IOException {
        Path bundle = out.resolve("b.zip");
        ExportSummary s = writer(t("15:00:00")).write(query("10:15:00", "11:40:00", format), bundle, n -> { });

        assertThat(s.eventCount()).isEqualTo(7);
        BundleVerification v = BundleVerifier.create().verify(bundle);
        assertThat(v.problems()).isEmpty();
        assertThat(v.valid()).isTrue();
        assertThat(v.eventsDerived()).isEqualTo(7);
        assertThat(v.logFilesChecked()).isEqualTo(2);
        assertThat(v.digestsChecked()).isEqualTo(4);

        Map<String, byte[]> entries = Zips.read(bundle);
        assertThat(entries.keySet()).contains(format.entryName(), "manifest.json", "manifest.sig",
                "public-keys.json", "digests/head.json");
        assertThat(entries.keySet().stream().filter(n -> n.startsWith("logs/"))).hasSize(2);
        assertThat(entries.keySet().stream().filter(n -> n.startsWith("digests/digest-"))).hasSize(8);
        long lines = new String(entries.get(format.entryName()), StandardCharsets.UTF_8).lines().count();
        assertThat(lines).isEqualTo(format == ExportFormat.CSV ? 8 : 7);
    }

    @Test
    void jsonlHoldsTheRecordsExactlyAsStoredAndLogFilesAreCopiedByteForByte() throws IOException {
        Path bundle = out.resolve("b.zip");
        ExportSummary s = writer(t("15:00:00")).write(query("10:00:00", "10:10:00", ExportFormat.JSONL), bundle,
                n -> { });
        Map<String, byte[]> entries = Zips.read(bundle);
        String log = s.logFiles().get(0);
        assertThat(entries.get("logs/" + log)).isEqualTo(Files.readAllBytes(audit.resolve(log)));
        String stored = new String(new java.util.zip.GZIPInputStream(
                Files.newInputStream(audit.resolve(log))).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(new String(entries.get("events.jsonl"), StandardCharsets.UTF_8)).isEqualTo(stored);
    }

    @Test
    void filtersAreAndedAndUseLookupEventsKeys() throws IOException {
        Path bundle = out.resolve("b.zip");
        ExportSummary s = writer(t("15:00:00")).write(query("10:00:00", "14:00:00", ExportFormat.JSONL,
                "EventName=InvokeEndpoint", "ResourceName=iris"), bundle, n -> { });
        assertThat(s.eventCount()).isEqualTo(8); // 3 + 3 + 1 + 1 iris invocations up to 14:00
        assertThat(BundleVerifier.create().verify(bundle).problems()).isEmpty();

        Path denied = out.resolve("d.zip");
        ExportSummary d = writer(t("15:00:00")).write(query("10:00:00", "14:00:00", ExportFormat.JSONL,
                "Username=mallory", "EventCategory=management"), denied, n -> { });
        assertThat(d.eventCount()).isEqualTo(2);
        assertThat(new String(Zips.read(denied).get("events.jsonl"), StandardCharsets.UTF_8))
                .contains("\"userName\":\"mallory\"").doesNotContain("InvokeEndpoint");
    }

    @Test
    void theDerivedEventsFileIsDeterministic() throws IOException {
        for (ExportFormat format : ExportFormat.values()) {
            Path a = out.resolve("a-" + format + ".zip");
            Path b = out.resolve("b-" + format + ".zip");
            writer(t("15:00:00")).write(query("10:00:00", "14:00:00", format), a, n -> { });
            writer(t("16:30:00")).write(query("10:00:00", "14:00:00", format), b, n -> { });
            Map<String, byte[]> ea = Zips.read(a);
            Map<String, byte[]> eb = Zips.read(b);
            assertThat(ea.get(format.entryName())).isEqualTo(eb.get(format.entryName()));
            assertThat(ea.get("manifest.json")).isNotEqualTo(eb.get("manifest.json")); // created time differs
        }
    }

    @Test
    void anEmptyRangeIsAValidBundleWithZeroEvents() throws IOException {
        Path bundle = out.resolve("empty.zip");
        ExportSummary s = writer(t("15:00:00")).write(query("12:10:00", "12:50:00", ExportFormat.CSV), bundle,
                n -> { });
        assertThat(s.eventCount()).isZero();
        assertThat(s.logFiles()).isEmpty();
        assertThat(s.digests()).containsExactly(
                Files.list(audit.resolve("digests")).map(p -> "digests/" + p.getFileName())
                        .filter(n -> n.matches(".*-00000[34]\\.json\\.gz")).sorted().toArray(String[]::new));
        BundleVerification v = BundleVerifier.create().verify(bundle);
        assertThat(v.problems()).isEmpty();
        assertThat(new String(Zips.read(bundle).get("events.csv"), StandardCharsets.UTF_8))
                .isEqualTo(String.join(",", CsvEvents.COLUMNS) + "\r\n");
    }

    @Test
    void progressReportsCumulativeBytesUpToTheTotal() throws IOException {
        BundleWriter w = writer(t("15:00:00"));
        ExportPlan plan = w.plan(query("10:00:00", "14:00:00", ExportFormat.OCSF));
        AtomicLong last = new AtomicLong(-1);
        List<Long> seen = new ArrayList<>();
        ExportSummary s = w.write(plan, out.resolve("p.zip"), n -> {
            assertThat(n).isGreaterThanOrEqualTo(last.get());
            last.set(n);
            seen.add(n);
        });
        assertThat(last.get()).isEqualTo(plan.totalBytes()).isEqualTo(s.bytesProcessed()).isPositive();
        assertThat(seen).isNotEmpty();
    }

    @Test
    void refusesAKeyThatIsNotPublished() {
        BundleWriter w = BundleWriter.of(audit, BundleSigningKey.of(TrailFixture.OTHER_KEY.getPrivate()),
                Clock.systemUTC());
        assertThatThrownBy(() -> w.plan(query("10:00:00", "11:00:00", ExportFormat.JSONL)))
                .isInstanceOf(IOException.class).hasMessageContaining("not published");
    }

    @Test
    void refusesAPublishedFingerprintWithTheWrongPrivateKey() throws IOException {
        BundleSigningKey liar = new BundleSigningKey(TrailFixture.OTHER_KEY.getPrivate(),
                TrailFixture.fingerprint(TrailFixture.KEY));
        BundleWriter w = BundleWriter.of(audit, liar, Clock.systemUTC());
        Path bundle = out.resolve("x.zip");
        assertThatThrownBy(() -> w.write(query("10:00:00", "11:00:00", ExportFormat.JSONL), bundle, n -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("does not match");
        assertThat(bundle).doesNotExist();
        try (var files = Files.list(out)) {
            assertThat(files).isEmpty(); // temporary files removed
        }
    }

    @Test
    void refusesToExportALogFileThatNoLongerMatchesItsDigest(@TempDir Path other) throws IOException {
        Path dir = other.resolve("audit");
        TrailFixture f = new TrailFixture(dir);
        String name = f.segment(List.of(TrailFixture.invoke(t("10:00:00"), "iris")));
        f.digest(t("11:00:00"));
        TrailFixture.writeMultiMemberGzip(dir.resolve(name), (new String(TrailFixture.invoke(t("10:00:00"), "evil")
                .toJsonBytes(), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        BundleWriter w = BundleWriter.of(dir, TrailFixture.signingKey(), Clock.systemUTC());
        assertThatThrownBy(() -> w.write(query("10:00:00", "11:00:00", ExportFormat.JSONL), out.resolve("x.zip"),
                n -> { })).isInstanceOf(IOException.class).hasMessageContaining("does not match the hash");
    }

    @Test
    void refusesAFolderWithoutDigests(@TempDir Path other) throws IOException {
        TrailFixture f = new TrailFixture(other);
        f.segment(List.of(TrailFixture.invoke(t("10:00:00"), "iris")));
        BundleWriter w = BundleWriter.of(other, TrailFixture.signingKey(), Clock.systemUTC());
        assertThatThrownBy(() -> w.plan(query("10:00:00", "11:00:00", ExportFormat.JSONL)))
                .isInstanceOf(IOException.class).hasMessageContaining("no digest");
    }

    @Test
    void extractsTheTrailAsAnAuditFolderAndRunsTheTrailCheckHook(@TempDir Path work) throws IOException {
        Path bundle = out.resolve("b.zip");
        ExportSummary s = writer(t("15:00:00")).write(query("10:15:00", "11:40:00", ExportFormat.JSONL), bundle,
                n -> { });
        List<Path> seen = new ArrayList<>();
        BundleVerification ok = BundleVerifier.create().withTrailCheck(dir -> {
            seen.add(dir);
            return List.of();
        }).verify(bundle, work.resolve("ok"));
        assertThat(ok.problems()).isEmpty();
        Path trail = ok.trailDirectory();
        assertThat(seen).containsExactly(trail);
        assertThat(trail.resolve(s.logFiles().get(0))).isRegularFile();
        assertThat(trail.resolve(s.digests().get(0))).isRegularFile();
        assertThat(trail.resolve(s.digests().get(0) + ".sig")).isRegularFile();
        assertThat(trail.resolve("digests/head.json")).isRegularFile();
        assertThat(trail.resolve("public-keys.json")).isRegularFile();

        BundleVerification failed = BundleVerifier.create()
                .withTrailCheck(dir -> List.of("MISSING_LOG_FILE events-x")).verify(bundle, work.resolve("bad"));
        assertThat(failed.problems()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo(BundleProblem.Type.TRAIL_CHECK);
            assertThat(p.detail()).isEqualTo("MISSING_LOG_FILE events-x");
        });
    }
}
