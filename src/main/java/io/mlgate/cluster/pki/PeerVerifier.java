package io.mlgate.cluster.pki;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;

/**
 * Verifies a peer's certificate chain: it chains to the cluster CA ({@code trustAnchor}), every certificate is valid
 * now, the leaf carries exactly one SPIFFE SAN URI of ours, it is not revoked, and the {@link PeerRule} accepts the
 * identity. Thread-safe; used by the trust managers of {@code io.mlgate.cluster.tls.ClusterTls} in every handshake.
 */
public final class PeerVerifier {

    public PeerVerifier(X509Certificate trustAnchor, RevocationCheck revoked, Clock clock, PeerRule rule) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** The same checks with another identity rule (one verifier per node the gateway reaches). */
    public PeerVerifier withRule(PeerRule rule) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /**
     * @return the peer's identity
     * @throws CertificateException whose message is the refusal reason (no certificate bytes)
     */
    public SpiffeId verify(X509Certificate[] chain) throws CertificateException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }
}
