package io.mlgate.kms.artifact;

import java.util.Map;
import java.util.Optional;

/**
 * What model artifacts need from a KMS-compatible key service: GenerateDataKey, Decrypt and ReEncrypt of data keys
 * under customer keys, each bound to an encryption context. Implementations throw {@link KeyServiceException}
 * carrying the service's error code (for example {@code DisabledException}).
 */
public interface DataKeys {

    /**
     * GenerateDataKey: a fresh 256-bit data key under {@code keyId} (key id, key ARN, alias name or alias ARN),
     * bound to {@code context}.
     *
     * @throws KeyServiceException with the service's error code if the key cannot be used
     */
    GeneratedDataKey generate(String keyId, Map<String, String> context);

    /**
     * Decrypt: the plaintext data key inside {@code ciphertextBlob}, which the service opens with the key it names,
     * under {@code context}. When {@code expectedKeyId} is present the service must refuse a blob made under any other
     * key ({@code IncorrectKeyException}), as KMS Decrypt does with its {@code KeyId} parameter.
     *
     * @throws KeyServiceException with {@code InvalidCiphertextException} if the blob was modified or the context
     *         differs, or another error code if the key cannot be used
     */
    DecryptedDataKey decrypt(byte[] ciphertextBlob, Map<String, String> context, Optional<String> expectedKeyId);

    /**
     * ReEncrypt: the data key inside {@code ciphertextBlob} (opened under {@code sourceContext}) wrapped again under
     * {@code destinationKeyId} and {@code destinationContext}, without releasing the plaintext key to the caller.
     *
     * @throws KeyServiceException with the service's error code
     */
    ReEncryptedDataKey reEncrypt(byte[] ciphertextBlob, Map<String, String> sourceContext, String destinationKeyId,
            Map<String, String> destinationContext);
}
