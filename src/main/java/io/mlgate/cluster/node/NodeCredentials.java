package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.CertificateRequests;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.ClusterPem;
import io.mlgate.cluster.pki.InvalidJoinTokenException;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.cluster.wire.CertificateResponse;
import io.mlgate.cluster.wire.EnrollRequest;
import io.mlgate.cluster.wire.RenewRequest;
import io.mlgate.kms.AtomicFileWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's credentials on disk, under {@code HOME/credentials/}: {@code node-key.pem} (its private key, mode 0600),
 * {@code node-chain.pem} (its certificate chain, leaf first) and {@code ca.pem} (the cluster CA). Each file is
 * written atomically (temporary file, fsync, rename), so a node killed at any moment finds either the old or the new
 * file; a key and chain that no longer belong together (killed between the two renames) are treated as absent.
 * On start the node reuses them while they are valid; otherwise it enrolls again with its join token.
 */
public final class NodeCredentials {

    public static final String DIR = "credentials";
    public static final String KEY = "node-key.pem";
    public static final String CHAIN = "node-chain.pem";
    public static final String CA = "ca.pem";
    /** Credentials expiring sooner than this are not reused at start (the renewer would have no time). */
    static final Duration MIN_REMAINING = Duration.ofSeconds(30);

    /** Stored credentials and the CA they chain to. */
    public record Stored(ClusterCredentials credentials, X509Certificate ca) {
        public Stored {
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(ca, "ca");
        }
    }

    private final Path dir;
    private final SpiffeId identity;
    private final Clock clock;

    public NodeCredentials(Path home, SpiffeId identity, Clock clock) {
        this.dir = home.resolve(DIR);
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path directory() {
        return dir;
    }

    /**
     * The stored credentials if all three files are there, readable, belong together, carry this node's identity,
     * and stay valid for at least {@link #MIN_REMAINING}; else empty (with the reason logged by the caller).
     */
    public Optional<Stored> load() throws IOException {
        Path key = dir.resolve(KEY);
        Path chain = dir.resolve(CHAIN);
        Path ca = dir.resolve(CA);
        if (!Files.exists(key) || !Files.exists(chain) || !Files.exists(ca)) {
            return Optional.empty();
        }
        Stored stored;
        try {
            PrivateKey privateKey = ClusterPem.readPrivateKey(Files.readString(key, StandardCharsets.US_ASCII));
            List<X509Certificate> certs = ClusterPem.readCertificates(Files.readString(chain,
                    StandardCharsets.US_ASCII));
            List<X509Certificate> caCerts = ClusterPem.readCertificates(Files.readString(ca,
                    StandardCharsets.US_ASCII));
            stored = new Stored(new ClusterCredentials(privateKey, certs), caCerts.get(0));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return usable(stored) ? Optional.of(stored) : Optional.empty();
    }

    /** Whether the credentials can be used now: they belong together, name this node and are not near expiry. */
    boolean usable(Stored stored) {
        ClusterCredentials c = stored.credentials();
        if (!c.notAfter().isAfter(clock.instant().plus(MIN_REMAINING)) || clock.instant().isBefore(c.notBefore())) {
            return false;
        }
        if (!identity.equals(identityOf(c.leaf()).orElse(null))) {
            return false;
        }
        try {
            c.leaf().verify(stored.ca().getPublicKey());
        } catch (GeneralSecurityException e) {
            return false; // not issued by the stored CA (the cluster CA issues node certificates directly)
        }
        return matches(c.privateKey(), c.leaf());
    }

    /** Whether {@code key} is the private key of {@code leaf}'s public key (a signature made with it verifies). */
    static boolean matches(PrivateKey key, X509Certificate leaf) {
        try {
            byte[] probe = "mlgate-node-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static Optional<SpiffeId> identityOf(X509Certificate leaf) {
        try {
            if (leaf.getSubjectAlternativeNames() == null) {
                return Optional.empty();
            }
            for (List<?> san : leaf.getSubjectAlternativeNames()) {
                if (san.size() >= 2 && Integer.valueOf(6).equals(san.get(0))) {
                    Optional<SpiffeId> id = SpiffeId.parse(String.valueOf(san.get(1)));
                    if (id.isPresent()) {
                        return id;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Enrolls with the join token: a fresh key pair and CSR, {@code POST /cluster/v1/enroll} through
     * {@code enrollment} (a client that pins the CA the token names), checks that the answer's CA is that CA and its
     * certificate names this node, and stores the result.
     *
     * @throws InvalidJoinTokenException if the token is malformed
     * @throws ControlException          if the gateway refuses (e.g. {@code InvalidJoinToken}) or cannot be reached
     */
    public Stored enroll(String joinToken, ControlClient enrollment) throws InvalidJoinTokenException,
            ControlException, IOException {
        String pinned = JoinTokens.caFingerprint(joinToken);
        KeyPair keys = CertificateRequests.newKeyPair();
        CertificateResponse answer = enrollment.post("/cluster/v1/enroll",
                new EnrollRequest(identity.name(), joinToken, CertificateRequests.csr(keys, identity)),
                CertificateResponse.class);
        Stored stored = parse(answer, keys.getPrivate());
        if (!fingerprint(stored.ca()).equals(pinned)) {
            throw new ControlException(502, "WrongCertificateAuthority",
                    "the gateway answered with a CA other than the one the join token pins");
        }
        save(stored);
        return stored;
    }

    /**
     * Renews through the node's mutual-TLS control client ({@code POST /cluster/v1/renew}) for {@code fresh} and
     * stores the result; used as the {@code CertificateRenewer}'s issuer.
     */
    public ClusterCredentials renew(KeyPair fresh, ControlClient control) throws ControlException, IOException {
        CertificateResponse answer = control.post("/cluster/v1/renew",
                new RenewRequest(CertificateRequests.csr(fresh, identity)), CertificateResponse.class);
        Stored stored = parse(answer, fresh.getPrivate());
        save(stored);
        return stored.credentials();
    }

    private Stored parse(CertificateResponse answer, PrivateKey key) throws ControlException {
        try {
            List<X509Certificate> chain = ClusterPem.readCertificates(answer.certificateChain());
            X509Certificate ca = ClusterPem.readCertificates(answer.caCertificate()).get(0);
            Stored stored = new Stored(new ClusterCredentials(key, chain), ca);
            if (!identity.equals(identityOf(stored.credentials().leaf()).orElse(null))
                    || !matches(key, stored.credentials().leaf())) {
                throw new ControlException(502, "WrongCertificate",
                        "the gateway issued a certificate for another identity or key");
            }
            return stored;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ControlException(502, "MalformedAnswer", "the gateway's certificate answer is malformed");
        }
    }

    /** Writes the three files atomically (the key owner-only). */
    public void save(Stored stored) throws IOException {
        AtomicFileWriter.ensurePrivateDirectory(dir);
        AtomicFileWriter.replace(dir.resolve(CA),
                ClusterPem.certificates(List.of(stored.ca())).getBytes(StandardCharsets.US_ASCII));
        AtomicFileWriter.replace(dir.resolve(KEY),
                ClusterPem.privateKey(stored.credentials().privateKey()).getBytes(StandardCharsets.US_ASCII));
        AtomicFileWriter.replace(dir.resolve(CHAIN),
                ClusterPem.certificates(stored.credentials().chain()).getBytes(StandardCharsets.US_ASCII));
    }

    /** Base64url (no padding) SHA-256 of the certificate's DER, as join tokens pin it. */
    static String fingerprint(X509Certificate ca) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
