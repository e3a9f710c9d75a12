package io.mlgate.cluster.pki;

import java.util.Objects;

/**
 * The credentials a TLS endpoint presents now. The key managers built by {@code ClusterTls} read it on every
 * handshake, so a renewal takes effect for new connections without rebuilding contexts or listeners.
 */
public final class CredentialHolder {
    private volatile ClusterCredentials current;

    public CredentialHolder(ClusterCredentials initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    public ClusterCredentials current() {
        return current;
    }

    public void update(ClusterCredentials next) {
        this.current = Objects.requireNonNull(next, "next");
    }
}
