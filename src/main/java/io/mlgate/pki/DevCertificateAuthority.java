package io.mlgate.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The development certificate authority under keys/: an ECDSA P-256 CA that issues the gateway's TLS server
 * certificate. Files are created once and reused across restarts; an operator's own PEM pair in keys/ wins.
 */
public final class DevCertificateAuthority {

    public static final String CA_CERT = "dev-ca.pem";
    public static final String CA_KEY = "dev-ca-key.pem";
    public static final String SERVER_CERT = "server.pem";
    public static final String SERVER_KEY = "server-key.pem";

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path keysDir;
    private final Clock clock;

    public DevCertificateAuthority(Path keysDir, Clock clock) {
        this.keysDir = keysDir;
        this.clock = clock;
    }

    /**
     * Returns the TLS material to serve with: the operator's own {@code server.pem}/{@code server-key.pem} if they
     * exist and were not issued by the dev CA, otherwise a certificate issued by the dev CA (created or renewed as
     * needed) whose subject alternative names cover {@code hostNames}.
     */
    public TlsMaterial ensureServerMaterial(Collection<String> hostNames) throws IOException, GeneralSecurityException {
        Files.createDirectories(keysDir);
        Path certFile = keysDir.resolve(SERVER_CERT);
        Path keyFile = keysDir.resolve(SERVER_KEY);
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        names.addAll(hostNames);

        CaPair ca = loadOrCreateCa();
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            List<X509Certificate> chain = PemFiles.readCertificates(certFile);
            if (chain.isEmpty()) {
                throw new GeneralSecurityException(certFile + " holds no certificate");
            }
            X509Certificate leaf = chain.get(0);
            boolean ours = leaf.getIssuerX500Principal().equals(ca.certificate.getSubjectX500Principal())
                    && verifies(leaf, ca.certificate);
            if (!ours) {
                PemFiles.readPrivateKey(keyFile); // fail early and clearly if the operator's key is unreadable
                return new TlsMaterial(certFile, keyFile, keysDir.resolve(CA_CERT), false);
            }
            boolean fresh = leaf.getNotAfter().toInstant().isAfter(clock.instant().plus(RENEW_BEFORE));
            if (fresh && coversNames(leaf, names)) {
                return new TlsMaterial(certFile, keyFile, keysDir.resolve(CA_CERT), true);
            }
        }
        issueServerCertificate(ca, names, certFile, keyFile);
        return new TlsMaterial(certFile, keyFile, keysDir.resolve(CA_CERT), true);
    }

    private record CaPair(X509Certificate certificate, KeyPair keyPair) {}

    private CaPair loadOrCreateCa() throws IOException, GeneralSecurityException {
        Path certFile = keysDir.resolve(CA_CERT);
        Path keyFile = keysDir.resolve(CA_KEY);
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            X509Certificate cert = PemFiles.readCertificates(certFile).get(0);
            KeyPair pair = new KeyPair(cert.getPublicKey(), PemFiles.readPrivateKey(keyFile));
            return new CaPair(cert, pair);
        }
        KeyPair pair = newP256KeyPair();
        Instant now = clock.instant();
        X500Name subject = new X500Name("CN=mlgate development CA,O=mlgate");
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), subject,
                    pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(builder.build(signer(pair)));
            PemFiles.writePrivateKey(keyFile, pair.getPrivate());
            PemFiles.writeCertificates(certFile, List.of(cert));
            return new CaPair(cert, pair);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create the development CA", e);
        }
    }

    private void issueServerCertificate(CaPair ca, Set<String> names, Path certFile, Path keyFile)
            throws IOException, GeneralSecurityException {
        KeyPair pair = newP256KeyPair();
        Instant now = clock.instant();
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            sans.add(isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name)
                    : new GeneralName(GeneralName.dNSName, name));
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(ca.certificate.getSubjectX500Principal().getEncoded()), serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SERVER_VALIDITY)),
                    new X500Name("CN=mlgate gateway,O=mlgate"), pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(new GeneralName[0])));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(ca.certificate));
            X509Certificate cert = sign(builder.build(signer(ca.keyPair)));
            PemFiles.writePrivateKey(keyFile, pair.getPrivate());
            PemFiles.writeCertificates(certFile, List.of(cert, ca.certificate));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot issue the server certificate", e);
        }
    }

    private static boolean coversNames(X509Certificate cert, Set<String> names) throws GeneralSecurityException {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans == null) {
            return false;
        }
        Set<String> present = new LinkedHashSet<>();
        for (List<?> san : sans) {
            Object value = san.get(1);
            if (value instanceof String s) {
                present.add(normaliseHost(s));
            }
        }
        for (String name : names) {
            if (!present.contains(normaliseHost(name))) {
                return false;
            }
        }
        return true;
    }

    private static String normaliseHost(String name) {
        if (isIpLiteral(name)) {
            try {
                return InetAddress.getByName(name).getHostAddress();
            } catch (IOException e) {
                return name;
            }
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    static boolean isIpLiteral(String name) {
        if (name.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static boolean verifies(X509Certificate leaf, X509Certificate ca) {
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyPair newP256KeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static ContentSigner signer(KeyPair pair) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
    }

    private static X509Certificate sign(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
