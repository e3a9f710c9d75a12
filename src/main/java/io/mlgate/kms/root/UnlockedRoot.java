package io.mlgate.kms.root;

import java.security.Provider;
import java.util.Objects;

import javax.crypto.SecretKey;

/**
 * What a {@link RootKeyProtector} hands to {@link io.mlgate.kms.RootKey} once unlocked: the AES-256 root key as a JCA
 * key (raw bytes for software protectors, a non-extractable handle for a token) and the provider that must run
 * AES-GCM with it ({@code null} for the default providers).
 */
public final class UnlockedRoot {

    private final SecretKey key;
    private final Provider provider;
    private final String description;

    UnlockedRoot(SecretKey key, Provider provider, String description) {
        this.key = Objects.requireNonNull(key, "key");
        this.provider = provider;
        this.description = Objects.requireNonNull(description, "description");
    }

    /** The root key; for a token this is a handle whose bytes never leave the token. */
    public SecretKey key() {
        return key;
    }

    /** The provider to run AES/GCM/NoPadding with, or {@code null} for the JDK's default choice. */
    public Provider provider() {
        return provider;
    }

    /** Where the key came from, for logs (never key material). */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "UnlockedRoot[" + description + "]";
    }
}
