package io.mlgate.kms.artifact;

import java.util.Arrays;
import java.util.Objects;

/**
 * The result of GenerateDataKey: the ARN of the customer key, the plaintext data key and its wrapped form. Close it
 * to wipe the plaintext key.
 */
public final class GeneratedDataKey implements AutoCloseable {

    private final String keyArn;
    private final byte[] plaintext;
    private final byte[] ciphertextBlob;

    /** Takes ownership of {@code plaintext} (it is wiped on {@link #close()}); {@code ciphertextBlob} is copied. */
    public GeneratedDataKey(String keyArn, byte[] plaintext, byte[] ciphertextBlob) {
        this.keyArn = Objects.requireNonNull(keyArn, "keyArn");
        this.plaintext = Objects.requireNonNull(plaintext, "plaintext");
        this.ciphertextBlob = Objects.requireNonNull(ciphertextBlob, "ciphertextBlob").clone();
        if (plaintext.length != 32) {
            throw new IllegalArgumentException("data keys are 32 bytes");
        }
    }

    /** The ARN of the customer key that wraps the data key. */
    public String keyArn() {
        return keyArn;
    }

    /** The plaintext data key itself (not a copy): wiped by {@link #close()}. */
    byte[] plaintext() {
        return plaintext;
    }

    /** The wrapped data key, opaque to everything but the key service. */
    public byte[] ciphertextBlob() {
        return ciphertextBlob.clone();
    }

    @Override
    public void close() {
        Arrays.fill(plaintext, (byte) 0);
    }

    @Override
    public String toString() {
        return "GeneratedDataKey[keyArn=" + keyArn + ", plaintext=<redacted>]";
    }
}
