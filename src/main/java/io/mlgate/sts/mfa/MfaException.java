package io.mlgate.sts.mfa;

/**
 * An MFA device operation failed with an IAM error: {@code NoSuchEntity} (404), {@code EntityAlreadyExists} (409),
 * {@code InvalidAuthenticationCode} (403), {@code LimitExceeded} (409), {@code DeleteConflict} (409) or
 * {@code ValidationError} (400). Messages name serial numbers and users, never seeds or codes.
 */
public final class MfaException extends Exception {

    private static final long serialVersionUID = 1L;
    private final String code;
    private final int status;

    public MfaException(String code, int status, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    /** The IAM error code, e.g. {@code NoSuchEntity}. */
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
