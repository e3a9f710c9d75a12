package io.mlgate.audit.export;

import static io.mlgate.audit.export.BundleProblem.Type.BAD_DIGEST_SIGNATURE;
import static io.mlgate.audit.export.BundleProblem.Type.BAD_MANIFEST_SIGNATURE;
import static io.mlgate.audit.export.BundleProblem.Type.CHAIN_BROKEN;
import static io.mlgate.audit.export.BundleProblem.Type.EVENTS_MISMATCH;
import static io.mlgate.audit.export.BundleProblem.Type.EXTRA_ENTRY;
import static io.mlgate.audit.export.BundleProblem.Type.INSERTED_LOG_FILE;
import static io.mlgate.audit.export.BundleProblem.Type.MISSING_ENTRY;
import static io.mlgate.audit.export.BundleProblem.Type.MISSING_LOG_FILE;
import static io.mlgate.audit.export.BundleProblem.Type.MODIFIED_ENTRY;
import static io.mlgate.audit.export.BundleProblem.Type.MODIFIED_LOG_FILE;
import static io.mlgate.audit.export.BundleProblem.Type.UNKNOWN_KEY;
import static io.mlgate.audit.export.StandardTrail.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way of tampering with a bundle is detected and named. */
class BundleTamperTest {

    @TempDir
    static Path shared;
    static Path bundle;
    static Path otherBundle;
    static String log;
    static List<String> digests;

    @TempDir
    Path work;

    @BeforeAll
    static void export() throws IOException {
        Path audit = shared.resolve("audit");
        StandardTrail.build(audit);
        BundleWriter w = BundleWriter.of(audit, TrailFixture.signingKey(), Clock.fixed(t("15:00:00"), ZoneOffset.UTC));
        bundle = shared.resolve("bundle.zip");
        ExportSummary s = w.write(new ExportQuery(t("10:15:00"), t("11:40:00"), List.of(), ExportFormat.JSONL),
                bundle, n -> { });
        log = "logs/" + s.logFiles().get(0);
        digests = s.digests();
        otherBundle = shared.resolve("other.zip");
        w.write(new ExportQuery(t("10:00:00"), t("10:10:00"), List.of(), ExportFormat.JSONL), otherBundle, n -> { });
    }

    private Set<BundleProblem.Type> verify(Map<String, byte[]> entries) throws IOException {
        return verify(entries, BundleVerifier.create());
    }

    private Set<BundleProblem.Type> verify(Map<String, byte[]> entries, BundleVerifier verifier) throws IOException {
        Path z = Files.createTempFile(work, "t", ".zip");
        Zips.write(z, entries);
        BundleVerification v = verifier.verify(z);
        assertThat(v.valid()).isFalse();
        return v.problems().stream().map(BundleProblem::type).collect(Collectors.toSet());
    }

    private static LinkedHashMap<String, byte[]> entries() throws IOException {
        return Zips.read(bundle);
    }

    private static List<String> lines(byte[] b) {
        return new ArrayList<>(new String(b, StandardCharsets.UTF_8).lines().toList());
    }

    private static byte[] join(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theUntouchedBundleVerifies() throws IOException {
        assertThat(BundleVerifier.create().verify(bundle).problems()).isEmpty();
        Path rezipped = work.resolve("same.zip");
        Zips.write(rezipped, entries());
        assertThat(BundleVerifier.create().verify(rezipped).problems()).isEmpty();
    }

    @Test
    void aZipBombIsRefusedBeforeItFillsTheDisk() throws IOException {
        var e = entries();
        e.put("events.jsonl", new byte[8 * 1024 * 1024]); // 8 MiB of zeros: a few KiB compressed
        Path bomb = work.resolve("bomb.zip");
        Zips.write(bomb, e);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BundleVerifier.create()
                        .withMinExtractLimit(1024 * 1024).verify(bomb))
                .isInstanceOf(IOException.class).hasMessageContaining("zip bomb");
        // the same bundle under the default floor (1 GiB) is only a wrong bundle, not a refusal
        assertThat(BundleVerifier.create().verify(bomb).problems()).isNotEmpty();
    }

    @Test
    void anEditedEventLine() throws IOException {
        var e = entries();
        List<String> l = lines(e.get("events.jsonl"));
        l.set(1, l.get(1).replace("\"sourceIPAddress\":\"203.0.113.5\"", "\"sourceIPAddress\":\"10.9.9.9\""));
        e.put("events.jsonl", join(l));
        assertThat(verify(e)).containsExactlyInAnyOrder(MODIFIED_ENTRY, EVENTS_MISMATCH);
    }

    @Test
    void aDroppedEvent() throws IOException {
        var e = entries();
        List<String> l = lines(e.get("events.jsonl"));
        l.remove(0);
        e.put("events.jsonl", join(l));
        assertThat(verify(e)).containsExactlyInAnyOrder(MODIFIED_ENTRY, EVENTS_MISMATCH);
    }

    @Test
    void anAddedEvent() throws IOException {
        var e = entries();
        List<String> l = lines(e.get("events.jsonl"));
        l.add(new String(TrailFixture.invoke(t("10:30:00"), "iris").toJsonBytes(), StandardCharsets.UTF_8));
        e.put("events.jsonl", join(l));
        assertThat(verify(e)).containsExactlyInAnyOrder(MODIFIED_ENTRY, EVENTS_MISMATCH);
    }

    @Test
    void anEventDroppedBySomeoneHoldingTheSigningKeyIsCaughtByReDerivation() throws IOException {
        var e = entries();
        List<String> l = lines(e.get("events.jsonl"));
        l.remove(2);
        e.put("events.jsonl", join(l));
        Zips.resign(e, TrailFixture.signingKey());
        assertThat(verify(e)).containsExactly(EVENTS_MISMATCH);
    }

    @Test
    void aModifiedLogFile() throws IOException {
        var e = entries();
        e.put(log, regzip(e.get(log), "10.0.0.9", "10.0.0.1"));
        assertThat(verify(e)).containsExactlyInAnyOrder(MODIFIED_ENTRY, MODIFIED_LOG_FILE, EVENTS_MISMATCH);
    }

    @Test
    void aModifiedLogFileWithAConsistentManifestIsCaughtByItsDigest() throws IOException {
        var e = entries();
        byte[] changed = regzip(e.get(log), "10.0.0.9", "10.0.0.1");
        e.put(log, changed);
        List<String> l = lines(e.get("events.jsonl"));
        l.set(0, l.get(0).replace("10.0.0.9", "10.0.0.1")); // the denied call of that log file
        e.put("events.jsonl", join(l));
        Zips.resign(e, TrailFixture.signingKey());
        assertThat(verify(e)).containsExactly(MODIFIED_LOG_FILE);
    }

    @Test
    void aRemovedLogFile() throws IOException {
        var e = entries();
        e.remove(log);
        assertThat(verify(e)).containsExactlyInAnyOrder(MISSING_ENTRY, MISSING_LOG_FILE, EVENTS_MISMATCH);
    }

    @Test
    void aRemovedDigest() throws IOException {
        var e = entries();
        e.remove(digests.get(1));
        e.remove(digests.get(1) + ".sig");
        assertThat(verify(e)).containsExactlyInAnyOrder(MISSING_ENTRY, CHAIN_BROKEN, INSERTED_LOG_FILE,
                EVENTS_MISMATCH);
    }

    @Test
    void aRemovedNewestDigestBreaksTheHeadEvenWithAConsistentManifest() throws IOException {
        var e = entries();
        String newest = digests.get(digests.size() - 1);
        e.remove(newest);
        e.remove(newest + ".sig");
        Zips.resign(e, TrailFixture.signingKey());
        assertThat(verify(e)).containsExactly(CHAIN_BROKEN);
    }

    @Test
    void aModifiedDigest() throws IOException {
        var e = entries();
        String d = digests.get(0);
        e.put(d, regzip(e.get(d), "\"awsAccountId\":\"123456789012\"", "\"awsAccountId\":\"999999999999\""));
        Zips.resign(e, TrailFixture.signingKey());
        assertThat(verify(e)).containsExactlyInAnyOrder(BAD_DIGEST_SIGNATURE, CHAIN_BROKEN);
    }

    @Test
    void aReplacedManifest() throws IOException {
        var e = entries();
        var other = Zips.read(otherBundle);
        e.put("manifest.json", other.get("manifest.json"));
        e.put("manifest.sig", other.get("manifest.sig"));
        assertThat(verify(e)).contains(MODIFIED_ENTRY, MISSING_ENTRY, EXTRA_ENTRY);
    }

    @Test
    void aBadManifestSignature() throws IOException {
        var e = entries();
        String sig = new String(e.get("manifest.sig"), StandardCharsets.US_ASCII);
        int at = sig.indexOf("\"signature\":\"") + 20;
        char flipped = sig.charAt(at) == '0' ? '1' : '0';
        e.put("manifest.sig", (sig.substring(0, at) + flipped + sig.substring(at + 1)).getBytes(StandardCharsets.US_ASCII));
        assertThat(verify(e)).containsExactly(BAD_MANIFEST_SIGNATURE);
    }

    @Test
    void anEditedManifest() throws IOException {
        var e = entries();
        String m = new String(e.get("manifest.json"), StandardCharsets.UTF_8);
        e.put("manifest.json", m.replace("\"eventCount\":7", "\"eventCount\":6").getBytes(StandardCharsets.UTF_8));
        assertThat(verify(e)).containsExactlyInAnyOrder(BAD_MANIFEST_SIGNATURE, EVENTS_MISMATCH);
    }

    @Test
    void anExtraEntry() throws IOException {
        var e = entries();
        e.put("notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(verify(e)).containsExactly(EXTRA_ENTRY);
    }

    @Test
    void anExtraLogFile() throws IOException {
        var e = entries();
        e.put("logs/events-20261126T120000Z-000042.jsonl.gz", e.get(log));
        assertThat(verify(e)).containsExactlyInAnyOrder(EXTRA_ENTRY, INSERTED_LOG_FILE);
    }

    @Test
    void aDuplicateEntryName() throws IOException {
        List<Map.Entry<String, byte[]>> list = new ArrayList<>(entries().entrySet());
        list.add(new AbstractMap.SimpleEntry<>("events.jsonX", "{}\n".getBytes(StandardCharsets.UTF_8)));
        Path z = work.resolve("dup.zip");
        Zips.write(z, list); // ZipOutputStream refuses duplicate names: rename the entry in the raw bytes
        String raw = new String(Files.readAllBytes(z), StandardCharsets.ISO_8859_1);
        Files.write(z, raw.replace("events.jsonX", "events.jsonl").getBytes(StandardCharsets.ISO_8859_1));
        BundleVerification v = BundleVerifier.create().verify(z);
        assertThat(v.problems()).extracting(BundleProblem::type).containsExactly(EXTRA_ENTRY);
    }

    @Test
    void aCentralDirectoryThatShowsUnzipToolsOtherEntries() throws IOException {
        var e = entries();
        e.put("hidden.txt", "x".getBytes(StandardCharsets.UTF_8));
        Path z = work.resolve("cen.zip");
        Zips.write(z, e); // rename the entry in the central directory only (its last occurrence)
        String raw = new String(Files.readAllBytes(z), StandardCharsets.ISO_8859_1);
        int at = raw.lastIndexOf("hidden.txt");
        Files.write(z, (raw.substring(0, at) + "events.csv" + raw.substring(at + 10))
                .getBytes(StandardCharsets.ISO_8859_1));
        BundleVerification v = BundleVerifier.create().verify(z);
        assertThat(v.problems()).extracting(BundleProblem::type).containsExactly(EXTRA_ENTRY, EXTRA_ENTRY);
        assertThat(v.problems()).extracting(BundleProblem::detail).contains(
                "the zip's central directory lists other entries than the zip holds");
    }

    @Test
    void aMissingManifest() throws IOException {
        var e = entries();
        e.remove("manifest.json");
        assertThat(verify(e)).containsExactly(MISSING_ENTRY);
    }

    @Test
    void aManifestSignedWithAnUnpublishedKey() throws IOException {
        var e = entries();
        Zips.resign(e, BundleSigningKey.of(TrailFixture.OTHER_KEY.getPrivate()));
        assertThat(verify(e)).containsExactly(UNKNOWN_KEY);
    }

    @Test
    void aManifestNamingThePublishedKeyButSignedWithAnother() throws IOException {
        var e = entries();
        Zips.resign(e, new BundleSigningKey(TrailFixture.OTHER_KEY.getPrivate(),
                TrailFixture.fingerprint(TrailFixture.KEY)));
        assertThat(verify(e)).containsExactly(BAD_MANIFEST_SIGNATURE);
    }

    @Test
    void aForgerWhoAddsTheirKeyToTheBundleIsCaughtOnlyWithTrustedKeys() throws IOException {
        var e = entries();
        e.put("public-keys.json", TrailFixture.publicKeysJson(TrailFixture.KEY, TrailFixture.OTHER_KEY));
        List<String> l = lines(e.get("events.jsonl"));
        l.remove(0);
        e.put("events.jsonl", join(l));
        Zips.resign(e, BundleSigningKey.of(TrailFixture.OTHER_KEY.getPrivate()));
        // the events file no longer is what the (genuine, digest-signed) log files yield
        assertThat(verify(e)).containsExactly(EVENTS_MISMATCH);

        var forged = entries();
        forged.put("public-keys.json", TrailFixture.publicKeysJson(TrailFixture.KEY, TrailFixture.OTHER_KEY));
        Zips.resign(forged, BundleSigningKey.of(TrailFixture.OTHER_KEY.getPrivate()));
        Path z = work.resolve("forged.zip");
        Zips.write(z, forged);
        assertThat(BundleVerifier.create().verify(z).problems()).isEmpty(); // self-consistent: integrity only

        Path trusted = work.resolve("trusted-keys.json");
        Files.write(trusted, TrailFixture.publicKeysJson(TrailFixture.KEY));
        assertThat(verify(forged, BundleVerifier.create().withTrustedPublicKeys(trusted)))
                .containsExactly(UNKNOWN_KEY);
        assertThat(BundleVerifier.create().withTrustedPublicKeys(trusted).verify(bundle).problems()).isEmpty();
    }

    @Test
    void digestsSignedWithAKeyMissingFromTheTrustedFile() throws IOException {
        Path trusted = work.resolve("trusted-keys.json");
        Files.write(trusted, TrailFixture.publicKeysJson(TrailFixture.OTHER_KEY));
        BundleVerification v = BundleVerifier.create().withTrustedPublicKeys(trusted).verify(bundle);
        assertThat(v.problems()).extracting(BundleProblem::type).containsOnly(UNKNOWN_KEY);
        assertThat(v.problems()).hasSize(1 + digests.size()); // the manifest and every digest
    }

    private static byte[] regzip(byte[] gz, String from, String to) throws IOException {
        String text;
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text).contains(from);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(text.replace(from, to).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
