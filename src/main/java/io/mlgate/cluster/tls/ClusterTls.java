package io.mlgate.cluster.tls;

import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.pki.SpiffeId;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLSession;
import java.util.Optional;

/** TLS 1.3-only Netty contexts for cluster connections (ALPN h2, JDK provider, AEAD suites). */
public final class ClusterTls {

    private ClusterTls() {
    }

    /**
     * A server context presenting {@code credentials}' current certificate.
     *
     * @param requireClientCertificate true on node data ports; false on the gateway control port (enroll has none),
     *                                 where a presented certificate is still verified
     */
    public static SslContext server(CredentialHolder credentials, PeerVerifier clients, RefusalListener refusals,
                                    boolean requireClientCertificate) {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }

    /** A client context presenting {@code credentials} and accepting only servers {@code servers} accepts. */
    public static SslContext client(CredentialHolder credentials, PeerVerifier servers, RefusalListener refusals) {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }

    /** A client context without a certificate that accepts only a CA with this fingerprint (enrollment). */
    public static SslContext enrollmentClient(String caFingerprint, RefusalListener refusals) {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }

    /** The verified identity of the peer of an established session, if it presented one. */
    public static Optional<SpiffeId> peerIdentity(SSLSession session) {
        throw new UnsupportedOperationException("cluster TLS not built yet");
    }
}
