package io.mlgate.protocol.json;

/**
 * A JSON-protocol operation failed in a way the client is told about: the wire code written as {@code __type} and
 * {@code x-amzn-ErrorType} (e.g. {@code NotFoundException}), the HTTP status and a message safe to show (no secrets,
 * no key material, no stack trace).
 */
public final class JsonServiceException extends Exception {

    private final String code;
    private final int status;

    public JsonServiceException(String code, int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status must be 4xx or 5xx: " + status);
        }
        this.code = code;
        this.status = status;
    }

    /** {@code ValidationException} (400): the input breaks a constraint of the operation's model. */
    public static JsonServiceException validation(String message) {
        return new JsonServiceException("ValidationException", 400, message);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
