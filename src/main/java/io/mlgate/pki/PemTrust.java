package io.mlgate.pki;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** Trust managers that trust exactly the CA certificates of a PEM file (e.g. keys/dev-ca.pem), for HTTPS clients. */
public final class PemTrust {

    private PemTrust() {
    }

    /**
     * @throws IOException              if the file cannot be read
     * @throws GeneralSecurityException if it holds no X.509 certificate
     */
    public static TrustManager[] trustManagers(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(caPem)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
        }
        if (i == 0) {
            throw new GeneralSecurityException("no certificate in " + caPem);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }
}
