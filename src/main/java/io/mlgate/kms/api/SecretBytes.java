package io.mlgate.kms.api;

import java.security.MessageDigest;

/** Secret bytes (key material, private keys) held in memory; copies in and out, never printed. */
final class SecretBytes {

    private final byte[] bytes;

    SecretBytes(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    /** A fresh copy the caller should zero after use. */
    byte[] copy() {
        return bytes.clone();
    }

    int length() {
        return bytes.length;
    }

    boolean sameAs(byte[] other) {
        return MessageDigest.isEqual(bytes, other);
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes]";
    }
}
