package io.mlgate.cluster.tls;

import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;

import java.security.KeyPair;
import java.time.Clock;

/**
 * Renews the credentials in a {@link CredentialHolder} at 2/3 of their lifetime with a fresh key pair, on its own
 * daemon thread; a failed renewal is retried with backoff until the certificate expires (then logged loudly; the
 * holder keeps the expired credentials, which peers refuse).
 */
public final class CertificateRenewer implements AutoCloseable {

    /** Gets a certificate for a fresh key pair (the gateway: its CA; a node: {@code POST /cluster/v1/renew}). */
    @FunctionalInterface
    public interface Issuer {
        ClusterCredentials renew(KeyPair fresh) throws Exception;
    }

    public CertificateRenewer(String name, CredentialHolder holder, Issuer issuer, Clock clock) {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }

    public void start() {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }

    /** Renews now (tests, and a node told its certificate is revoked-then-restored). */
    public void renewNow() throws Exception {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }
}
