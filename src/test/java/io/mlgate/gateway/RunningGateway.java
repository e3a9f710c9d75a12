package io.mlgate.gateway;

import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Base of the tests that need the gateway running: the whole app on a random HTTPS port with a fresh home folder
 * (keys, audit, data generated as on a first start) and a copy of the repository's demo policies/. Subclasses share one
 * application context.
 */
@SpringBootTest(classes = {GatewayApplication.class, FaultInjectingDetector.class}, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class RunningGateway {

    static Path home;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        if (home == null) {
            home = Files.createTempDirectory("mlgate-it");
            // a copy: the IAM API writes the policies folder, and tests must never change the repository's
            TestFiles.copyTree(Path.of("policies"), home.resolve("policies"));
        }
        registry.add("mlgate.home", () -> home.toString());
        registry.add("mlgate.policies-dir", () -> home.resolve("policies").toString());
    }

    @AfterAll
    static void keepHomeForOtherClasses() {
        // the context (and its home) is shared by every subclass and closed by Spring at JVM exit
    }

    @LocalServerPort
    int port;

    static TrustManagerFactory trustDevCa() throws Exception {
        return TestFiles.trusting(home.resolve("keys/dev-ca.pem"));
    }

    static SSLContext clientContext(String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, trustDevCa().getTrustManagers(), null);
        return context;
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    /** Every audit event written so far, as the raw text of the event files. */
    static String allAuditText() throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : TestFiles.auditLines(home.resolve("audit"))) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Every audit event written so far, parsed. */
    static java.util.List<tools.jackson.databind.JsonNode> auditEvents() throws IOException {
        tools.jackson.databind.ObjectMapper mapper = new tools.jackson.databind.ObjectMapper();
        java.util.List<tools.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
        for (String line : allAuditText().split("\n")) {
            if (!line.isBlank()) {
                events.add(mapper.readTree(line));
            }
        }
        return events;
    }

    /** The audit event of a request id. */
    static tools.jackson.databind.JsonNode auditEvent(String requestId) throws IOException {
        return auditEvents().stream().filter(e -> requestId.equals(e.path("requestID").asString())).findFirst()
                .orElseThrow(() -> new AssertionError("no audit event for request " + requestId));
    }
}
