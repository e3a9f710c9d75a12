package io.mlgate.sts.oidc;

/**
 * A web identity token was refused, with the STS error it is reported as: {@code InvalidIdentityToken} (400),
 * {@code ExpiredTokenException} (400), {@code IDPRejectedClaim} (403) or {@code IDPCommunicationError} (400).
 * Messages are safe to return: they never contain the token.
 */
public final class WebIdentityException extends Exception {

    private static final long serialVersionUID = 1L;
    private final String code;
    private final int status;

    WebIdentityException(String code, int status, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    static WebIdentityException invalid(String message) {
        return new WebIdentityException("InvalidIdentityToken", 400, message);
    }

    static WebIdentityException expired(String message) {
        return new WebIdentityException("ExpiredTokenException", 400, message);
    }

    static WebIdentityException rejected(String message) {
        return new WebIdentityException("IDPRejectedClaim", 403, message);
    }

    static WebIdentityException communication(String message) {
        return new WebIdentityException("IDPCommunicationError", 400, message);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
