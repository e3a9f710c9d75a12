package io.mlgate.protocol.query;

/**
 * A query-protocol operation failed in a way the client is told about: the wire error code (e.g.
 * {@code NoSuchEntity}), the HTTP status and a message safe to show (no secrets, no stack trace). The gateway
 * renders it as an XML {@code ErrorResponse} in the service's namespace.
 */
public final class QueryException extends Exception {

    private final String code;
    private final int status;

    public QueryException(String code, int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status must be 4xx or 5xx: " + status);
        }
        this.code = code;
        this.status = status;
    }

    /** {@code ValidationError} (400): the input breaks a constraint of the operation's model. */
    public static QueryException validation(String message) {
        return new QueryException("ValidationError", 400, message);
    }

    /** The model's phrasing for one violated constraint of member {@code member}. */
    public static QueryException constraint(String member, Object value, String constraint) {
        String shown = value == null ? "null" : "'" + QueryParameters.printable(String.valueOf(value)) + "'";
        return validation("1 validation error detected: Value " + shown + " at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
