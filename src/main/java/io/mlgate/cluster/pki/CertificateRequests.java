package io.mlgate.cluster.pki;

import java.security.KeyPair;

/** Key pairs and PKCS#10 requests for cluster identities (EC P-256). */
public final class CertificateRequests {

    private CertificateRequests() {
    }

    public static KeyPair newKeyPair() {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** A PEM PKCS#10 request signed by {@code keys}, asking for {@code id} as SAN URI. */
    public static String csr(KeyPair keys, SpiffeId id) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }
}
