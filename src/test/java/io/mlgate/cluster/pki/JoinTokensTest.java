package io.mlgate.cluster.pki;

import io.mlgate.sts.MutableClock;
import io.mlgate.kms.RootKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JoinTokensTest {

    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(T0);
    private final String fingerprint = ClusterCa.ephemeral(clock).fingerprint();
    private final JoinTokens tokens = new JoinTokens(key(), clock);

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private void refused(JoinTokens verifier, String token, String node, String fp, String reason) {
        assertThatThrownBy(() -> verifier.verify(token, node, fp))
                .isInstanceOf(InvalidJoinTokenException.class)
                .hasMessage(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token == null || token.isEmpty()
                        ? "\u0000" : token))
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    }

    @Test
    void aTokenHasTheDocumentedShapeAndVerifies() throws Exception {
        String token = tokens.issue("n1", Duration.ofHours(24), fingerprint);
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(5);
        assertThat(parts[0]).isEqualTo("mlgj1");
        assertThat(parts[1]).isEqualTo("n1");
        assertThat(Long.parseLong(parts[2])).isEqualTo(T0.plus(Duration.ofHours(24)).getEpochSecond());
        assertThat(parts[3]).isEqualTo(fingerprint);
        assertThat(parts[4]).matches("[A-Za-z0-9_-]{43}");
        tokens.verify(token, "n1", fingerprint);
        assertThat(JoinTokens.caFingerprint(token)).isEqualTo(fingerprint);
        assertThat(JoinTokens.node(token)).isEqualTo("n1");
    }

    @Test
    void aForgedMacIsRefused() throws Exception {
        String token = tokens.issue("n1", Duration.ofHours(1), fingerprint);
        char last = token.charAt(token.length() - 2);
        String flipped = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A')
                + token.charAt(token.length() - 1);
        refused(tokens, flipped, "n1", fingerprint, "the join token's signature does not verify");
        // A token made under another key.
        String foreign = new JoinTokens(key(), clock).issue("n1", Duration.ofHours(1), fingerprint);
        refused(tokens, foreign, "n1", fingerprint, "the join token's signature does not verify");
        // A token whose expiry was pushed out by hand.
        String[] p = token.split("\\.");
        String extended = p[0] + "." + p[1] + "." + (Long.parseLong(p[2]) + 86400) + "." + p[3] + "." + p[4];
        refused(tokens, extended, "n1", fingerprint, "the join token's signature does not verify");
        tokens.verify(token, "n1", fingerprint);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String token = tokens.issue("n1", Duration.ofHours(1), fingerprint);
        clock.advance(Duration.ofMinutes(59));
        tokens.verify(token, "n1", fingerprint);
        clock.advance(Duration.ofMinutes(1));
        refused(tokens, token, "n1", fingerprint, "the join token has expired");
    }

    @Test
    void aTokenForAnotherNodeIsRefused() throws Exception {
        String token = tokens.issue("n1", Duration.ofHours(1), fingerprint);
        refused(tokens, token, "n2", fingerprint, "the join token is for another node");
    }

    @Test
    void aTokenForAnotherCaIsRefused() throws Exception {
        String token = tokens.issue("n1", Duration.ofHours(1), fingerprint);
        refused(tokens, token, "n1", ClusterCa.ephemeral(clock).fingerprint(),
                "the join token is for another cluster CA");
    }

    @Test
    void malformedTokensAreRefused() throws Exception {
        String good = tokens.issue("n1", Duration.ofHours(1), fingerprint);
        String[] p = good.split("\\.");
        for (String bad : new String[] {"", "mlgj1", good + ".x", "mlgj2" + good.substring(5),
                p[0] + ".n_1." + p[2] + "." + p[3] + "." + p[4], p[0] + "." + p[1] + ".-5." + p[3] + "." + p[4],
                p[0] + "." + p[1] + "." + p[2] + ".short." + p[4], p[0] + "." + p[1] + "." + p[2] + "." + p[3] + ".a+b",
                good.replace('.', ':'), "x".repeat(500)}) {
            refused(tokens, bad, "n1", fingerprint, "malformed join token");
        }
        assertThatThrownBy(() -> tokens.verify(null, "n1", fingerprint)).hasMessage("malformed join token");
        assertThatThrownBy(() -> JoinTokens.caFingerprint("junk")).isInstanceOf(InvalidJoinTokenException.class);
    }

    @Test
    void issueRefusesBadArguments() {
        assertThatThrownBy(() -> tokens.issue("bad.name", Duration.ofHours(1), fingerprint))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.issue("n1", Duration.ZERO, fingerprint))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.issue("n1", Duration.ofHours(1), "nope"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JoinTokens(new byte[8], clock)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyIsSealedAndSurvivesReopening() throws Exception {
        Path keys = home.resolve("keys");
        RootKey root = RootKey.loadOrCreate(keys);
        String token = JoinTokens.openOrCreate(keys, root, clock).issue("n1", Duration.ofHours(1), fingerprint);
        JoinTokens.openOrCreate(keys, root, clock).verify(token, "n1", fingerprint);
        Path file = keys.resolve(ClusterCa.DIR).resolve(JoinTokens.KEY_FILE);
        assertThat(Files.size(file)).isGreaterThan(32);
        // Another keys/ folder has another key: the token does not verify there.
        Path otherKeys = home.resolve("other");
        JoinTokens other = JoinTokens.openOrCreate(otherKeys, RootKey.loadOrCreate(otherKeys), clock);
        refused(other, token, "n1", fingerprint, "the join token's signature does not verify");
        assertThat(other.toString()).doesNotContain(token.split("\\.")[4]);
    }
}
