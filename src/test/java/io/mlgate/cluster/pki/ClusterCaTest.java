package io.mlgate.cluster.pki;

import io.mlgate.sts.MutableClock;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterCaTest {

    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(T0);

    @Test
    void createsASealedCaOnceAndReopensTheSameOne() throws Exception {
        Path keys = home.resolve("keys");
        RootKey root = RootKey.loadOrCreate(keys);
        ClusterCa ca = ClusterCa.openOrCreate(keys, root, clock);
        X509Certificate cert = ca.certificate();

        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isFalse();
        assertThat(Duration.between(T0, cert.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(3650));
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.fingerprint()).matches("[A-Za-z0-9_-]{43}");
        assertThat(ca.fingerprint()).isEqualTo(ClusterCa.fingerprint(cert));

        ClusterCa again = ClusterCa.openOrCreate(keys, root, clock);
        assertThat(again.certificate()).isEqualTo(cert);
        assertThat(again.fingerprint()).isEqualTo(ca.fingerprint());
        // The reopened CA still signs with the same key: its leaves chain to the first CA certificate.
        X509Certificate leaf = again.issueNew(SpiffeId.node("n1"), Duration.ofHours(1)).leaf();
        leaf.verify(cert.getPublicKey());
    }

    @Test
    void thePrivateKeyIsNeverOnDiskInTheClear() throws Exception {
        Path keys = home.resolve("keys");
        ClusterCa.openOrCreate(keys, RootKey.loadOrCreate(keys), clock);
        Path dir = keys.resolve(ClusterCa.DIR);
        assertThat(dir.resolve(ClusterCa.CERT_FILE)).exists();
        byte[] sealed = Files.readAllBytes(dir.resolve(ClusterCa.KEY_FILE));
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
        // PKCS#8 DER of an EC key starts with SEQUENCE and the version 0 INTEGER; the sealed file does not.
        assertThat(sealed.length).isGreaterThan(60);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
            }
        }
    }

    @Test
    void anotherRootKeyCannotOpenTheCa() throws Exception {
        Path keys = home.resolve("keys");
        ClusterCa.openOrCreate(keys, RootKey.loadOrCreate(keys), clock);
        RootKey other = RootKey.loadOrCreate(home.resolve("other-keys"));
        assertThatThrownBy(() -> ClusterCa.openOrCreate(keys, other, clock)).isInstanceOf(KeyCustodyException.class);
    }

    @Test
    void aCrashBetweenKeyAndCertificateIsFinishedOnNextOpen() throws Exception {
        Path keys = home.resolve("keys");
        RootKey root = RootKey.loadOrCreate(keys);
        ClusterCa first = ClusterCa.openOrCreate(keys, root, clock);
        Files.delete(keys.resolve(ClusterCa.DIR).resolve(ClusterCa.CERT_FILE));
        ClusterCa reopened = ClusterCa.openOrCreate(keys, root, clock);
        assertThat(reopened.certificate().getPublicKey()).isEqualTo(first.certificate().getPublicKey());
    }

    @Test
    void aCertificateThatDoesNotMatchTheSealedKeyIsRefused() throws Exception {
        Path keys = home.resolve("keys");
        RootKey root = RootKey.loadOrCreate(keys);
        ClusterCa.openOrCreate(keys, root, clock);
        Files.writeString(keys.resolve(ClusterCa.DIR).resolve(ClusterCa.CERT_FILE),
                ClusterPem.certificates(List.of(ClusterCa.ephemeral(clock).certificate())));
        assertThatThrownBy(() -> ClusterCa.openOrCreate(keys, root, clock))
                .hasMessageContaining("is not the certificate of the sealed key");
    }

    @Test
    void issuedLeafHasExactlyTheProfile() throws Exception {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        KeyPair keys = CertificateRequests.newKeyPair();
        // The CSR asks for another name: it is ignored, the leaf carries the identity the CA was told.
        String csr = CertificateRequests.csr(keys, SpiffeId.gateway("evil"));
        List<X509Certificate> chain = ca.issue(csr, SpiffeId.node("n1"), Duration.ofHours(1));

        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(ca.certificate());
        X509Certificate leaf = chain.get(0);
        leaf.verify(ca.certificate().getPublicKey());
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        boolean[] usage = leaf.getKeyUsage();
        assertThat(usage[0]).as("digitalSignature").isTrue();
        for (int i = 1; i < usage.length; i++) {
            assertThat(usage[i]).as("key usage bit " + i).isFalse();
        }
        assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        assertThat(sans).hasSize(1);
        assertThat((List<Object>) new java.util.ArrayList<Object>(sans.iterator().next())).containsExactly(6, "spiffe://mlgate/node/n1");
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(T0.minus(Duration.ofMinutes(1)));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(leaf.getSerialNumber().bitLength()).isBetween(100, 128);
        assertThat(leaf.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(),
                Extension.keyUsage.getId());

        X509Certificate second = ca.issue(csr, SpiffeId.node("n1"), Duration.ofHours(1)).get(0);
        assertThat(second.getSerialNumber()).isNotEqualTo(leaf.getSerialNumber());
    }

    @Test
    void aCsrWithABadSignatureIsRefused() throws Exception {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        KeyPair subject = CertificateRequests.newKeyPair();
        KeyPair other = CertificateRequests.newKeyPair();
        // Signed by another key than the one it carries: proof of possession fails.
        PKCS10CertificationRequest forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=n1"),
                subject.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate()));
        assertThatThrownBy(() -> ca.issue(pem(forged), SpiffeId.node("n1"), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the CSR's signature does not verify");

        // A valid CSR with one flipped signature byte.
        PKCS10CertificationRequest good = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=n1"),
                subject.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(subject.getPrivate()));
        byte[] der = good.getEncoded();
        der[der.length - 5] ^= 0x01;
        String tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        assertThatThrownBy(() -> ca.issue(tampered, SpiffeId.node("n1"), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ca.issue(pem(good), SpiffeId.node("n1"), Duration.ofHours(1))).hasSize(2);
    }

    @Test
    void onlyEcP256KeysAreCertified() throws Exception {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        PKCS10CertificationRequest rsaCsr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=n1"),
                rsaKeys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(rsaKeys.getPrivate()));
        assertThatThrownBy(() -> ca.issue(pem(rsaCsr), SpiffeId.node("n1"), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the CSR's key is not an EC P-256 key");

        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384Keys = p384.generateKeyPair();
        PKCS10CertificationRequest p384Csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=n1"),
                p384Keys.getPublic()).build(new JcaContentSignerBuilder("SHA384withECDSA")
                .build(p384Keys.getPrivate()));
        assertThatThrownBy(() -> ca.issue(pem(p384Csr), SpiffeId.node("n1"), Duration.ofHours(1)))
                .hasMessage("the CSR's key is not an EC P-256 key");
    }

    @Test
    void somethingElseThanACsrIsRefused() {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        assertThatThrownBy(() -> ca.issue("not pem", SpiffeId.node("n1"), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.issue(ClusterPem.certificates(List.of(ca.certificate())), SpiffeId.node("n1"),
                Duration.ofHours(1))).hasMessage("the CSR is not one PEM PKCS#10 certificate request");
        assertThatThrownBy(() -> ca.issue("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE "
                + "REQUEST-----\n", SpiffeId.node("n1"), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        String csr = CertificateRequests.csr(CertificateRequests.newKeyPair(), SpiffeId.node("n1"));
        assertThatThrownBy(() -> ca.issue(csr, SpiffeId.node("n1"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLeafNeverOutlivesTheCa() {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        String csr = CertificateRequests.csr(CertificateRequests.newKeyPair(), SpiffeId.node("n1"));
        X509Certificate leaf = ca.issue(csr, SpiffeId.node("n1"), Duration.ofDays(5000)).get(0);
        assertThat(leaf.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    }

    @Test
    void ephemeralCasAreDistinct() {
        assertThat(ClusterCa.ephemeral(clock).fingerprint()).isNotEqualTo(ClusterCa.ephemeral(clock).fingerprint());
    }

    @Test
    void credentialsNeverShowThePrivateKey() {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        ClusterCredentials creds = ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        String pkcs8 = Base64.getEncoder().encodeToString(creds.privateKey().getEncoded());
        String s = ((java.security.interfaces.ECPrivateKey) creds.privateKey()).getS().toString(16);
        for (String text : List.of(creds.toString(), new CredentialHolder(creds).toString(), ca.toString())) {
            assertThat(text).doesNotContain(pkcs8).doesNotContain(pkcs8.substring(0, 40)).doesNotContain(s)
                    .doesNotContain("PRIVATE");
        }
        assertThat(creds.toString()).contains("CN=gw");
    }

    @Test
    void pemRoundTrips() {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        ClusterCredentials creds = ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1));
        assertThat(ClusterPem.readCertificates(ClusterPem.certificates(creds.chain()))).isEqualTo(creds.chain());
        assertThat(ClusterPem.readPrivateKey(ClusterPem.privateKey(creds.privateKey())))
                .isEqualTo(creds.privateKey());
        assertThatThrownBy(() -> ClusterPem.readCertificates("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterPem.readCertificates(ClusterPem.privateKey(creds.privateKey())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the PEM text holds something other than certificates");
        assertThatThrownBy(() -> ClusterPem.readPrivateKey(ClusterPem.certificates(creds.chain())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCsrCarriesTheRequestedIdentity() throws Exception {
        KeyPair keys = CertificateRequests.newKeyPair();
        String csr = CertificateRequests.csr(keys, SpiffeId.node("n7"));
        PKCS10CertificationRequest request = (PKCS10CertificationRequest) ClusterPem.objects(csr).get(0);
        assertThat(request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)).hasSize(1);
        assertThat(request.getSubject().toString()).contains("CN=n7");
        assertThat(request.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(keys.getPublic()))).isTrue();
    }

    static String pem(PKCS10CertificationRequest request) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(request);
        }
        return text.toString();
    }

    /** A leaf signed by {@code ca} with exactly these SANs (what the CA itself never issues). */
    static X509Certificate leafWithSans(ClusterCa ca, GeneralName... sans) {
        KeyPair keys = CertificateRequests.newKeyPair();
        return ca.certificate(keys.getPublic(), new X500Name("CN=odd"), sans.length == 0 ? null
                : new GeneralNames(sans), T0.minus(Duration.ofMinutes(1)), T0.plus(Duration.ofHours(1)));
    }
}
