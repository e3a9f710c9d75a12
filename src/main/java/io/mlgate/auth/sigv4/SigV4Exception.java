package io.mlgate.auth.sigv4;

import java.util.Objects;

/**
 * A failed SigV4 verification: a {@link SigV4Failure} kind and a message that is safe to return to the caller
 * (it never contains secrets, tokens, the canonical request or body content).
 */
public final class SigV4Exception extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final SigV4Failure failure;

    public SigV4Exception(SigV4Failure failure, String message) {
        // No stack trace: failures are expected, frequent under attack, and carry all they need in kind + message.
        super(message, null, false, false);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** What kind of failure this is. */
    public SigV4Failure failure() {
        return failure;
    }
}
