package io.mlgate.kms;

import java.util.Objects;

/**
 * Thrown when an envelope-encrypted artifact must not be loaded: it was modified, truncated, extended, encrypted
 * under another encryption context, or its key is unavailable. No plaintext is ever released alongside it.
 */
public class ArtifactIntegrityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an artifact was refused; adapters map these to protocol errors. */
    public enum Reason {
        /** Not an artifact of a format this code understands (bad magic, unknown version, impossible field). */
        MALFORMED,
        /** The authenticated header does not verify under the account key named in it. */
        HEADER_MODIFIED,
        /** The header is intact but the data key does not unwrap under the given encryption context. */
        CONTEXT_MISMATCH,
        /** The account key named in the header is not in the keystore, lacks that material version, or is disabled. */
        KEY_UNAVAILABLE,
        /** A segment failed authentication (modified, reordered, spliced from another artifact, or cut short). */
        SEGMENT_AUTHENTICATION,
        /** The artifact ends before its final segment. */
        TRUNCATED,
        /** Bytes follow the final segment. */
        TRAILING_DATA,
        /** The plaintext would exceed the caller's size bound. */
        TOO_LARGE
    }

    private final Reason reason;

    public ArtifactIntegrityException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ArtifactIntegrityException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The category of the failure. */
    public Reason reason() {
        return reason;
    }
}
