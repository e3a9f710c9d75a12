package io.mlgate.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DevCertificateAuthorityTest {

    @TempDir
    Path keys;

    private final Clock now = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void firstUseCreatesACaAndAServerCertificateThatChainsAndCoversTheHost() throws Exception {
        TlsMaterial material = new DevCertificateAuthority(keys, now).ensureServerMaterial(List.of("gw.example.test"));
        assertThat(material.generated()).isTrue();
        List<X509Certificate> chain = PemFiles.readCertificates(material.certificateChain());
        X509Certificate ca = PemFiles.readCertificates(material.caCertificate()).get(0);
        assertThat(chain).hasSize(2);
        chain.get(0).verify(ca.getPublicKey());
        assertThat(chain.get(0).getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(chain.get(0).getSubjectAlternativeNames().stream().map(san -> san.get(1).toString()).toList())
                .contains("localhost", "127.0.0.1", "gw.example.test");
        assertThat(chain.get(0).getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(chain.get(0).getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(chain.get(0).getBasicConstraints()).isEqualTo(-1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(material.privateKey())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("dev-ca-key.pem"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aSecondStartReusesTheSameFiles() throws Exception {
        new DevCertificateAuthority(keys, now).ensureServerMaterial(List.of("127.0.0.1"));
        byte[] cert = Files.readAllBytes(keys.resolve("server.pem"));
        byte[] ca = Files.readAllBytes(keys.resolve("dev-ca.pem"));
        new DevCertificateAuthority(keys, now).ensureServerMaterial(List.of("127.0.0.1"));
        assertThat(Files.readAllBytes(keys.resolve("server.pem"))).isEqualTo(cert);
        assertThat(Files.readAllBytes(keys.resolve("dev-ca.pem"))).isEqualTo(ca);
    }

    @Test
    void aCertificateNearExpiryOrMissingTheHostIsReissuedByTheSameCa() throws Exception {
        new DevCertificateAuthority(keys, now).ensureServerMaterial(List.of("127.0.0.1"));
        byte[] ca = Files.readAllBytes(keys.resolve("dev-ca.pem"));
        byte[] cert = Files.readAllBytes(keys.resolve("server.pem"));

        new DevCertificateAuthority(keys, now).ensureServerMaterial(List.of("other.example.test"));
        byte[] forNewHost = Files.readAllBytes(keys.resolve("server.pem"));
        assertThat(forNewHost).isNotEqualTo(cert);

        Clock later = Clock.offset(now, Duration.ofDays(380));
        new DevCertificateAuthority(keys, later).ensureServerMaterial(List.of("other.example.test"));
        assertThat(Files.readAllBytes(keys.resolve("server.pem"))).isNotEqualTo(forNewHost);
        assertThat(Files.readAllBytes(keys.resolve("dev-ca.pem"))).isEqualTo(ca);
    }

    @Test
    void anOperatorsOwnCertificateIsUsedAndNeverReplaced() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=operator");
        X509Certificate own = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.TEN, Date.from(now.instant()), Date.from(now.instant().plus(Duration.ofDays(10))),
                name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        PemFiles.writeCertificates(keys.resolve("server.pem"), List.of(own));
        PemFiles.writePrivateKey(keys.resolve("server-key.pem"), pair.getPrivate());
        byte[] before = Files.readAllBytes(keys.resolve("server.pem"));

        TlsMaterial material = new DevCertificateAuthority(keys, Clock.offset(now, Duration.ofDays(9)))
                .ensureServerMaterial(List.of("not-in-the-cert.example.test"));
        assertThat(material.generated()).isFalse();
        assertThat(Files.readAllBytes(keys.resolve("server.pem"))).isEqualTo(before);
    }
}
