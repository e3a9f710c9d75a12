package io.mlgate.gateway;

import io.mlgate.audit.AuditLogReader;
import io.mlgate.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6 acceptance, crash: a gateway in its own JVM, strict audit mode, is killed with SIGKILL while a load
 * generator (the AWS SDK, 8 threads) is invoking an endpoint. After a restart every request the clients saw
 * acknowledged has its audit event, and the trail validates (gap markers allowed, holes not).
 */
class AuditCrashTest {

    private Process gateway;
    private Path home;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        RunningGateway.deleteTree(home);
    }

    @Test
    void everyAcknowledgedRequestIsAuditedAfterSigkill() throws Exception {
        home = Files.createTempDirectory("mlgate-crash");
        TestFiles.copyTree(Path.of("policies"), home.resolve("policies"));
        int port = freePort();

        gateway = start(port, "first");
        Map<String, String[]> profiles = DemoCredentialsFile.read(home.resolve("keys/demo-credentials"));
        String[] admin = profiles.get("demo-admin");

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(8);
        List<SageMakerRuntimeClient> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SageMakerRuntimeClient client = client(port, admin);
            clients.add(client);
            load.submit(() -> {
                while (running.get()) {
                    try {
                        var response = client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                                .body(SdkBytes.fromUtf8String("5.9,3.0,5.1,1.8")));
                        acknowledged.add(response.responseMetadata().requestId());
                    } catch (RuntimeException e) {
                        if (!running.get()) {
                            return;
                        }
                    }
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (acknowledged.size() < 300 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // kill -9 while requests are in flight
        gateway.destroyForcibly();
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        clients.forEach(SageMakerRuntimeClient::close);
        Set<String> seen = new HashSet<>(acknowledged);
        assertThat(seen).hasSizeGreaterThanOrEqualTo(300);

        // restart: recovery cuts a torn tail (if any) and records it
        gateway = start(port, "second");
        Set<String> audited = new HashSet<>();
        for (JsonNode event : AuditLogReader.of(home.resolve("audit")).readTrees()) {
            audited.add(event.path("requestID").asString());
        }
        assertThat(seen).allSatisfy(id -> assertThat(audited).as("audit event of acknowledged request")
                .contains(id));

        // a graceful stop closes the segment; then the trail is digested and must validate
        gateway.destroy();
        assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
        gateway = null;
        AuditTrailCheck.digestAndValidate(home);
    }

    private Process start(int port, String name) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // an argfile: ONNX Runtime 1.29 crashes (exit 139) when the java command line is longer than ~3.9 KB
        Path args = home.resolve("java.args");
        Files.writeString(args, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        command.add("@" + args);
        command.add(Main.class.getName());
        command.addAll(List.of("serve", "--home", home.toString(), "--port", Integer.toString(port),
                "--audit-sync", "strict"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("gateway-" + name + ".log").toFile()).start();
        waitUntilServing(p, port, name);
        return p;
    }

    private void waitUntilServing(Process p, int port, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("gateway exited (" + p.exitValue() + "): " + Files.readString(home.resolve("gateway-" + name
                        + ".log")));
            }
            if (Files.exists(home.resolve("keys/dev-ca.pem"))) {
                try {
                    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
                    ssl.init(null, TestFiles.trusting(home.resolve("keys/dev-ca.pem")).getTrustManagers(), null);
                    HttpClient http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2))
                            .build();
                    http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/ping")).GET()
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                    return;
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("gateway did not start within 120 s");
    }

    private SageMakerRuntimeClient client(int port, String[] key) throws Exception {
        return SageMakerRuntimeClient.builder()
                .endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key[0], key[1])))
                .httpClient(ApacheHttpClient.builder()
                        .tlsTrustManagersProvider(TestFiles.trusting(home.resolve("keys/dev-ca.pem"))::getTrustManagers)
                        .build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1))
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
