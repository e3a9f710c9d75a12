package io.mlgate.sts.oidc;

/** An OIDC provider file is invalid; the message names the file and the problem. */
public final class OidcConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    public OidcConfigurationException(String message) {
        super(message);
    }
}
