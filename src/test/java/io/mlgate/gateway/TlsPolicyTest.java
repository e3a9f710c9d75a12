package io.mlgate.gateway;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway's TLS policy as a client sees it: versions, cipher suites, ALPN, certificate. */
class TlsPolicyTest extends RunningGateway {

    private SSLSocket handshake(String protocol, String[] suites, String[] alpn) throws Exception {
        SSLSocket socket = (SSLSocket) clientContext("TLS").getSocketFactory().createSocket("localhost", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        if (suites != null) {
            parameters.setCipherSuites(suites);
        }
        if (alpn != null) {
            parameters.setApplicationProtocols(alpn);
        }
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5000);
        socket.startHandshake();
        return socket;
    }

    @Test
    void tls13IsNegotiatedWithAnAeadSuiteAndTheDevCertificateVerifies() throws Exception {
        try (SSLSocket socket = handshake("TLSv1.3", null, null)) {
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(TlsConfiguration.AEAD_CIPHER_SUITES).contains(socket.getSession().getCipherSuite());
        }
    }

    @Test
    void tls12WithAnAeadSuiteIsAccepted() throws Exception {
        try (SSLSocket socket = handshake("TLSv1.2", new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"}, null)) {
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        }
    }

    @Test
    void tls12WithOnlyCbcSuitesIsRefused() {
        assertThatThrownBy(() -> handshake("TLSv1.2", new String[] {
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}, null).close())
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void alpnPicksHttp2AndFallsBackToHttp11() throws Exception {
        try (SSLSocket socket = handshake("TLSv1.3", null, new String[] {"h2", "http/1.1"})) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
        }
        try (SSLSocket socket = handshake("TLSv1.3", null, new String[] {"http/1.1"})) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            socket.getOutputStream().write(("GET /nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 404").containsIgnoringCase("x-amzn-RequestId:")
                    .containsIgnoringCase("date:").contains("UnknownOperationException");
        }
    }

    /** TLS 1.1 and 1.0 are refused by the server (openssl as the client, since the JDK client won't offer them). */
    @Test
    void tls11And10AreRefused() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        assertThat(openssl("-tls1_2")).as("control: TLS 1.2 must work with the same client")
                .contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES");
        assertThat(openssl("-tls1_1")).contains("alert protocol version").contains("Cipher is (NONE)");
        assertThat(openssl("-tls1")).contains("alert protocol version").contains("Cipher is (NONE)");
    }

    private String openssl(String versionFlag) throws Exception {
        Process process = new ProcessBuilder("/usr/bin/openssl", "s_client", "-connect", "127.0.0.1:" + port,
                versionFlag, "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", home.resolve("keys/dev-ca.pem").toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(20, TimeUnit.SECONDS);
        return output;
    }
}
