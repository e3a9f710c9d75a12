package io.mlgate.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The gateway process: WebFlux on Reactor Netty with TLS, the SigV4 authentication filter, IAM authorization, the
 * invocation handlers and the audit log. The domain cores (iam, kms, runtime, audit, auth.sigv4) are plain Java and
 * are wired as beans in {@link CoreConfiguration}.
 */
@SpringBootApplication
@EnableConfigurationProperties({GatewayProperties.class, HostingProperties.class, CaptureProperties.class,
        PiiProperties.class, OpaProperties.class})
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
