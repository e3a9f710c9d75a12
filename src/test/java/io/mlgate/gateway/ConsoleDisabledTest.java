package io.mlgate.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mlgate.console.enabled=false}: {@code /console} is an unknown route like any other. */
class ConsoleDisabledTest {

    @TempDir
    Path home;

    @Test
    void aDisabledConsoleIsNotServed() throws Exception {
        Path policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies,
                        "--mlgate.policies-reload-interval=0", "--mlgate.management.port=0",
                        "--mlgate.console.assets=console-fixture",
                        "--mlgate.console.enabled=false")) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem"))).build();
            for (String path : new String[]{"/console", "/console/", "/console/assets/app-abc123.js",
                    "/console/config.json"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(404);
                assertThat(r.body()).doesNotContain("test fixture");
                assertThat(r.headers().firstValue("Content-Security-Policy")).isEmpty();
            }
        }
    }
}
