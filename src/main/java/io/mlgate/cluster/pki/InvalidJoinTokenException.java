package io.mlgate.cluster.pki;

/** A join token that is malformed, forged, expired, or for another node or CA. The message never holds the token. */
public final class InvalidJoinTokenException extends Exception {
    public InvalidJoinTokenException(String message) {
        super(message, null, false, false);
    }
}
