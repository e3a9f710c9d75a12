package io.mlgate.cluster.pki;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.RootKey;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Join tokens ({@code mlgj1.<node>.<expiryEpochSeconds>.<caFingerprint>.<mac>}, docs/cluster-protocol.md): bound to one
 * node name, expiring, pinning the cluster CA, authenticated by HMAC-SHA256 under {@code keys/cluster/join.key}.
 *
 * <p>The MAC is over {@code mlgj1.<node>.<expiry>.<caFingerprint>} (US-ASCII) and is base64url without padding.
 * Verification compares MACs in constant time; no exception message ever holds the token or any part of it.
 */
public final class JoinTokens {

    /** The token format version, its first dot-separated part. */
    public static final String PREFIX = "mlgj1";
    /** The sealed MAC key, in {@code keys/cluster/}. */
    public static final String KEY_FILE = "join.key";

    /** The associated data the MAC key is sealed with (root rotation re-seals it with the same). */
    public static final String KEY_ASSOCIATED_DATA = "mlgate/cluster-join-key/v1";
    /** A token is never longer than this (name 63, expiry 19, fingerprint 43, MAC 43, dots and prefix). */
    static final int MAX_TOKEN_CHARS = 200;
    private static final Pattern B64_32 = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern EXPIRY = Pattern.compile("[1-9][0-9]{0,17}");
    private static final String HMAC = "HmacSHA256";

    private final byte[] macKey;
    private final Clock clock;

    public JoinTokens(byte[] macKey, Clock clock) {
        Objects.requireNonNull(macKey, "macKey");
        if (macKey.length < 32) {
            throw new IllegalArgumentException("a join token key has at least 32 bytes");
        }
        this.macKey = macKey.clone();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Opens {@code keysDir/cluster/join.key} (32 random bytes sealed under the root key) or creates it. */
    public static JoinTokens openOrCreate(Path keysDir, RootKey root, Clock clock) throws IOException {
        Objects.requireNonNull(root, "root");
        Path dir = keysDir.resolve(ClusterCa.DIR);
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        AtomicFileWriter.ensurePrivateDirectory(dir);
        Path file = dir.resolve(KEY_FILE);
        byte[] ad = KEY_ASSOCIATED_DATA.getBytes(StandardCharsets.US_ASCII);
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                AtomicFileWriter.createIfAbsent(file, root.seal(key, ad));
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        byte[] key = root.open(Files.readAllBytes(file), ad);
        try {
            return new JoinTokens(key, clock);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    public String issue(String node, Duration ttl, String caFingerprint) {
        if (!SpiffeId.validName(node)) {
            throw new IllegalArgumentException("a node name is 1-63 letters, digits or inner hyphens");
        }
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a join token's time to live is positive");
        }
        if (caFingerprint == null || !B64_32.matcher(caFingerprint).matches()) {
            throw new IllegalArgumentException("a CA fingerprint is 43 base64url characters");
        }
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String body = PREFIX + "." + node + "." + expiry + "." + caFingerprint;
        return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(body));
    }

    /** Checks a token presented by {@code node} against the CA of this gateway (constant-time MAC comparison). */
    public void verify(String token, String node, String caFingerprint) throws InvalidJoinTokenException {
        Parsed parsed = parse(token);
        byte[] expected = mac(parsed.body());
        if (!MessageDigest.isEqual(expected, parsed.mac())) {
            throw new InvalidJoinTokenException("the join token's signature does not verify");
        }
        if (!parsed.node().equals(node)) {
            throw new InvalidJoinTokenException("the join token is for another node");
        }
        if (!parsed.caFingerprint().equals(caFingerprint)) {
            throw new InvalidJoinTokenException("the join token is for another cluster CA");
        }
        if (!clock.instant().isBefore(Instant.ofEpochSecond(parsed.expiry()))) {
            throw new InvalidJoinTokenException("the join token has expired");
        }
    }

    /** The CA fingerprint a token pins (a node reads it before it trusts anything). */
    public static String caFingerprint(String token) throws InvalidJoinTokenException {
        return parse(token).caFingerprint();
    }

    /** The node name a token is for (not verified: the gateway checks it against the MAC). */
    public static String node(String token) throws InvalidJoinTokenException {
        return parse(token).node();
    }

    @Override
    public String toString() {
        return "JoinTokens[HMAC-SHA256]";
    }

    private record Parsed(String body, String node, long expiry, String caFingerprint, byte[] mac) {
    }

    private static Parsed parse(String token) throws InvalidJoinTokenException {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidJoinTokenException("malformed join token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 5 || !PREFIX.equals(parts[0]) || !SpiffeId.validName(parts[1])
                || !EXPIRY.matcher(parts[2]).matches() || !B64_32.matcher(parts[3]).matches()
                || !B64_32.matcher(parts[4]).matches()) {
            throw new InvalidJoinTokenException("malformed join token");
        }
        byte[] mac;
        try {
            mac = Base64.getUrlDecoder().decode(parts[4]);
        } catch (IllegalArgumentException e) {
            throw new InvalidJoinTokenException("malformed join token");
        }
        String body = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3];
        return new Parsed(body, parts[1], Long.parseLong(parts[2]), parts[3], mac);
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(macKey, HMAC));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HMAC-SHA256", e);
        }
    }
}
