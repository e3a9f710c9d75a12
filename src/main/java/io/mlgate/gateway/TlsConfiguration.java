package io.mlgate.gateway;

import io.mlgate.pki.DevCertificateAuthority;
import io.mlgate.pki.TlsMaterial;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;

/**
 * HTTPS for the gateway: TLS 1.3 and 1.2 only, AEAD cipher suites only, HTTP/2 and HTTP/1.1 negotiated with ALPN.
 * The certificate comes from keys/ (the operator's own PEM pair, or one issued by the development CA).
 */
@Configuration(proxyBeanMethods = false)
public class TlsConfiguration {

    /** TLS 1.3 suites (all AEAD) and the TLS 1.2 ECDHE suites with AEAD ciphers. No CBC, no RSA key exchange. */
    public static final List<String> AEAD_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    @Bean
    TlsMaterial tlsMaterial(GatewayProperties properties, Clock clock, NetworkSources sources)
            throws IOException, GeneralSecurityException {
        // in a simulated VPC, clients reach the gateway at its host, public and VPC endpoint addresses too
        java.util.List<String> names = new java.util.ArrayList<>(List.of(properties.host()));
        names.addAll(sources.gatewayAddresses());
        return new DevCertificateAuthority(properties.keysDir(), clock).ensureServerMaterial(names);
    }

    @Bean
    NettyServerCustomizer tlsServerCustomizer(TlsMaterial material) {
        return server -> server
                .secure(spec -> spec.sslContext(
                        Http2SslContextSpec.forServer(material.certificateChain().toFile(), material.privateKey().toFile())
                                .configure(builder -> builder
                                        .sslProvider(SslProvider.JDK)
                                        .protocols(PROTOCOLS)
                                        .ciphers(AEAD_CIPHER_SUITES))))
                .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                // small responses must not wait for Nagle's algorithm
                .childOption(ChannelOption.TCP_NODELAY, true);
    }
}
