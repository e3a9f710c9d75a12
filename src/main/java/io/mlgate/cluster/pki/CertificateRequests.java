package io.mlgate.cluster.pki;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Objects;

/** Key pairs and PKCS#10 requests for cluster identities (EC P-256). */
public final class CertificateRequests {

    static final SecureRandom RANDOM = new SecureRandom();
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private CertificateRequests() {
    }

    /** A fresh ECDSA P-256 (secp256r1) key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
        }
    }

    /** A PEM PKCS#10 request signed by {@code keys}, asking for {@code id} as SAN URI. */
    public static String csr(KeyPair keys, SpiffeId id) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(id, "id");
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.uri())));
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(subject(id), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keys.getPrivate()));
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                writer.writeObject(request);
            }
            return text.toString();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The informational subject of an identity's certificate: {@code CN=NAME, OU=KIND, O=mlgate}. */
    static X500Name subject(SpiffeId id) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "mlgate")
                .addRDN(BCStyle.OU, id.kind().segment())
                .addRDN(BCStyle.CN, id.name())
                .build();
    }
}
