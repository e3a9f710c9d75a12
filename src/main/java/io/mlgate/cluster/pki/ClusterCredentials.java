package io.mlgate.cluster.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A private key and its certificate chain (leaf first, ending at or below the cluster CA). */
public record ClusterCredentials(PrivateKey privateKey, List<X509Certificate> chain) {

    public ClusterCredentials {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain has at least the leaf");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "ClusterCredentials[" + leaf().getSubjectX500Principal() + ", until " + notAfter() + "]";
    }
}
