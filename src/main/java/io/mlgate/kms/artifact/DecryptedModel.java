package io.mlgate.kms.artifact;

import java.util.Arrays;

/**
 * A decrypted model in memory, with the verified header it came from. Close it as soon as the model is loaded
 * (for example once the ONNX session is created): closing wipes the bytes.
 */
public final class DecryptedModel implements AutoCloseable {

    private final ArtifactHeader header;
    private final byte[] bytes;

    DecryptedModel(ArtifactHeader header, byte[] bytes) {
        this.header = header;
        this.bytes = bytes;
    }

    /** The verified header. */
    public ArtifactHeader header() {
        return header;
    }

    /** The model bytes themselves (not a copy, so that only one plaintext copy exists): wiped by {@link #close()}. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "DecryptedModel[" + header.plaintextSize() + " bytes, sha256=" + header.plaintextSha256() + "]";
    }
}
