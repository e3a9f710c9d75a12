package io.mlgate.gateway;

import io.mlgate.pki.TlsMaterial;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Prints where the gateway listens and, for the demo, the AWS CLI command to paste. */
@Component
class StartupBanner implements ApplicationListener<ApplicationReadyEvent> {

    private final DemoSetup demo;
    private final GatewayProperties properties;
    private final TlsMaterial tls;

    StartupBanner(DemoSetup demo, GatewayProperties properties, TlsMaterial tls) {
        this.demo = demo;
        this.properties = properties;
        this.tls = tls;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        int port = env.getProperty("local.server.port", Integer.class, -1);
        StringBuilder out = new StringBuilder(1024)
                .append("\nmlgate is serving HTTPS on ").append(properties.host()).append(':').append(port)
                .append(" (TLS 1.3/1.2, HTTP/2 and HTTP/1.1)\n")
                .append("  CA certificate: ").append(tls.caCertificate()).append(tls.generated() ? " (development CA)\n" : "\n")
                .append("  policies: ").append(properties.policiesDir()).append('\n')
                .append("  audit log: ").append(properties.auditDir()).append('\n');
        if (env.getProperty("mlgate.console.enabled", Boolean.class, true)) {
            out.append("  web console: https://").append("127.0.0.1".equals(properties.host()) ? "localhost"
                    : properties.host()).append(':').append(port).append("/console/")
                    .append(demo.enabled() ? " (sign in with a key pair from keys/demo-credentials)\n" : "\n");
        }
        if (demo.enabled()) {
            out.append("\nDemo: invoke the iris endpoint as demo-analyst with the AWS CLI v2:\n\n  ")
                    .append(demo.cliCommand(port, "demo-analyst"))
                    .append("\n\n  (--profile demo-guest is denied; demo-admin may do everything.)\n");
        }
        System.out.println(out);
    }
}
