package io.mlgate.auth.sigv4;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A secret access key together with an opaque owner object (e.g. the principal the key belongs to) that the
 * verifier hands back in {@link VerifiedSignature#owner()}. The secret is copied in and never exposed or printed.
 */
public final class SigningSecret {

    private static final byte[] PREFIX = {'A', 'W', 'S', '4'};

    /** "AWS4" + secret as UTF-8: the HMAC key of the first derivation step. */
    private final byte[] aws4Key;
    private final Object owner;

    private SigningSecret(byte[] aws4Key, Object owner) {
        this.aws4Key = aws4Key;
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /** Creates a secret from the characters of a secret access key; the caller may wipe its array afterwards. */
    public static SigningSecret of(char[] secretAccessKey, Object owner) {
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secretAccessKey));
        byte[] key = new byte[PREFIX.length + utf8.remaining()];
        System.arraycopy(PREFIX, 0, key, 0, PREFIX.length);
        utf8.get(key, PREFIX.length, utf8.remaining());
        if (utf8.hasArray()) {
            Arrays.fill(utf8.array(), (byte) 0);
        }
        return checked(key, owner);
    }

    /** Creates a secret from the UTF-8 bytes of a secret access key; the caller may wipe its array afterwards. */
    public static SigningSecret of(byte[] secretAccessKeyUtf8, Object owner) {
        Objects.requireNonNull(secretAccessKeyUtf8, "secretAccessKeyUtf8");
        byte[] key = new byte[PREFIX.length + secretAccessKeyUtf8.length];
        System.arraycopy(PREFIX, 0, key, 0, PREFIX.length);
        System.arraycopy(secretAccessKeyUtf8, 0, key, PREFIX.length, secretAccessKeyUtf8.length);
        return checked(key, owner);
    }

    private static SigningSecret checked(byte[] key, Object owner) {
        if (key.length == PREFIX.length) {
            throw new IllegalArgumentException("secret access key must not be empty");
        }
        return new SigningSecret(key, owner);
    }

    /** The owner object given at creation, returned unchanged to the caller of the verifier. */
    public Object owner() {
        return owner;
    }

    /** Internal: the first-step HMAC key. Not copied (hot path); callers in this package must not modify it. */
    byte[] aws4Key() {
        return aws4Key;
    }

    /** Constant-time check whether two secrets hold the same key material. */
    boolean sameKeyAs(byte[] otherAws4Key) {
        return java.security.MessageDigest.isEqual(aws4Key, otherAws4Key);
    }

    @Override
    public String toString() {
        return "SigningSecret[****]";
    }
}
