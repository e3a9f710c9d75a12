package io.mlgate.kms.artifact;

import java.util.Objects;

/** The result of ReEncrypt: the destination key's ARN and the data key wrapped under it. */
public record ReEncryptedDataKey(String keyArn, byte[] ciphertextBlob) {

    public ReEncryptedDataKey {
        Objects.requireNonNull(keyArn, "keyArn");
        ciphertextBlob = Objects.requireNonNull(ciphertextBlob, "ciphertextBlob").clone();
    }

    @Override
    public byte[] ciphertextBlob() {
        return ciphertextBlob.clone();
    }
}
