package io.mlgate.cluster.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** PEM text of certificate chains and private keys for the cluster protocol and nodes' credential files. */
public final class ClusterPem {

    private ClusterPem() {
    }

    public static String certificates(List<X509Certificate> chain) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** @throws IllegalArgumentException if the text holds no certificate or anything malformed */
    public static List<X509Certificate> readCertificates(String pem) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    public static String privateKey(PrivateKey key) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    public static PrivateKey readPrivateKey(String pem) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }
}
