package io.mlgate.cluster.wire;

/** The decrypted data key (base64) and the ARN of the KMS key that protected it. */
public record DecryptResponse(String keyId, String plaintext) {

    @Override
    public String toString() {
        return "DecryptResponse[keyId=" + keyId + ", plaintext=<redacted>]";
    }
}
