package io.mlgate.sts;

import java.time.Instant;

/**
 * The credentials of a newly issued session, as returned to the client in {@code Credentials}: access key id,
 * secret access key, session token and expiration, with the claims they stand for. Never log the secret or token;
 * {@link #toString()} omits them.
 */
public final class IssuedSession {

    private final SessionClaims claims;
    private final String sessionToken;

    IssuedSession(SessionClaims claims, String sessionToken) {
        this.claims = claims;
        this.sessionToken = sessionToken;
    }

    public SessionClaims claims() {
        return claims;
    }

    public String accessKeyId() {
        return claims.accessKeyId();
    }

    public String secretAccessKey() {
        return claims.secretAccessKey();
    }

    public String sessionToken() {
        return sessionToken;
    }

    public Instant expiration() {
        return claims.expiresAt();
    }

    @Override
    public String toString() {
        return "IssuedSession[" + claims + "]";
    }
}
