package io.mlgate.kms.artifact;

import java.util.Objects;

/**
 * A key service refused a data-key operation; {@link #errorCode()} is the KMS error code, such as
 * {@value #DISABLED} or {@value #INVALID_CIPHERTEXT}.
 */
public class KeyServiceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public static final String DISABLED = "DisabledException";
    public static final String INVALID_STATE = "KMSInvalidStateException";
    public static final String ACCESS_DENIED = "AccessDeniedException";
    public static final String INVALID_CIPHERTEXT = "InvalidCiphertextException";
    public static final String NOT_FOUND = "NotFoundException";
    public static final String INCORRECT_KEY = "IncorrectKeyException";
    public static final String KEY_UNAVAILABLE = "KeyUnavailableException";

    private final String errorCode;

    public KeyServiceException(String errorCode, String message) {
        super(message);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public KeyServiceException(String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The KMS error code, e.g. {@code DisabledException}. */
    public String errorCode() {
        return errorCode;
    }
}
