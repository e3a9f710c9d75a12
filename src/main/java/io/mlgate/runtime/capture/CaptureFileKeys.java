package io.mlgate.runtime.capture;

import io.mlgate.kms.artifact.KeyServiceException;

/**
 * How a reader gets a capture file's data key: KMS {@code Decrypt} of {@link CaptureFileHeader#wrappedKey()} under
 * {@link CaptureFileHeader#context()}, naming {@link CaptureFileHeader#keyArn()}, as whoever reads. The CLI's
 * implementation calls the running gateway's KMS over HTTPS ({@code io.mlgate.client.KmsClient}), so every read is
 * authorized by the key policy and IAM, and audited.
 */
@FunctionalInterface
public interface CaptureFileKeys {

    /**
     * The file's plaintext data key (32 bytes; the caller wipes it).
     *
     * @throws KeyServiceException with the KMS error code if KMS refuses (e.g. {@code AccessDeniedException})
     * @throws java.io.UncheckedIOException if the key service cannot be reached
     */
    byte[] dataKey(CaptureFileHeader header);
}
