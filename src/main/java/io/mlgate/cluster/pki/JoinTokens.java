package io.mlgate.cluster.pki;

import io.mlgate.kms.RootKey;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Join tokens ({@code mlgj1.<node>.<expiryEpochSeconds>.<caFingerprint>.<mac>}, docs/cluster-protocol.md): bound to one
 * node name, expiring, pinning the cluster CA, authenticated by HMAC-SHA256 under {@code keys/cluster/join.key}.
 */
public final class JoinTokens {

    public JoinTokens(byte[] macKey, Clock clock) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** Opens {@code keysDir/cluster/join.key} (32 random bytes sealed under the root key) or creates it. */
    public static JoinTokens openOrCreate(Path keysDir, RootKey root, Clock clock) throws IOException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    public String issue(String node, Duration ttl, String caFingerprint) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** Checks a token presented by {@code node} against the CA of this gateway (constant-time MAC comparison). */
    public void verify(String token, String node, String caFingerprint) throws InvalidJoinTokenException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** The CA fingerprint a token pins (a node reads it before it trusts anything). */
    public static String caFingerprint(String token) throws InvalidJoinTokenException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }
}
