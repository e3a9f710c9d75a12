package io.mlgate.kms.artifact;

import java.util.Objects;
import java.util.Optional;

/**
 * A model artifact cannot be written, re-wrapped or loaded; {@link #reason()} says why. No plaintext is released
 * alongside it.
 */
public class ArtifactException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an artifact was refused. */
    public enum Reason {
        /** The header was modified: bad magic, malformed field, failed header tag, or key id/context not as wrapped. */
        HEADER_TAMPERED,
        /** A body segment failed authentication at its own position and at every other one. */
        BODY_TAMPERED,
        /** A body segment is authentic but sits at another position than the one it was written for. */
        SEGMENT_REORDERED,
        /** The file ends inside its header or before its final segment. */
        TRUNCATED,
        /** Bytes follow the final segment. */
        TRAILING_DATA,
        /** The data key does not open under the encryption context the loader required. */
        WRONG_CONTEXT,
        /** The artifact is wrapped under another key than the one required, or its key does not exist. */
        WRONG_KEY,
        /** A format version this code does not read. */
        UNSUPPORTED_VERSION,
        /** The key service refused to use the key (disabled, pending deletion, access denied, ...). */
        KEY_UNAVAILABLE,
        /** The plaintext is larger than the caller allows or than the destination buffer. */
        TOO_LARGE
    }

    private final Reason reason;
    private final String keyServiceErrorCode;

    ArtifactException(Reason reason, String message) {
        this(reason, message, null);
    }

    ArtifactException(Reason reason, String message, KeyServiceException cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.keyServiceErrorCode = cause == null ? null : cause.errorCode();
    }

    /** The category of the failure. */
    public Reason reason() {
        return reason;
    }

    /** The key service's error code when the failure came from it (e.g. {@code DisabledException}). */
    public Optional<String> keyServiceErrorCode() {
        return Optional.ofNullable(keyServiceErrorCode);
    }
}
