package io.mlgate.kms;

import java.time.Instant;
import java.util.Objects;

import javax.crypto.spec.SecretKeySpec;

/** One version of an account key's AES-256 material; never leaves this package. */
final class KeyMaterial {

    private final int version;
    private final Instant createdAt;
    private final byte[] bytes;

    KeyMaterial(int version, Instant createdAt, byte[] bytes) {
        if (version < 1) {
            throw new IllegalArgumentException("material version must be >= 1");
        }
        if (bytes.length != RootKey.KEY_BYTES) {
            throw new IllegalArgumentException("key material must be 32 bytes");
        }
        this.version = version;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.bytes = bytes.clone();
    }

    int version() {
        return version;
    }

    Instant createdAt() {
        return createdAt;
    }

    /** A fresh copy the caller should zero after use. */
    byte[] copyBytes() {
        return bytes.clone();
    }

    SecretKeySpec aesKey() {
        return new SecretKeySpec(bytes, "AES");
    }

    @Override
    public String toString() {
        return "KeyMaterial[version=" + version + "]";
    }
}
