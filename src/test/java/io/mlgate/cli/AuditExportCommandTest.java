package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import io.mlgate.audit.export.BundleSigningKey;
import io.mlgate.audit.export.TrailFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code audit export} and {@code audit verify-bundle} from the command line. */
class AuditExportCommandTest {

    @TempDir
    static Path shared;
    static Path home;
    static Path pem;

    @TempDir
    Path out;

    private String stdout;
    private String stderr;

    static Instant t(String hhmmss) {
        return Instant.parse("2026-11-26T" + hhmmss + "Z");
    }

    @BeforeAll
    static void trail() throws IOException {
        home = shared.resolve("home");
        TrailFixture f = new TrailFixture(home.resolve("audit"));
        f.segment(List.of(TrailFixture.invoke(t("10:00:05"), "iris"), TrailFixture.denied(t("10:20:00"))));
        f.digest(t("11:00:00"));
        f.segment(List.of(TrailFixture.invoke(t("11:10:00"), "iris")));
        pem = shared.resolve("key.pem");
        Files.writeString(pem, TrailFixture.privateKeyPem(TrailFixture.KEY));
    }

    private int run(Object command, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            return new CommandLine(command).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            stdout = o.toString(StandardCharsets.UTF_8);
            stderr = e.toString(StandardCharsets.UTF_8);
        }
    }

    private AuditExportCommand export() {
        return new AuditExportCommand(null, Clock.fixed(t("12:00:00"), ZoneOffset.UTC));
    }

    @Test
    void exportsAndVerifiesABundle() {
        Path bundle = out.resolve("b.zip");
        int exit = run(export(), "--home", home.toString(), "--from", "2026-11-26T10:00:00Z", "--to", "2026-11-26",
                "--filter", "EventCategory=Data", "--format", "ocsf", "--out", bundle.toString(),
                "--signing-key", pem.toString(), "--no-progress");
        assertThat(exit).as(stderr).isZero();
        assertThat(stdout).contains("1 events (ocsf) from 1 log files, 1 digests");
        assertThat(stderr).contains("not covered by a digest yet").contains("-000002.jsonl.gz");

        assertThat(run(bundleChecksOnly(), bundle.toString())).isZero();
        assertThat(stdout).startsWith("VALID (1 log files, 1 digests, 1 events re-derived; keys from the bundle");
    }

    @Test
    void drawsAProgressBarOnStderr() {
        Path bundle = out.resolve("b.zip");
        int exit = run(export(), "--dir", home.resolve("audit").toString(), "--from", "2026-11-26", "--to",
                "2026-11-26", "--out", bundle.toString(), "--signing-key", pem.toString());
        assertThat(exit).as(stderr).isZero();
        assertThat(stderr).contains("export");
        assertThat(stdout).contains("2 events (jsonl)");
    }

    @Test
    void loadsTheHomesSigningKeyThroughTheWiredSource() {
        List<Path> asked = new ArrayList<>();
        AuditExportCommand wired = new AuditExportCommand(h -> {
            asked.add(h);
            return TrailFixture.signingKey();
        }, Clock.systemUTC());
        int exit = run(wired, "--home", home.toString(), "--from", "2026-11-26", "--to", "2026-11-26",
                "--out", out.resolve("b.zip").toString(), "--no-progress");
        assertThat(exit).as(stderr).isZero();
        assertThat(asked).containsExactly(home);

        AuditExportCommand failing = new AuditExportCommand(h -> {
            throw new IllegalStateException("root key is locked");
        }, Clock.systemUTC());
        assertThat(run(failing, "--home", home.toString(), "--from", "2026-11-26", "--to", "2026-11-26",
                "--out", out.resolve("c.zip").toString())).isEqualTo(AuditExportCommand.FAILED);
        assertThat(stderr).contains("cannot load the audit signing key").contains("root key is locked");
    }

    @Test
    void usageErrors() throws IOException {
        String[] common = {"--home", home.toString(), "--signing-key", pem.toString(), "--no-progress"};
        assertThat(run(export(), concat(common, "--from", "2026-11-26", "--to", "2026-11-26", "--filter",
                "Region=x", "--out", out.resolve("a.zip").toString()))).isEqualTo(AuditExportCommand.USAGE);
        assertThat(stderr).contains("unknown filter key");
        assertThat(run(export(), concat(common, "--from", "2026-11-27", "--to", "2026-11-26",
                "--out", out.resolve("a.zip").toString()))).isEqualTo(AuditExportCommand.USAGE);
        assertThat(run(export(), concat(common, "--from", "yesterday", "--to", "2026-11-26",
                "--out", out.resolve("a.zip").toString()))).isEqualTo(AuditExportCommand.USAGE);
        assertThat(run(export(), concat(common, "--from", "2026-11-26", "--to", "2026-11-26", "--format", "xml",
                "--out", out.resolve("a.zip").toString()))).isEqualTo(AuditExportCommand.USAGE);
        Path existing = Files.writeString(out.resolve("exists.zip"), "x");
        assertThat(run(export(), concat(common, "--from", "2026-11-26", "--to", "2026-11-26",
                "--out", existing.toString()))).isEqualTo(AuditExportCommand.USAGE);
        assertThat(stderr).contains("--force");
        assertThat(run(export(), concat(common, "--from", "2026-11-26", "--to", "2026-11-26", "--force",
                "--out", existing.toString()))).isZero();
        assertThat(run(export(), "--home", home.toString(), "--from", "2026-11-26", "--to", "2026-11-26",
                "--out", out.resolve("b.zip").toString())).isEqualTo(AuditExportCommand.USAGE);
        assertThat(stderr).contains("no audit signing key");
    }

    @Test
    void exportFailuresExitOne() {
        assertThat(run(export(), "--dir", out.resolve("nothing").toString(), "--from", "2026-11-26", "--to",
                "2026-11-26", "--out", out.resolve("a.zip").toString(), "--signing-key", pem.toString()))
                .isEqualTo(AuditExportCommand.FAILED);
        assertThat(stderr).contains("audit export failed");
    }

    @Test
    void verifyBundleExitsOneOnAnyProblemAndTwoWhenUnreadable() throws IOException {
        Path bundle = out.resolve("b.zip");
        assertThat(run(export(), "--home", home.toString(), "--from", "2026-11-26", "--to", "2026-11-26",
                "--out", bundle.toString(), "--signing-key", pem.toString(), "--no-progress")).isZero();

        Path tampered = out.resolve("t.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(bundle));
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tampered))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] b = in.readAllBytes();
                if (e.getName().equals("events.jsonl")) {
                    b = new String(b, StandardCharsets.UTF_8).replace("mallory", "someone")
                            .getBytes(StandardCharsets.UTF_8);
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(b);
                zip.closeEntry();
            }
        }
        assertThat(run(bundleChecksOnly(), tampered.toString()))
                .isEqualTo(AuditVerifyBundleCommand.INVALID);
        assertThat(stdout).contains("MODIFIED_ENTRY events.jsonl").contains("EVENTS_MISMATCH events.jsonl")
                .contains("INVALID: 2 problem(s)");

        Path otherKeys = Files.write(out.resolve("keys.json"), TrailFixture.publicKeysJson(TrailFixture.OTHER_KEY));
        assertThat(run(bundleChecksOnly(), bundle.toString(), "--public-keys", otherKeys.toString()))
                .isEqualTo(AuditVerifyBundleCommand.INVALID);
        assertThat(stdout).contains("UNKNOWN_KEY manifest.json");
        Path trusted = Files.write(out.resolve("trusted.json"), TrailFixture.publicKeysJson(TrailFixture.KEY));
        assertThat(run(bundleChecksOnly(), bundle.toString(), "--public-keys", trusted.toString()))
                .isZero();
        assertThat(stdout).startsWith("VALID").doesNotContain("keys from the bundle");

        assertThat(run(new AuditVerifyBundleCommand(dir -> List.of("extra finding")), bundle.toString(),
                "--extract-to", out.resolve("x").toString())).isEqualTo(AuditVerifyBundleCommand.INVALID);
        assertThat(stdout).contains("TRAIL_CHECK trail: extra finding");
        assertThat(out.resolve("x/trail/public-keys.json")).isRegularFile();

        Path junk = Files.writeString(out.resolve("junk.zip"), "not a zip");
        assertThat(run(bundleChecksOnly(), junk.toString())).isEqualTo(AuditVerifyBundleCommand.UNREADABLE);
        assertThat(run(bundleChecksOnly(), out.resolve("absent.zip").toString()))
                .isEqualTo(AuditVerifyBundleCommand.UNREADABLE);
    }

    @Test
    void timesAcceptInstantsOffsetsAndDates() {
        assertThat(AuditExportCommand.parseTime("2026-11-26T10:00:00Z", false)).isEqualTo(t("10:00:00"));
        assertThat(AuditExportCommand.parseTime("2026-11-26T11:00:00+01:00", false)).isEqualTo(t("10:00:00"));
        assertThat(AuditExportCommand.parseTime("2026-11-26", false)).isEqualTo(t("00:00:00"));
        assertThat(AuditExportCommand.parseTime("2026-11-26", true)).isEqualTo(t("23:59:59"));
    }

    @Test
    void readsPkcs8PemKeys() throws IOException {
        BundleSigningKey k = BundleSigningKey.of(AuditExportCommand.readPem(pem));
        assertThat(k.fingerprint()).isEqualTo(TrailFixture.fingerprint(TrailFixture.KEY));
        assertThat(k.toString()).isEqualTo("BundleSigningKey[" + k.fingerprint() + "]"); // no key material
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * The bundle checks without the trail validator: the fixture writes digests in the CloudTrail shape only, not the
     * mlgate chain head; the default wiring is tested on a real gateway trail in gateway/AuditTrailIntegrationTest.
     */
    private static AuditVerifyBundleCommand bundleChecksOnly() {
        return new AuditVerifyBundleCommand(null);
    }
}
