package io.mlgate.cluster.wire;

import java.util.Map;

/** {@code POST /cluster/v1/data-keys/decrypt}: a model artifact's data key, decrypted through the node's KMS grant. */
public record DecryptRequest(String executionRoleArn, String ciphertextBlob, Map<String, String> encryptionContext,
                             String keyId) {
}
