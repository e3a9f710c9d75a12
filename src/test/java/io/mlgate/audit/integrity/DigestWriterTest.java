package io.mlgate.audit.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

class DigestWriterTest {

    @TempDir
    Path dir;

    @Test
    void aDigestHasEveryDocumentedFieldAndVerifiesWithThePublishedPkcs1Key() throws Exception {
        TestTrail t = new TestTrail(dir);
        t.logs(2, 5);
        WrittenDigest first = t.digest();
        t.logs(1, 3);
        WrittenDigest second = t.digest();

        byte[] raw = TestTrail.gunzip(t.digestFile(2));
        JsonNode d = TrailFiles.JSON.readTree(raw);
        assertThat(d.propertyNames()).containsExactly("awsAccountId", "digestStartTime", "digestEndTime",
                "digestS3Bucket", "digestS3Object", "newestEventTime", "oldestEventTime", "previousDigestS3Bucket",
                "previousDigestS3Object", "previousDigestHashValue", "previousDigestHashAlgorithm",
                "previousDigestSignature", "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "logFiles",
                "mlgateDigestSequence", "mlgateLogSequence", "mlgateMissingLogFiles");
        assertThat(d.path("awsAccountId").asString()).isEqualTo(TestTrail.ACCOUNT);
        assertThat(d.path("digestS3Bucket").asString()).isEqualTo("mlgate-audit");
        assertThat(d.path("digestS3Object").asString()).isEqualTo(second.digestS3Object())
                .matches("digests/digest-\\d{8}T\\d{6}Z-000002\\.json\\.gz");
        assertThat(d.path("digestStartTime").asString()).isEqualTo(TrailFiles.formatTime(first.digestEndTime()));
        assertThat(d.path("previousDigestS3Object").asString()).isEqualTo(first.digestS3Object());
        assertThat(d.path("previousDigestHashValue").asString()).isEqualTo(first.hashValue())
                .isEqualTo(TrailFiles.sha256Hex(TestTrail.gunzip(t.digestFile(1))));
        assertThat(d.path("previousDigestSignature").asString()).isEqualTo(first.signature());
        assertThat(d.path("previousDigestHashAlgorithm").asString()).isEqualTo("SHA-256");
        assertThat(d.path("digestSignatureAlgorithm").asString()).isEqualTo("SHA256withRSA");
        assertThat(d.path("mlgateDigestSequence").asLong()).isEqualTo(2);
        assertThat(d.path("mlgateLogSequence").path("first").asLong()).isEqualTo(3);
        assertThat(d.path("mlgateLogSequence").path("last").asLong()).isEqualTo(3);
        assertThat(d.path("mlgateMissingLogFiles").size()).isZero();
        JsonNode log = d.path("logFiles").get(0);
        Path logFile = t.audit.resolve(log.path("s3Object").asString());
        assertThat(log.path("hashValue").asString()).isEqualTo(TrailFiles.sha256Hex(TestTrail.gunzip(logFile)));
        assertThat(log.path("oldestEventTime").asString()).isEqualTo("2026-11-26T10:50:00Z");
        assertThat(log.path("newestEventTime").asString()).isEqualTo("2026-11-26T10:50:02Z");
        assertThat(d.path("oldestEventTime").asString()).isEqualTo("2026-11-26T10:50:00Z");

        // the signature as an outside verifier would check it: PKCS#1 key from public-keys.json, CloudTrail's string
        AuditPublicKey published = PublicKeyList.read(t.audit.resolve("public-keys.json"))
                .find(d.path("digestPublicKeyFingerprint").asString()).orElseThrow();
        var pkcs1 = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(Base64.getDecoder().decode(published.value()));
        var key = java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.RSAPublicKeySpec(pkcs1.getModulus(), pkcs1.getPublicExponent()));
        String signing = d.path("digestEndTime").asString() + "\nmlgate-audit/" + second.digestS3Object() + "\n"
                + TrailFiles.sha256Hex(raw) + "\n" + first.signature();
        Signature v = Signature.getInstance("SHA256withRSA");
        v.initVerify(key);
        v.update(signing.getBytes(StandardCharsets.UTF_8));
        String sigJson = Files.readString(t.digestFile(2).resolveSibling(t.digestFile(2).getFileName() + ".sig"));
        assertThat(v.verify(TrailFiles.unhex(TrailFiles.JSON.readTree(sigJson).path("signature").asString())))
                .isTrue();
        assertThat(published.fingerprint()).isEqualTo(TrailFiles.hex(MessageDigest.getInstance("SHA-256")
                .digest(key.getEncoded())).substring(0, 32));

        // the first digest starts the chain
        JsonNode d1 = TrailFiles.JSON.readTree(TestTrail.gunzip(t.digestFile(1)));
        assertThat(d1.path("previousDigestSignature").isNull()).isTrue();
        assertThat(d1.path("previousDigestHashValue").isNull()).isTrue();
        assertThat(d1.path("digestStartTime").asString()).isEqualTo("2026-11-26T10:00:00Z");
    }

    @Test
    void anEmptyPeriodGetsAnEmptyDigestAndTheNextContinuesTheLogSequence() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(2, 2);
        t.digest();
        WrittenDigest empty = t.digest();
        assertThat(empty.firstLogSequence()).isNull();
        assertThat(empty.logFiles()).isEmpty();
        JsonNode d = TrailFiles.JSON.readTree(TestTrail.gunzip(t.digestFile(2)));
        assertThat(d.path("logFiles").size()).isZero();
        assertThat(d.path("mlgateLogSequence").isNull()).isTrue();
        assertThat(d.path("newestEventTime").isNull()).isTrue();
        t.digest();
        t.logs(1, 2);
        WrittenDigest after = t.digest();
        assertThat(after.firstLogSequence()).isEqualTo(3);
        assertThat(t.validate().problems()).isEmpty();
        assertThatThrownBy(() -> t.writer.write(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAbsentLogFileIsRecordedAsMissingAndAPresentOneLaterIsInserted() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(3, 2);
        Path second = TestTrail.logFiles(t.audit).get(1);
        Path aside = dir.resolve("aside");
        Files.move(second, aside);
        WrittenDigest d = t.digest();
        assertThat(d.missingLogFiles()).containsExactly(2L);
        assertThat(d.logFiles()).hasSize(2);
        assertThat(t.validate().problems()).isEmpty();
        Files.move(aside, second);
        assertThat(t.validate().problemTypes()).containsExactly(ProblemType.INSERTED_FILE);
    }

    @Test
    void aDigestWrittenWithoutItsSignatureIsDiscardedAndRewritten() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(2, 2);
        t.digest();
        t.logs(1, 2);
        WrittenDigest d2 = t.digest();
        // simulate a crash after the digest rename, before the .sig: drop the .sig and roll the head back
        Path d2file = t.digestFile(2);
        Files.delete(d2file.resolveSibling(d2file.getFileName() + ".sig"));
        Files.write(t.audit.resolve("digests/head.json"), t.heads.get(0));
        Files.writeString(t.audit.resolve("digests/.head.json.123.tmp"), "partial");
        WrittenDigest again = t.writer.write(t.seq);
        assertThat(again.digestSequence()).isEqualTo(2);
        assertThat(again.repairs()).anyMatch(r -> r.contains("without its signature"))
                .anyMatch(r -> r.contains("temporary"));
        assertThat(again.logFiles()).isEqualTo(d2.logFiles());
        assertThat(t.validate().problems()).isEmpty();
    }

    @Test
    void aCommittedDigestWhoseHeadWasNotUpdatedIsAcceptedAndAdopted() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(2, 2);
        t.digest();
        t.logs(1, 2);
        t.digest();
        Files.write(t.audit.resolve("digests/head.json"), t.heads.get(0));
        ValidationReport r = t.validate();
        assertThat(r.problems()).isEmpty();
        assertThat(r.information()).anyMatch(i -> i.contains("newer than head.json"));
        t.logs(1, 2);
        WrittenDigest d3 = t.writer.write(t.seq);
        assertThat(d3.digestSequence()).isEqualTo(3);
        assertThat(d3.repairs()).anyMatch(i -> i.contains("adopted"));
        assertThat(t.validate().problems()).isEmpty();
        assertThat(t.validate().information()).noneMatch(i -> i.contains("newer than head.json"));
    }

    @Test
    void theWriterRefusesToContinueATruncatedOrForgedChain() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(1, 2);
        t.digest();
        t.digest();
        Path d2 = t.digestFile(2);
        Files.delete(d2);
        Files.delete(d2.resolveSibling(d2.getFileName() + ".sig"));
        assertThatThrownBy(() -> t.writer.write(t.seq)).isInstanceOf(BrokenChainException.class)
                .hasMessageContaining("head.json names digest 2");
        // nothing was written over the evidence
        assertThat(Files.readAllBytes(t.audit.resolve("digests/head.json"))).isEqualTo(t.heads.get(1));

        TestTrail u = new TestTrail(dir.resolve("u"));
        u.logs(1, 2);
        u.digest();
        Path sig = u.digestFile(1).resolveSibling(u.digestFile(1).getFileName() + ".sig");
        Files.write(sig, TrailState.signatureFile("00".repeat(256)));
        assertThatThrownBy(() -> u.writer.write(u.seq)).isInstanceOf(BrokenChainException.class);
    }

    @Test
    void aKeyRotatedMidChainValidatesAndBothKeysStayPublished() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(2, 2);
        WrittenDigest before = t.digest();
        AuditPublicKey next = t.keys.rotate();
        t.logs(2, 2);
        WrittenDigest after = t.digest();
        assertThat(after.fingerprint()).isEqualTo(next.fingerprint()).isNotEqualTo(before.fingerprint());
        List<AuditPublicKey> published = PublicKeyList.read(t.audit.resolve("public-keys.json")).keys();
        assertThat(published).hasSize(2);
        assertThat(published.get(0).validityEndTime()).isNotNull();
        assertThat(published.get(1).validityEndTime()).isNull();
        assertThat(t.validate().problems()).isEmpty();
        // an external anchor that only knows the old key rejects the newer digests
        Path anchor = dir.resolve("old-keys.json");
        new PublicKeyList(published.subList(0, 1)).write(anchor);
        assertThat(TestTrail.validate(t.audit, ValidationOptions.defaults().withPublicKeys(anchor)).problemTypes())
                .containsExactly(ProblemType.UNKNOWN_KEY);
    }

    @Test
    void logFilesAfterTheLastDigestAreNotYetDigested() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(2, 2);
        t.digest();
        Path late = t.addLog(2);
        Files.writeString(t.audit.resolve("events-20261126T230000Z-000004.jsonl"), "{}\n");
        ValidationReport r = t.validate();
        assertThat(r.problems()).isEmpty();
        assertThat(r.notYetDigested()).containsExactly(late.getFileName().toString(),
                "events-20261126T230000Z-000004.jsonl");
        // an open segment with a sequence already digested is not legitimate
        Files.writeString(t.audit.resolve("events-20261126T230000Z-000001.jsonl"), "{}\n");
        assertThat(t.validate().problemTypes()).containsExactly(ProblemType.INSERTED_FILE);
    }

    @Test
    void aRangeChecksOnlyOverlappingDigestsAndTheirEdgeLinks() throws IOException {
        TestTrail t = TestTrail.standard(dir);
        WrittenDigest d2 = t.digests.get(1);
        ValidationOptions onlySecond = ValidationOptions.defaults()
                .withRange(d2.digestStartTime().plusSeconds(1), d2.digestEndTime().minusSeconds(1));
        ValidationReport r = TestTrail.validate(t.audit, onlySecond);
        assertThat(r.problems()).isEmpty();
        assertThat(r.digestsChecked()).isEqualTo(1);
        assertThat(r.logFilesChecked()).isEqualTo(4);

        // tampering outside the range is not reported, inside it is
        Path firstLog = TestTrail.logFiles(t.audit).get(0);
        byte[] content = TestTrail.gunzip(firstLog);
        content[10] ^= 1;
        TestTrail.gzipTo(firstLog, content);
        assertThat(TestTrail.validate(t.audit, onlySecond).problems()).isEmpty();
        assertThat(TestTrail.validate(t.audit, ValidationOptions.defaults()
                .withRange(null, t.digests.get(0).digestEndTime())).problemTypes())
                .containsExactly(ProblemType.MODIFIED_LOG_FILE);

        // the link from the in-range digest back to its predecessor is still checked
        Path d1 = t.digestFile(1);
        String json = TestTrail.text(TestTrail.gunzip(d1)).replace("123456789012", "123456789013");
        TestTrail.gzipTo(d1, json.getBytes(StandardCharsets.UTF_8));
        ValidationReport edge = TestTrail.validate(t.audit, onlySecond);
        assertThat(edge.problemTypes()).containsExactly(ProblemType.CHAIN_BROKEN);
    }

    @Test
    void aFolderBeforeItsFirstDigestIsValidAndItsLogsNotYetDigested() throws IOException {
        TestTrail t = new TestTrail(dir);
        t.logs(2, 2);
        ValidationReport r = t.validate();
        assertThat(r.problems()).isEmpty();
        assertThat(r.notYetDigested()).hasSize(2);
        t.digest();
        Files.delete(t.audit.resolve("public-keys.json"));
        assertThat(t.validate().problemTypes()).contains(ProblemType.INVALID_FORMAT);
    }

    @Test
    void theWriterRejectsBadSettings() throws IOException {
        TestTrail t = new TestTrail(dir);
        assertThatThrownBy(() -> new DigestWriter(t.audit, t.keys, "12345", t.clock, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DigestWriter(t.audit, t.keys, TestTrail.ACCOUNT, t.clock,
                Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class);
    }
}
