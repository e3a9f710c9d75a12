package io.mlgate.runtime.capture;

import io.mlgate.kms.artifact.KeyServiceException;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Where capture files get their data keys: a KMS {@code GenerateDataKey} (AES_256) made as the endpoint's execution
 * role, with an encryption context naming the endpoint, the variant and the file
 * ({@link CaptureFileHeader#ENDPOINT}, {@link CaptureFileHeader#VARIANT}, {@link CaptureFileHeader#FILE}). The
 * gateway's implementation is {@link KmsCaptureKeys}; errors are {@link KeyServiceException}s carrying the KMS code
 * ({@code AccessDeniedException}, {@code NotFoundException}, {@code DisabledException}, ...).
 */
public interface CaptureKeys {

    /**
     * A new data key for one capture file.
     *
     * @param executionRoleArn the role the call is made as
     * @param keyId            the KMS key: key id, key ARN, alias name or alias ARN
     * @param context          the encryption context
     * @throws KeyServiceException if KMS refuses
     */
    FileKey generate(String executionRoleArn, String keyId, Map<String, String> context);

    /**
     * Returns normally if {@link #generate} would succeed with these arguments (KMS {@code DryRun}); used when an
     * endpoint is deployed, so a key that does not exist or the role cannot use fails the deployment.
     *
     * @throws KeyServiceException with KMS's reason otherwise
     */
    void check(String executionRoleArn, String keyId, Map<String, String> context);

    /**
     * A generated data key: the ARN of the KMS key that wraps it, the plaintext key (owned by the receiver, who must
     * wipe it with {@link #wipe()}) and the wrapped key stored in the file's header.
     */
    final class FileKey {
        private final String keyArn;
        private final byte[] plaintext;
        private final byte[] wrapped;

        /** Takes ownership of {@code plaintext}, 32 bytes. */
        public FileKey(String keyArn, byte[] plaintext, byte[] wrapped) {
            this.keyArn = Objects.requireNonNull(keyArn, "keyArn");
            this.plaintext = Objects.requireNonNull(plaintext, "plaintext");
            this.wrapped = Objects.requireNonNull(wrapped, "wrapped").clone();
            if (plaintext.length != 32) {
                throw new IllegalArgumentException("capture data keys are 32 bytes");
            }
        }

        public String keyArn() {
            return keyArn;
        }

        /** The plaintext key itself (not a copy). */
        byte[] plaintext() {
            return plaintext;
        }

        public byte[] wrapped() {
            return wrapped.clone();
        }

        /** Overwrites the plaintext key with zeros. */
        public void wipe() {
            Arrays.fill(plaintext, (byte) 0);
        }

        @Override
        public String toString() {
            return "FileKey[" + keyArn + ", plaintext=<redacted>]";
        }
    }
}
