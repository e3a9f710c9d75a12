package io.mlgate.pii;

/**
 * A scan that could not complete: the caller must treat the payload as containing PII it could not see and block it
 * (fail closed). The message names the reason and never quotes the payload.
 */
public final class PiiScanException extends RuntimeException {

    /** Why a scan did not complete. */
    public enum Reason {
        /** The scan's deadline passed. */
        TIMEOUT,
        /** The payload cannot be scanned in its declared format within the limits (for example nesting depth). */
        UNSCANNABLE,
        /** A detector failed. */
        DETECTOR_FAILURE
    }

    private final Reason reason;

    public PiiScanException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public PiiScanException(Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
