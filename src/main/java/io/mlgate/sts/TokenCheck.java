package io.mlgate.sts;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The outcome of opening a session token: VALID with its claims, INVALID (tampered, unknown key, wrong access key
 * id, malformed) or EXPIRED, with the AWS error each failure is reported as. Messages never contain the token.
 */
public final class TokenCheck {

    /** The three outcomes. */
    public enum Outcome { VALID, INVALID, EXPIRED }

    /** AWS's message for an invalid session token (query code InvalidClientTokenId, JSON UnrecognizedClientException). */
    public static final String INVALID_MESSAGE = "The security token included in the request is invalid.";
    /** AWS's message for an expired session token (query code ExpiredToken, JSON ExpiredTokenException). */
    public static final String EXPIRED_MESSAGE = "The security token included in the request is expired";

    static final TokenCheck INVALID = new TokenCheck(Outcome.INVALID, null);
    static final TokenCheck EXPIRED = new TokenCheck(Outcome.EXPIRED, null);

    private final Outcome outcome;
    private final SessionClaims claims;

    private TokenCheck(Outcome outcome, SessionClaims claims) {
        this.outcome = outcome;
        this.claims = claims;
    }

    static TokenCheck valid(SessionClaims claims) {
        return new TokenCheck(Outcome.VALID, Objects.requireNonNull(claims));
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean isValid() {
        return outcome == Outcome.VALID;
    }

    /** The claims of a VALID token. */
    public SessionClaims claims() {
        if (claims == null) {
            throw new NoSuchElementException("the token is " + outcome);
        }
        return claims;
    }

    /** The query-protocol error code: {@code InvalidClientTokenId} or {@code ExpiredToken}; null when VALID. */
    public String queryErrorCode() {
        return switch (outcome) {
            case VALID -> null;
            case INVALID -> "InvalidClientTokenId";
            case EXPIRED -> "ExpiredToken";
        };
    }

    /** The JSON-protocol error code: {@code UnrecognizedClientException} or {@code ExpiredTokenException}. */
    public String jsonErrorCode() {
        return switch (outcome) {
            case VALID -> null;
            case INVALID -> "UnrecognizedClientException";
            case EXPIRED -> "ExpiredTokenException";
        };
    }

    /** HTTP status AWS uses: 403 for INVALID, 400 for EXPIRED. */
    public int httpStatus() {
        return outcome == Outcome.INVALID ? 403 : outcome == Outcome.EXPIRED ? 400 : 200;
    }

    public String errorMessage() {
        return switch (outcome) {
            case VALID -> null;
            case INVALID -> INVALID_MESSAGE;
            case EXPIRED -> EXPIRED_MESSAGE;
        };
    }

    @Override
    public String toString() {
        return outcome == Outcome.VALID ? "VALID " + claims : outcome.name();
    }
}
