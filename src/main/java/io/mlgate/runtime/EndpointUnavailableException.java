package io.mlgate.runtime;

import java.util.Objects;

/**
 * An endpoint exists but cannot serve because the key service refuses its model's key (disabled, pending deletion,
 * deleted, or no longer allowed to its execution role): crypto-shredding. {@link #keyServiceErrorCode()} is the KMS
 * error code behind it; the message names the endpoint and the key, never key material.
 */
public final class EndpointUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String endpointName;
    private final String keyArn;
    private final String keyServiceErrorCode;

    public EndpointUnavailableException(String endpointName, String keyArn, String keyServiceErrorCode) {
        super("Endpoint " + endpointName + " cannot serve: its model key " + keyArn + " "
                + why(keyServiceErrorCode) + " (" + keyServiceErrorCode + ")");
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        this.keyArn = Objects.requireNonNull(keyArn, "keyArn");
        this.keyServiceErrorCode = Objects.requireNonNull(keyServiceErrorCode, "keyServiceErrorCode");
    }

    private static String why(String code) {
        return switch (code) {
            case "DisabledException" -> "is disabled";
            case "KMSInvalidStateException" -> "is not usable in its current state (for example pending deletion)";
            case "NotFoundException" -> "no longer exists";
            case "AccessDeniedException" -> "may not be used by the endpoint's execution role";
            default -> "is refused by the key service";
        };
    }

    public String endpointName() {
        return endpointName;
    }

    /** The model key's ARN, as recorded in the artifact. */
    public String keyArn() {
        return keyArn;
    }

    /** The KMS error code, e.g. {@code DisabledException}. */
    public String keyServiceErrorCode() {
        return keyServiceErrorCode;
    }

    /** A fresh exception with the same facts, to throw on each refused call. */
    EndpointUnavailableException copy() {
        return new EndpointUnavailableException(endpointName, keyArn, keyServiceErrorCode);
    }
}
