package io.mlgate.cluster.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies a peer's certificate chain: it chains to the cluster CA ({@code trustAnchor}), every certificate is valid
 * now, the leaf carries exactly one SPIFFE SAN URI of ours, it is not revoked, and the {@link PeerRule} accepts the
 * identity. Thread-safe; used by the trust managers of {@code io.mlgate.cluster.tls.ClusterTls} in every handshake.
 *
 * <p>The cluster CA issues leaves directly (no intermediates): the leaf must be signed by the anchor, and every
 * further certificate the peer sends must be the anchor itself. Checks run in this order, and the first that fails
 * gives the {@link CertificateException} message: {@value #UNKNOWN_CA}, {@value #EXPIRED} / {@value #NOT_YET_VALID}
 * (any certificate of the chain, at {@code clock.instant()}), {@value #NOT_END_ENTITY}, {@value #NO_IDENTITY} (the
 * leaf's subject alternative names must be exactly one URI, one of ours), {@value #REVOKED}, then the rule's reason.
 */
public final class PeerVerifier {

    public static final String NO_CERTIFICATE = "no certificate";
    public static final String UNKNOWN_CA = "unknown certificate authority";
    public static final String EXPIRED = "certificate expired";
    public static final String NOT_YET_VALID = "certificate not yet valid";
    public static final String NOT_END_ENTITY = "not an end-entity certificate";
    public static final String NO_IDENTITY = "no cluster identity";
    public static final String REVOKED = "revoked";

    private static final int SAN_URI = 6;

    private final X509Certificate trustAnchor;
    private final RevocationCheck revoked;
    private final Clock clock;
    private final PeerRule rule;

    public PeerVerifier(X509Certificate trustAnchor, RevocationCheck revoked, Clock clock, PeerRule rule) {
        this.trustAnchor = Objects.requireNonNull(trustAnchor, "trustAnchor");
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** The same checks with another identity rule (one verifier per node the gateway reaches). */
    public PeerVerifier withRule(PeerRule rule) {
        return new PeerVerifier(trustAnchor, revoked, clock, rule);
    }

    /** The cluster CA certificate chains must end at. */
    public X509Certificate trustAnchor() {
        return trustAnchor;
    }

    /**
     * @return the peer's identity
     * @throws CertificateException whose message is the refusal reason (no certificate bytes)
     */
    public SpiffeId verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0 || Arrays.asList(chain).contains(null)) {
            throw new CertificateException(NO_CERTIFICATE);
        }
        X509Certificate leaf = chain[0];
        if (!signedByAnchor(leaf)) {
            throw new CertificateException(UNKNOWN_CA);
        }
        for (int i = 1; i < chain.length; i++) {
            if (!chain[i].equals(trustAnchor)) {
                throw new CertificateException(UNKNOWN_CA);
            }
        }
        Date now = Date.from(clock.instant());
        checkValidity(leaf, now);
        checkValidity(trustAnchor, now);
        if (leaf.getBasicConstraints() != -1) {
            throw new CertificateException(NOT_END_ENTITY);
        }
        SpiffeId id = identityOf(leaf).orElseThrow(() -> new CertificateException(NO_IDENTITY));
        if (revoked.isRevoked(leaf)) {
            throw new CertificateException(REVOKED);
        }
        String refusal = rule.refusal(id);
        if (refusal != null) {
            throw new CertificateException(refusal);
        }
        return id;
    }

    /**
     * The identity a certificate carries, unverified: present only if its subject alternative names are exactly one
     * URI and that URI is one of ours.
     */
    public static Optional<SpiffeId> identityOf(X509Certificate certificate) {
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (sans == null || sans.size() != 1) {
            return Optional.empty();
        }
        List<?> san = sans.iterator().next();
        if (san.size() < 2 || !(san.get(0) instanceof Integer type) || type != SAN_URI
                || !(san.get(1) instanceof String uri)) {
            return Optional.empty();
        }
        return SpiffeId.parse(uri);
    }

    /** Every URI among a certificate's subject alternative names (none if they cannot be read). */
    static List<String> sanUris(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_URI
                            && san.get(1) instanceof String uri) {
                        out.add(uri);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return out;
    }

    private boolean signedByAnchor(X509Certificate leaf) {
        if (!leaf.getIssuerX500Principal().equals(trustAnchor.getSubjectX500Principal())) {
            return false;
        }
        try {
            leaf.verify(trustAnchor.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static void checkValidity(X509Certificate certificate, Date now) throws CertificateException {
        try {
            certificate.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw new CertificateException(EXPIRED);
        } catch (CertificateNotYetValidException e) {
            throw new CertificateException(NOT_YET_VALID);
        }
    }

    @Override
    public String toString() {
        return "PeerVerifier[anchor " + trustAnchor.getSubjectX500Principal() + "]";
    }
}
