package io.mlgate.audit.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;

class AuditSigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void keysPersistSealedAndRotationEndsTheCurrentKey() throws Exception {
        Path keys = dir.resolve("keys");
        TestTrail.copyTree(TestTrail.templateKeys(), keys);
        TestTrail.MutableClock clock = new TestTrail.MutableClock(TestTrail.T0);
        RootKey root = RootKey.loadOrCreate(keys);
        AuditSigningKeys a = AuditSigningKeys.loadOrCreate(keys, root, clock);
        AuditSigningKeys b = AuditSigningKeys.loadOrCreate(keys, root, clock);
        assertThat(b.current().fingerprint()).isEqualTo(a.current().fingerprint());
        assertThat(a.current().fingerprint()).matches("[0-9a-f]{32}");

        // the private key is stored sealed only
        String file = Files.readString(keys.resolve(AuditSigningKeys.FILE));
        byte[] pkcs8 = a.current().privateKey().getEncoded();
        assertThat(file).doesNotContain(Base64.getEncoder().encodeToString(pkcs8).substring(0, 40));
        assertThat(a.toString() + a.current()).doesNotContain(Base64.getEncoder().encodeToString(pkcs8)
                .substring(0, 40));

        String before = a.current().fingerprint();
        clock.advance(Duration.ofDays(30));
        AuditPublicKey fresh = a.rotate();
        assertThat(fresh.fingerprint()).isEqualTo(a.current().fingerprint()).isNotEqualTo(before);
        List<AuditPublicKey> published = a.publicKeys();
        assertThat(published).extracting(AuditPublicKey::fingerprint).containsExactly(before, fresh.fingerprint());
        assertThat(published.get(0).validityEndTime()).isEqualTo(TestTrail.T0.plus(Duration.ofDays(30)));
        assertThat(published.get(1).validityStartTime()).isEqualTo(TestTrail.T0.plus(Duration.ofDays(30)));
        assertThat(published.get(0).validAt(TestTrail.T0.plus(Duration.ofDays(31)))).isFalse();
        assertThat(published.get(1).validAt(TestTrail.T0.plus(Duration.ofDays(31)))).isTrue();

        // another holder of the folder sees the rotation on reload
        assertThat(b.current().fingerprint()).isEqualTo(before);
        b.reload();
        assertThat(b.current().fingerprint()).isEqualTo(fresh.fingerprint());

        // the published PKCS#1 value decodes to the same key
        assertThat(fresh.toPublicKey().getModulus()).isEqualTo(a.current().publicKey().getModulus());
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(SigningKey.verify(fresh.toPublicKey(), data, a.current().sign(data))).isTrue();
        assertThat(SigningKey.verify(published.get(0).toPublicKey(), data, a.current().sign(data))).isFalse();

        // public-keys.json round-trips
        a.writePublicKeys(dir.resolve("audit"));
        PublicKeyList list = PublicKeyList.read(dir.resolve("audit/public-keys.json"));
        assertThat(list.keys()).isEqualTo(published);
        assertThat(Files.readString(dir.resolve("audit/public-keys.json"))).contains("\"PublicKeyList\"",
                "\"ValidityEndTime\" : null");
    }

    @Test
    void anotherRootKeyCannotOpenTheKeys() throws Exception {
        Path keys = dir.resolve("keys");
        TestTrail.copyTree(TestTrail.templateKeys(), keys);
        Path other = dir.resolve("other");
        RootKey foreign = RootKey.loadOrCreate(other);
        assertThatThrownBy(() -> AuditSigningKeys.loadOrCreate(keys, foreign,
                new TestTrail.MutableClock(TestTrail.T0))).isInstanceOf(KeyCustodyException.class);
    }

    @Test
    void aPublishedFingerprintThatIsNotTheKeysIsRefused() throws Exception {
        Path keys = dir.resolve("keys");
        TestTrail.copyTree(TestTrail.templateKeys(), keys);
        AuditSigningKeys a = AuditSigningKeys.loadOrCreate(keys, RootKey.loadOrCreate(keys),
                new TestTrail.MutableClock(TestTrail.T0));
        AuditPublicKey k = a.publicKeys().get(0);
        byte[] good = new PublicKeyList(List.of(k)).toJson();
        assertThat(PublicKeyList.parse(good).keys()).containsExactly(k);
        byte[] bad = new PublicKeyList(List.of(new AuditPublicKey(k.value(), k.validityStartTime(), null,
                "0".repeat(32)))).toJson();
        assertThatThrownBy(() -> PublicKeyList.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
