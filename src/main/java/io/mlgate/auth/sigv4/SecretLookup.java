package io.mlgate.auth.sigv4;

import java.util.Optional;

/**
 * Finds the signing secret (and its owner) for an access key id; empty when the key is unknown or disabled. For
 * temporary credentials the request's session token ({@code X-Amz-Security-Token}, signed) is passed too: a lookup
 * that opens self-contained tokens finds the secret inside it, and throws {@link SigV4Exception} with
 * {@link SigV4Failure#EXPIRED_TOKEN} for a session past its expiry.
 */
@FunctionalInterface
public interface SecretLookup {

    /**
     * Returns the secret for {@code accessKeyId}, or empty if there is none. Must be thread-safe and fast.
     *
     * @param securityToken the request's session token, or null when it sent none
     */
    Optional<SigningSecret> find(String accessKeyId, String securityToken);
}
