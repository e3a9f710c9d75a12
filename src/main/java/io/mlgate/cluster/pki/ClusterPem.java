package io.mlgate.cluster.pki;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** PEM text of certificate chains and private keys for the cluster protocol and nodes' credential files. */
public final class ClusterPem {

    /** Upper bound on PEM text read from a peer (a chain of a few certificates is a few KiB). */
    static final int MAX_PEM_CHARS = 64 * 1024;

    private ClusterPem() {
    }

    public static String certificates(List<X509Certificate> chain) {
        Objects.requireNonNull(chain, "chain");
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** @throws IllegalArgumentException if the text holds no certificate or anything malformed */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object item : objects(pem)) {
            if (!(item instanceof X509CertificateHolder holder)) {
                throw new IllegalArgumentException("the PEM text holds something other than certificates");
            }
            try {
                out.add(converter.getCertificate(holder));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("the PEM text holds a malformed certificate");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the PEM text holds no certificate");
        }
        return List.copyOf(out);
    }

    public static String privateKey(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** @throws IllegalArgumentException if the text is not exactly one unencrypted private key */
    public static PrivateKey readPrivateKey(String pem) {
        List<Object> items = objects(pem);
        if (items.size() != 1) {
            throw new IllegalArgumentException("the PEM text does not hold exactly one private key");
        }
        Object item = items.get(0);
        PrivateKeyInfo info;
        if (item instanceof PrivateKeyInfo i) {
            info = i;
        } else if (item instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else {
            throw new IllegalArgumentException("the PEM text holds no unencrypted private key");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            throw new IllegalArgumentException("the PEM text holds a malformed private key");
        }
    }

    /** Every PEM object of {@code pem}; malformed text is an IllegalArgumentException without the text in it. */
    static List<Object> objects(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("no PEM text");
        }
        if (pem.length() > MAX_PEM_CHARS) {
            throw new IllegalArgumentException("the PEM text is longer than " + MAX_PEM_CHARS + " characters");
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object item;
            while ((item = parser.readObject()) != null) {
                out.add(item);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed PEM text");
        }
        return out;
    }
}
