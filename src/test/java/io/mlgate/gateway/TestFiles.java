package io.mlgate.gateway;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.stream.Stream;

/** File and TLS helpers shared by the tests that start the gateway. */
public final class TestFiles {

    private TestFiles() {}

    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    /** Trust managers that trust exactly the CA certificate in {@code caPem}. */
    public static TrustManagerFactory trusting(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            store.setCertificateEntry("mlgate-dev-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    static SSLContext sslContextTrusting(Path caPem) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trusting(caPem).getTrustManagers(), null);
        return context;
    }

    /** The lines of every audit event file under {@code dir}, in file order. */
    static java.util.List<String> auditLines(Path dir) throws IOException {
        // closed (.jsonl.gz) and open (.jsonl) log files, in sequence order
        return io.mlgate.audit.AuditLogReader.of(dir).read().records();
    }
}
