package io.mlgate.audit;

/**
 * The audit log could not accept or persist a record; the caller must refuse the audited call (fail closed).
 * {@link #reason()} says why.
 */
public final class AuditUnavailableException extends RuntimeException {

    /** Why a record was not accepted or not persisted. */
    public enum Reason {
        /** The bounded queue was full: the writer is behind. Transient. */
        QUEUE_FULL,
        /** A write or fsync failed; the log stays failed until closed. */
        FAILED,
        /** The log was closed. */
        CLOSED
    }

    private final Reason reason;

    public AuditUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
