package io.mlgate.auth.sigv4;

import java.util.Optional;

/** Finds the signing secret (and its owner) for an access key id; empty when the key is unknown or disabled. */
@FunctionalInterface
public interface SecretLookup {

    /** Returns the secret for {@code accessKeyId}, or empty if there is none. Must be thread-safe and fast. */
    Optional<SigningSecret> find(String accessKeyId);
}
