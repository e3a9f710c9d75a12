package io.mlgate.cluster.pki;

import io.mlgate.kms.RootKey;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The cluster's certificate authority, owned by the gateway: an ECDSA P-256 CA in {@code keys/cluster/} (certificate
 * {@code ca.pem}; private key sealed under the root key, never written in the clear) that issues short-lived
 * certificates whose only identity is a {@link SpiffeId} SAN URI.
 */
public final class ClusterCa {

    /** The folder under the keys directory. */
    public static final String DIR = "cluster";

    private ClusterCa() {
    }

    /** Opens {@code keysDir/cluster/} or creates it (crash-safe writes). */
    public static ClusterCa openOrCreate(Path keysDir, RootKey root, Clock clock) throws IOException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** A CA held in memory only (tests: "a certificate from another CA"). */
    public static ClusterCa ephemeral(Clock clock) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    public X509Certificate certificate() {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** Base64url (no padding) SHA-256 of the CA certificate's DER: what join tokens pin. */
    public String fingerprint() {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /**
     * Issues a certificate for the public key of a PKCS#10 request (its signature is checked; the names it asks for
     * are ignored) with {@code id} as its only SAN, valid from now for {@code lifetime}.
     *
     * @return the chain, leaf first, then the CA certificate
     * @throws IllegalArgumentException if the CSR is not a valid, self-signed PKCS#10 request with an EC P-256 key
     */
    public List<X509Certificate> issue(String csrPem, SpiffeId id, Duration lifetime) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** A fresh key pair and its certificate for {@code id}, valid from now for {@code lifetime} (the gateway's own). */
    public ClusterCredentials issueNew(SpiffeId id, Duration lifetime) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** A fresh key pair and a certificate valid only in [notBefore, notAfter] (tests: expired certificates). */
    public ClusterCredentials issueNew(SpiffeId id, Instant notBefore, Instant notAfter) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }
}
