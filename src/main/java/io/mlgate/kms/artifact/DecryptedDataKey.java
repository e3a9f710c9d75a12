package io.mlgate.kms.artifact;

import java.util.Arrays;
import java.util.Objects;

/** The result of Decrypt: the ARN of the key that opened the blob and the plaintext data key; close it to wipe. */
public final class DecryptedDataKey implements AutoCloseable {

    private final String keyArn;
    private final byte[] plaintext;

    /** Takes ownership of {@code plaintext}: it is wiped on {@link #close()}. */
    public DecryptedDataKey(String keyArn, byte[] plaintext) {
        this.keyArn = Objects.requireNonNull(keyArn, "keyArn");
        this.plaintext = Objects.requireNonNull(plaintext, "plaintext");
    }

    /** The ARN of the customer key that wrapped the data key (KMS Decrypt's {@code KeyId} output). */
    public String keyArn() {
        return keyArn;
    }

    byte[] plaintext() {
        return plaintext;
    }

    @Override
    public void close() {
        Arrays.fill(plaintext, (byte) 0);
    }

    @Override
    public String toString() {
        return "DecryptedDataKey[keyArn=" + keyArn + ", plaintext=<redacted>]";
    }
}
