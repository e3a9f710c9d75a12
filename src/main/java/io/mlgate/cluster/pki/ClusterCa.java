package io.mlgate.cluster.pki;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.RootKey;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * The cluster's certificate authority, owned by the gateway: an ECDSA P-256 CA in {@code keys/cluster/} (certificate
 * {@code ca.pem}; private key sealed under the root key, never written in the clear) that issues short-lived
 * certificates whose only identity is a {@link SpiffeId} SAN URI.
 *
 * <p>Files: {@code ca.key} (the PKCS#8 private key sealed under the root key, associated data
 * {@value #KEY_ASSOCIATED_DATA}) is created first, then {@code ca.pem} (self-signed for that key, 10 years). Both are
 * created with {@link AtomicFileWriter#createIfAbsent}, so a crash between the two leaves a key from which the next
 * start makes the certificate, and two processes creating the CA at once end up with the same one.
 */
public final class ClusterCa {

    /** The folder under the keys directory. */
    public static final String DIR = "cluster";
    /** The CA certificate, PEM. */
    public static final String CERT_FILE = "ca.pem";
    /** The CA private key (PKCS#8 DER) sealed under the root key. */
    public static final String KEY_FILE = "ca.key";
    /** How long the CA certificate is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** How far back a leaf's notBefore goes, for peers whose clocks are slightly behind. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /** The associated data the CA key is sealed with (root rotation re-seals it with the same). */
    public static final String KEY_ASSOCIATED_DATA = "mlgate/cluster-ca-key/v1";

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final Clock clock;
    private final String fingerprint;

    private ClusterCa(X509Certificate certificate, PrivateKey privateKey, Clock clock) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.clock = clock;
        this.fingerprint = fingerprint(certificate);
    }

    /** Opens {@code keysDir/cluster/} or creates it (crash-safe writes). */
    public static ClusterCa openOrCreate(Path keysDir, RootKey root, Clock clock) throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(clock, "clock");
        Path dir = keysDir.resolve(DIR);
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        AtomicFileWriter.ensurePrivateDirectory(dir);
        Path keyFile = dir.resolve(KEY_FILE);
        Path certFile = dir.resolve(CERT_FILE);
        byte[] ad = KEY_ASSOCIATED_DATA.getBytes(StandardCharsets.US_ASCII);
        if (!Files.exists(keyFile)) {
            KeyPair fresh = CertificateRequests.newKeyPair();
            byte[] der = fresh.getPrivate().getEncoded();
            try {
                AtomicFileWriter.createIfAbsent(keyFile, root.seal(der, ad));
            } finally {
                Arrays.fill(der, (byte) 0);
            }
        }
        byte[] der = root.open(Files.readAllBytes(keyFile), ad);
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(keyFile + " does not hold an EC private key");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
        if (!Files.exists(certFile)) {
            X509Certificate made = selfSigned(key, clock.instant());
            AtomicFileWriter.createIfAbsent(certFile,
                    ClusterPem.certificates(List.of(made)).getBytes(StandardCharsets.US_ASCII));
        }
        X509Certificate cert;
        try {
            cert = ClusterPem.readCertificates(Files.readString(certFile, StandardCharsets.US_ASCII)).get(0);
        } catch (IllegalArgumentException e) {
            throw new IOException(certFile + ": " + e.getMessage());
        }
        if (!Arrays.equals(cert.getPublicKey().getEncoded(), publicKeyOf(key).getEncoded())) {
            throw new IOException(certFile + " is not the certificate of the sealed key in " + keyFile);
        }
        return new ClusterCa(cert, key, clock);
    }

    /** A CA held in memory only (tests: "a certificate from another CA"). */
    public static ClusterCa ephemeral(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        KeyPair pair = CertificateRequests.newKeyPair();
        return new ClusterCa(selfSigned(pair.getPrivate(), clock.instant()), pair.getPrivate(), clock);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Base64url (no padding) SHA-256 of the CA certificate's DER: what join tokens pin. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Base64url (no padding) SHA-256 of {@code certificate}'s DER. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the certificate cannot be encoded");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    /**
     * Issues a certificate for the public key of a PKCS#10 request (its signature is checked; the names it asks for
     * are ignored) with {@code id} as its only SAN, valid from now for {@code lifetime}.
     *
     * @return the chain, leaf first, then the CA certificate
     * @throws IllegalArgumentException if the CSR is not a valid, self-signed PKCS#10 request with an EC P-256 key
     */
    public List<X509Certificate> issue(String csrPem, SpiffeId id, Duration lifetime) {
        Objects.requireNonNull(id, "id");
        requirePositive(lifetime);
        List<Object> items = ClusterPem.objects(csrPem);
        if (items.size() != 1 || !(items.get(0) instanceof PKCS10CertificationRequest request)) {
            throw new IllegalArgumentException("the CSR is not one PEM PKCS#10 certificate request");
        }
        SubjectPublicKeyInfo keyInfo = request.getSubjectPublicKeyInfo();
        if (!isP256(keyInfo)) {
            throw new IllegalArgumentException("the CSR's key is not an EC P-256 key");
        }
        PublicKey publicKey;
        boolean valid;
        try {
            publicKey = new JcaPEMKeyConverter().getPublicKey(keyInfo);
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey));
        } catch (OperatorCreationException | PKCSException | IOException | RuntimeException e) {
            valid = false;
            publicKey = null;
        }
        if (!valid) {
            throw new IllegalArgumentException("the CSR's signature does not verify");
        }
        Instant now = clock.instant();
        X509Certificate leaf = leaf(publicKey, id, now.minus(CLOCK_SKEW), now.plus(lifetime));
        return List.of(leaf, certificate);
    }

    /** A fresh key pair and its certificate for {@code id}, valid from now for {@code lifetime} (the gateway's own). */
    public ClusterCredentials issueNew(SpiffeId id, Duration lifetime) {
        requirePositive(lifetime);
        Instant now = clock.instant();
        return issueNew(id, now.minus(CLOCK_SKEW), now.plus(lifetime));
    }

    /** A fresh key pair and a certificate valid only in [notBefore, notAfter] (tests: expired certificates). */
    public ClusterCredentials issueNew(SpiffeId id, Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(id, "id");
        KeyPair pair = CertificateRequests.newKeyPair();
        X509Certificate leaf = leaf(pair.getPublic(), id, notBefore, notAfter);
        return new ClusterCredentials(pair.getPrivate(), List.of(leaf, certificate));
    }

    @Override
    public String toString() {
        return "ClusterCa[" + certificate.getSubjectX500Principal() + ", fingerprint " + fingerprint + "]";
    }

    private X509Certificate leaf(PublicKey publicKey, SpiffeId id, Instant notBefore, Instant notAfter) {
        Instant caEnd = certificate.getNotAfter().toInstant();
        Instant end = notAfter.isAfter(caEnd) ? caEnd : notAfter;
        return certificate(publicKey, CertificateRequests.subject(id),
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.uri())), notBefore, end);
    }

    /**
     * A leaf certificate signed by this CA with exactly the given subject alternative names (null: none). The
     * issuing methods use it with one SPIFFE URI; tests use it for certificates this CA would never issue.
     */
    X509Certificate certificate(PublicKey publicKey, X500Name subject, GeneralNames sans, Instant notBefore,
                                Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter must be after notBefore");
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(notBefore), Date.from(notAfter), subject, publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            if (sans != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(certificate));
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(CertificateRequests.SIGNATURE_ALGORITHM).build(privateKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a cluster certificate", e);
        }
    }

    private static X509Certificate selfSigned(PrivateKey key, Instant now) {
        PublicKey publicKey = publicKeyOf(key);
        X500Name subject = new X500Name("CN=mlgate cluster CA,O=mlgate");
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(CA_VALIDITY)), subject, publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(CertificateRequests.SIGNATURE_ALGORITHM).build(key)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the cluster CA certificate", e);
        }
    }

    /** The public key of an EC private key (the CA's public key is not stored apart from its certificate). */
    private static PublicKey publicKeyOf(PrivateKey key) {
        try {
            java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) key;
            org.bouncycastle.jce.spec.ECNamedCurveParameterSpec curve =
                    org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("secp256r1");
            org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(ec.getS()).normalize();
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(w,
                    ec.getParams()));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("not an EC P-256 private key", e);
        }
    }

    static boolean isP256(SubjectPublicKeyInfo info) {
        AlgorithmIdentifier algorithm = info.getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())) {
            return false;
        }
        return algorithm.getParameters() instanceof ASN1ObjectIdentifier curve
                && SECObjectIdentifiers.secp256r1.equals(curve);
    }

    private static void requirePositive(Duration lifetime) {
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a certificate lifetime is positive");
        }
    }

    /** A random positive 128-bit serial number. */
    private static BigInteger serial() {
        byte[] bytes = new byte[16];
        BigInteger serial;
        do {
            CertificateRequests.RANDOM.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }
}
