package io.mlgate.audit.integrity;

import static io.mlgate.audit.integrity.ProblemType.BAD_SIGNATURE;
import static io.mlgate.audit.integrity.ProblemType.CHAIN_BROKEN;
import static io.mlgate.audit.integrity.ProblemType.INSERTED_FILE;
import static io.mlgate.audit.integrity.ProblemType.MISSING_DIGEST;
import static io.mlgate.audit.integrity.ProblemType.MISSING_LOG_FILE;
import static io.mlgate.audit.integrity.ProblemType.MODIFIED_DIGEST;
import static io.mlgate.audit.integrity.ProblemType.MODIFIED_LOG_FILE;
import static io.mlgate.audit.integrity.ProblemType.UNKNOWN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tamper suite: one standard trail (12 log files, 4 digests), and for each mutation class a copy that must
 * validate with exactly the expected problem type.
 */
class TrailTamperTest {

    @TempDir
    static Path base;
    static TestTrail trail;
    static final AtomicInteger COPIES = new AtomicInteger();

    @BeforeAll
    static void build() throws IOException {
        trail = TestTrail.standard(base.resolve("home"));
    }

    private static Path copy() throws IOException {
        return trail.copyTo(base.resolve("copy-" + COPIES.incrementAndGet()));
    }

    private static ValidationReport validate(Path dir) throws IOException {
        return TestTrail.validate(dir, ValidationOptions.defaults());
    }

    private static void assertOnly(Path dir, ProblemType expected) throws IOException {
        ValidationReport r = validate(dir);
        assertThat(r.valid()).as("%s", r.problems()).isFalse();
        assertThat(r.problemTypes()).as("%s", r.problems()).containsExactly(expected);
    }

    private static Path digest(Path dir, int dseq) {
        return dir.resolve(trail.digests.get(dseq - 1).digestS3Object());
    }

    private static Path sig(Path digest) {
        return digest.resolveSibling(digest.getFileName() + ".sig");
    }

    @Test
    void theUntouchedTrailAndAnyCopyOfItAreValid() throws IOException {
        ValidationReport r = trail.validate();
        assertThat(r.problems()).isEmpty();
        assertThat(r.valid()).isTrue();
        assertThat(r.digestsChecked()).isEqualTo(4);
        assertThat(r.logFilesChecked()).isEqualTo(12);
        assertThat(r.bytesHashed()).isGreaterThan(12 * 20 * 500L);
        assertThat(r.keysFromFolder()).isTrue();
        assertThat(r.notYetDigested()).isEmpty();

        ValidationReport c = validate(copy());
        assertThat(c.problems()).isEmpty();
        assertThat(c.digestsChecked()).isEqualTo(r.digestsChecked());
        assertThat(c.bytesHashed()).isEqualTo(r.bytesHashed());
    }

    @Test
    void aModifiedLogByteIsAModifiedLogFile() throws IOException {
        Path dir = copy();
        Path log = TestTrail.logFiles(dir).get(4);
        byte[] content = TestTrail.gunzip(log);
        content[100] = (byte) (content[100] == 'a' ? 'b' : 'a');
        TestTrail.gzipTo(log, content);
        assertOnly(dir, MODIFIED_LOG_FILE);
        assertThat(validate(dir).problems().get(0).file()).isEqualTo(log.getFileName().toString());
    }

    @Test
    void aFlippedCompressedByteOrTrailingDataIsAModifiedLogFile() throws IOException {
        Path dir = copy();
        Path log = TestTrail.logFiles(dir).get(0);
        byte[] raw = Files.readAllBytes(log);
        raw[raw.length / 2] ^= 0x40;
        Files.write(log, raw);
        assertOnly(dir, MODIFIED_LOG_FILE);

        Path dir2 = copy();
        Path log2 = TestTrail.logFiles(dir2).get(0);
        Files.write(log2, "hidden".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        assertOnly(dir2, MODIFIED_LOG_FILE);
    }

    @Test
    void aModifiedDigestByteIsAModifiedDigest() throws IOException {
        for (int dseq : new int[] {1, 2, 4}) {
            Path dir = copy();
            Path d = digest(dir, dseq);
            String json = TestTrail.text(TestTrail.gunzip(d));
            String changed = json.replace("\"awsAccountId\":\"123456789012\"", "\"awsAccountId\":\"123456789013\"");
            assertThat(changed).isNotEqualTo(json);
            TestTrail.gzipTo(d, changed.getBytes(StandardCharsets.UTF_8));
            assertOnly(dir, MODIFIED_DIGEST);
        }
    }

    @Test
    void aListedHashChangedToMatchAForgedLogIsAModifiedDigest() throws IOException {
        Path dir = copy();
        Path d = digest(dir, 2);
        ObjectNode json = (ObjectNode) TrailFiles.JSON.readTree(TestTrail.gunzip(d));
        Path log = dir.resolve(json.path("logFiles").get(0).path("s3Object").asString());
        byte[] content = TestTrail.gunzip(log);
        content[50] ^= 1;
        TestTrail.gzipTo(log, content);
        ((ObjectNode) json.path("logFiles").get(0)).put("hashValue", TrailFiles.sha256Hex(content));
        TestTrail.gzipTo(d, TrailFiles.JSON.writeValueAsBytes(json));
        assertOnly(dir, MODIFIED_DIGEST);
    }

    @Test
    void reorderedLogFileEntriesAreAModifiedDigest() throws IOException {
        Path dir = copy();
        Path d = digest(dir, 2);
        ObjectNode json = (ObjectNode) TrailFiles.JSON.readTree(TestTrail.gunzip(d));
        ArrayNode files = (ArrayNode) json.path("logFiles");
        JsonNode first = files.get(0);
        files.set(0, files.get(1));
        files.set(1, first);
        TestTrail.gzipTo(d, TrailFiles.JSON.writeValueAsBytes(json));
        assertOnly(dir, MODIFIED_DIGEST);
    }

    @Test
    void aTruncatedDigestIsAModifiedDigest() throws IOException {
        Path dir = copy();
        Path d = digest(dir, 3);
        byte[] raw = Files.readAllBytes(d);
        Files.write(d, java.util.Arrays.copyOf(raw, raw.length / 2));
        assertOnly(dir, MODIFIED_DIGEST);
    }

    @Test
    void aDeletedLogFileIsAMissingLogFile() throws IOException {
        Path dir = copy();
        Files.delete(TestTrail.logFiles(dir).get(7));
        assertOnly(dir, MISSING_LOG_FILE);
    }

    @Test
    void aDeletedMiddleDigestIsAMissingDigest() throws IOException {
        Path dir = copy();
        Path d = digest(dir, 2);
        Files.delete(d);
        Files.delete(sig(d));
        assertOnly(dir, MISSING_DIGEST);
        assertThat(validate(dir).problems()).extracting(TrailProblem::file)
                .containsExactly(trail.digests.get(1).digestS3Object());
        // the log files it listed are not reported as inserted, but as unverifiable
        assertThat(validate(dir).information()).anyMatch(i -> i.contains("cannot be checked"));
    }

    @Test
    void theFirstDigestDeletedIsAMissingDigest() throws IOException {
        Path dir = copy();
        Path d = digest(dir, 1);
        Files.delete(d);
        Files.delete(sig(d));
        assertOnly(dir, MISSING_DIGEST);
    }

    @Test
    void deletingTheNewestDigestsTruncatesTheChain() throws IOException {
        Path dir = copy();
        Path d4 = digest(dir, 4);
        Files.delete(d4);
        Files.delete(sig(d4));
        assertOnly(dir, CHAIN_BROKEN);

        Path d3 = digest(dir, 3);
        Files.delete(d3);
        Files.delete(sig(d3));
        assertOnly(dir, CHAIN_BROKEN);
    }

    @Test
    void anExtraLogFileIsAnInsertedFile() throws IOException {
        Path dir = copy();
        Path log = TestTrail.logFiles(dir).get(2);
        String name = log.getFileName().toString();
        Path extra = log.resolveSibling(name.replace("events-20261126T", "events-20261125T"));
        Files.copy(log, extra);
        assertOnly(dir, INSERTED_FILE);

        Path dir2 = copy();
        Files.writeString(dir2.resolve("events-notes.txt"), "x");
        assertOnly(dir2, INSERTED_FILE);
    }

    @Test
    void anExtraDigestIsAnInsertedFile() throws IOException {
        Path dir = copy();
        Path d2 = digest(dir, 2);
        Path extra = d2.resolveSibling("digest-20261126T200000Z-000099.json.gz");
        Files.copy(d2, extra);
        Files.copy(sig(d2), sig(extra));
        assertOnly(dir, INSERTED_FILE);

        Path dir2 = copy();
        Path d3 = digest(dir2, 3);
        Files.copy(d3, d3.resolveSibling(d3.getFileName().toString().replace("T1", "T0")));
        assertOnly(dir2, INSERTED_FILE);

        Path dir3 = copy();
        Files.writeString(dir3.resolve("digests/notes.txt"), "x");
        assertOnly(dir3, INSERTED_FILE);
    }

    @Test
    void swappedDigestNamesBreakTheChain() throws IOException {
        Path dir = copy();
        Path d2 = digest(dir, 2);
        Path d3 = digest(dir, 3);
        Path tmp = dir.resolve("swap");
        Files.move(d2, tmp);
        Files.move(d3, d2);
        Files.move(tmp, d3);
        Files.move(sig(d2), tmp);
        Files.move(sig(d3), sig(d2));
        Files.move(tmp, sig(d3));
        assertOnly(dir, CHAIN_BROKEN);
    }

    @Test
    void aReplacedSignatureIsABadSignature() throws IOException {
        for (int dseq : new int[] {2, 4}) {
            Path dir = copy();
            Path s = sig(digest(dir, dseq));
            String forged = TrailFiles.hex(trail.keys.current().sign("something else".getBytes(StandardCharsets.UTF_8)));
            Files.write(s, TrailState.signatureFile(forged));
            assertOnly(dir, BAD_SIGNATURE);
        }
        Path dir = copy();
        Files.delete(sig(digest(dir, 3)));
        assertOnly(dir, BAD_SIGNATURE);
    }

    @Test
    void aDigestSignedWithAnUnpublishedKeyIsAnUnknownKey() throws Exception {
        Path dir = copy();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        var pair = g.generateKeyPair();
        SigningKey foreign = new SigningKey(pair.getPrivate(), (RSAPublicKey) pair.getPublic(), TestTrail.T0);
        Path d = digest(dir, 4);
        ObjectNode json = (ObjectNode) TrailFiles.JSON.readTree(TestTrail.gunzip(d));
        json.put("digestPublicKeyFingerprint", foreign.fingerprint());
        byte[] bytes = TrailFiles.JSON.writeValueAsBytes(json);
        String hash = TrailFiles.sha256Hex(bytes);
        DigestContent c = DigestContent.parse(bytes);
        String signature = TrailFiles.hex(foreign.sign(c.signingString(hash)));
        TestTrail.gzipTo(d, bytes);
        Files.write(sig(d), TrailState.signatureFile(signature));
        Path headFile = dir.resolve("digests/head.json");
        ObjectNode head = (ObjectNode) TrailFiles.JSON.readTree(Files.readAllBytes(headFile));
        head.put("digestHashValue", hash);
        head.put("digestSignature", signature);
        Files.write(headFile, SignedJson.sign(head, foreign));
        assertOnly(dir, UNKNOWN_KEY);
    }

    @Test
    void aDigestOutsideItsKeysPublishedValidityIsAnUnknownKey() throws IOException {
        Path dir = copy();
        List<AuditPublicKey> keys = trail.keys.publicKeys();
        AuditPublicKey k = keys.get(0);
        // publish the key as if it had ended before the third digest
        AuditPublicKey shortened = new AuditPublicKey(k.value(), k.validityStartTime(),
                trail.digests.get(1).digestEndTime(), k.fingerprint());
        Path anchor = base.resolve("anchor-" + COPIES.incrementAndGet() + ".json");
        new PublicKeyList(List.of(shortened)).write(anchor);
        ValidationReport r = TestTrail.validate(dir, ValidationOptions.defaults().withPublicKeys(anchor));
        assertThat(r.problemTypes()).containsExactly(UNKNOWN_KEY);
        assertThat(r.keysFromFolder()).isFalse();
        assertThat(r.problems()).extracting(TrailProblem::file).contains(trail.digests.get(2).digestS3Object(),
                trail.digests.get(3).digestS3Object(), "digests/head.json");
    }

    @Test
    void aRolledBackHeadIsCaughtOnlyWithAWitness() throws IOException {
        Path dir = copy();
        Witness witness = trail.digests.get(3).witness();
        Files.write(dir.resolve("digests/head.json"), trail.heads.get(2));
        Path d4 = digest(dir, 4);
        Files.delete(d4);
        Files.delete(sig(d4));
        // the log files of digest 4 now look "not yet digested"
        ValidationReport without = validate(dir);
        assertThat(without.problems()).isEmpty();
        assertThat(without.notYetDigested()).hasSize(5);

        ValidationReport with = TestTrail.validate(dir, ValidationOptions.defaults().withWitness(witness));
        assertThat(with.problemTypes()).containsExactly(CHAIN_BROKEN);
    }

    @Test
    void aWitnessOfTheIntactChainMatches() throws IOException {
        Witness w = Witness.current(trail.audit);
        assertThat(w).isEqualTo(trail.digests.get(3).witness());
        assertThat(Witness.parse(w.value())).isEqualTo(w);
        ValidationReport r = TestTrail.validate(trail.audit, ValidationOptions.defaults()
                .withWitness(trail.digests.get(1).witness()));
        assertThat(r.problems()).isEmpty();
        Witness wrong = new Witness(2, trail.digests.get(1).digestEndTime(), "0".repeat(64));
        assertThat(TestTrail.validate(trail.audit, ValidationOptions.defaults().withWitness(wrong)).problemTypes())
                .containsExactly(CHAIN_BROKEN);
    }

    @Test
    void aModifiedHeadIsABadSignature() throws IOException {
        Path dir = copy();
        Path headFile = dir.resolve("digests/head.json");
        String head = Files.readString(headFile);
        Files.writeString(headFile, head.replace("\"mlgateDigestSequence\" : 4", "\"mlgateDigestSequence\" : 5"));
        assertThat(Files.readString(headFile)).isNotEqualTo(head);
        assertOnly(dir, BAD_SIGNATURE);

        // an unsigned head pointing back does not make the newer digests look inserted
        Path rolled = copy();
        Path rolledHead = rolled.resolve("digests/head.json");
        Files.writeString(rolledHead, head.replace("\"mlgateDigestSequence\" : 4", "\"mlgateDigestSequence\" : 2"));
        assertOnly(rolled, BAD_SIGNATURE);

        Path dir2 = copy();
        Files.delete(dir2.resolve("digests/head.json"));
        assertOnly(dir2, CHAIN_BROKEN);
    }

    @Test
    void aTamperedPublicKeyListIsInvalidFormat() throws IOException {
        Path dir = copy();
        Path keys = dir.resolve("public-keys.json");
        String json = Files.readString(keys);
        Files.writeString(keys, json.replaceFirst("\"Fingerprint\" : \"[0-9a-f]", "\"Fingerprint\" : \"x"));
        ValidationReport r = validate(dir);
        assertThat(r.problemTypes()).contains(ProblemType.INVALID_FORMAT, UNKNOWN_KEY);
        assertThat(Set.copyOf(r.problemTypes())).doesNotContain(MODIFIED_DIGEST, MODIFIED_LOG_FILE);
    }
}
