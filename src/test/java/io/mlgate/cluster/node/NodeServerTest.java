package io.mlgate.cluster.node;

import io.mlgate.cluster.wire.ClusterError;
import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.HealthResponse;
import io.mlgate.cluster.wire.PlacedContainer;
import io.mlgate.cluster.wire.PlacementRequest;
import io.mlgate.cluster.wire.PlacementStatus;
import io.mlgate.runtime.ClassificationResult;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.Endpoint;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.InferenceService;
import io.mlgate.runtime.InputKind;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.runtime.VariantModel;
import io.mlgate.runtime.VariantWorkers;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's data port over h2c, with placements decrypted through a test control port backed by a real KMS. */
class NodeServerTest {

    static final String ROWS = "5.1,3.5,1.4,0.2\n7.0,3.2,4.7,1.4\n6.3,3.3,6.0,2.5\n5.9,3.0,5.1,1.8\n";

    @TempDir
    Path dir;

    ClusterKms kms;
    ControlStub control;
    ControlClient controlClient;
    NodeServer node;
    HttpClient client;

    @BeforeEach
    void setUp() throws Exception {
        kms = new ClusterKms(dir);
        control = new ControlStub(kms, "n1");
        controlClient = ControlClient.plaintextForTests(control.address(), Duration.ofSeconds(10));
        node = new NodeServer(new NodeServer.Identity("n1", "zone-a", "boot-1"),
                new Placements(role -> new GatewayDataKeys(controlClient, role)));
        int port = node.bindPlaintext(new HostPort("127.0.0.1", 0)).port();
        client = HttpClient.create().protocol(HttpProtocol.H2C).baseUrl("http://127.0.0.1:" + port);
    }

    @AfterEach
    void tearDown() {
        node.placements().close();
        node.close();
        controlClient.close();
        control.close();
    }

    record Answer(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        ClusterError error() {
            return ClusterJson.read(body, ClusterError.class);
        }
    }

    static Answer call(HttpClient client, String method, String path, byte[] body, Map<String, String> headers) {
        return client.headers(h -> headers.forEach(h::set))
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(method)).uri(path)
                .send(body == null ? Mono.empty() : Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(body)))
                .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0]).map(bytes -> {
                    Map<String, String> h = new java.util.HashMap<>();
                    res.responseHeaders().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
                    return new Answer(res.status().code(), h, bytes);
                }))
                .block(Duration.ofSeconds(60));
    }

    Answer call(String method, String path, byte[] body, Map<String, String> headers) {
        return call(client, method, path, body, headers);
    }

    static PlacementRequest placement(String role, int instances, int queue, String artifactBase64) {
        return new PlacementRequest("e1", "AllTraffic", role, instances, queue,
                List.of(new PlacedContainer(ClusterKms.MODEL, null, artifactBase64)));
    }

    Answer place(String key, PlacementRequest request) {
        return call("PUT", "/v1/placements/" + key, ClusterJson.write(request), Map.of());
    }

    Answer invoke(String key, String rows) {
        return call("POST", "/v1/placements/" + key + "/invocations", rows.getBytes(StandardCharsets.UTF_8),
                Map.of("content-type", "text/csv", "accept", "application/json"));
    }

    static byte[] inProcess(String rows) throws Exception {
        EndpointRegistry registry = new EndpointRegistry(ClusterKms.ACCOUNT);
        registry.register(DemoEndpoints.iris(DemoEndpoints.classpathArtifacts(), ClusterKms.ACCOUNT));
        try {
            InvocationResult r = new InferenceService(registry).invoke("iris",
                    rows.getBytes(StandardCharsets.UTF_8), "text/csv", "application/json");
            return r.body();
        } finally {
            registry.remove("iris").ifPresent(Endpoint::close);
        }
    }

    @Test
    void aPlacedModelAnswersLikeTheInProcessService() throws Exception {
        kms.grant(ClusterKms.ROLE, "n1");
        Answer placed = place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 2, 8, kms.irisBase64()));
        assertThat(placed.status()).as(placed.text()).isEqualTo(200);
        assertThat(ClusterJson.read(placed.body(), PlacementStatus.class))
                .isEqualTo(new PlacementStatus("e1.AllTraffic.1", "READY", 2, 0));
        assertThat(control.decrypts.get()).as("one decrypt per container, not per instance").isEqualTo(1);

        Answer answer = invoke("e1.AllTraffic.1", ROWS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.headers().get("content-type")).isEqualTo("application/json");
        assertThat(Long.parseLong(answer.headers().get(NodeServer.LATENCY_HEADER))).isPositive();
        assertThat(answer.text()).isEqualTo(new String(inProcess(ROWS), StandardCharsets.UTF_8));

        HealthResponse health = ClusterJson.read(call("GET", "/v1/health", null, Map.of()).body(),
                HealthResponse.class);
        assertThat(health).isEqualTo(new HealthResponse("n1", "zone-a", "boot-1",
                List.of(new PlacementStatus("e1.AllTraffic.1", "READY", 2, 0))));

        Answer again = place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 2, 8, kms.irisBase64()));
        assertThat(again.status()).as("placing the same key again is idempotent").isEqualTo(200);
        assertThat(control.decrypts.get()).isEqualTo(1);
    }

    @Test
    void placingAgainWithAnotherInstanceCountResizes() throws Exception {
        String grant = kms.grant(ClusterKms.ROLE, "n1");
        assertThat(place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())).status())
                .isEqualTo(200);

        Answer grown = place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 3, 8, kms.irisBase64()));
        assertThat(grown.status()).as(grown.text()).isEqualTo(200);
        assertThat(ClusterJson.read(grown.body(), PlacementStatus.class).instances()).isEqualTo(3);
        assertThat(control.decrypts.get()).as("new instances open the artifact again under the grant").isEqualTo(2);
        assertThat(invoke("e1.AllTraffic.1", ROWS).status()).isEqualTo(200);

        Answer shrunk = place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64()));
        assertThat(ClusterJson.read(shrunk.body(), PlacementStatus.class).instances()).isEqualTo(1);
        assertThat(invoke("e1.AllTraffic.1", ROWS).status()).isEqualTo(200);

        kms.revoke(grant);
        Answer refused = place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 2, 8, kms.irisBase64()));
        assertThat(refused.status()).as("growing needs the grant too").isEqualTo(422);
        assertThat(invoke("e1.AllTraffic.1", ROWS).status()).as("the instance it has keeps serving").isEqualTo(200);
    }

    @Test
    void badBodiesAndUnknownPlacementsGetClusterErrors() throws Exception {
        kms.grant(ClusterKms.ROLE, "n1");
        assertThat(place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())).status())
                .isEqualTo(200);

        Answer bad = invoke("e1.AllTraffic.1", "5.1,3.5,abc,0.2\n");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error().error()).isEqualTo("InvalidInput");

        Answer wrongWidth = invoke("e1.AllTraffic.1", "5.1,3.5\n");
        assertThat(wrongWidth.status()).isEqualTo(400);

        Answer missing = invoke("e1.AllTraffic.2", ROWS);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error().error()).isEqualTo("PlacementNotFound");

        Answer malformed = call("PUT", "/v1/placements/x.y.1", "{\"endpoint\":".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text()).doesNotContain("Exception").doesNotContain("at io.");

        Answer unknownMember = call("PUT", "/v1/placements/x.y.1", "{\"endpoint\":\"e\",\"extra\":1}"
                .getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(unknownMember.status()).isEqualTo(400);

        Answer zeroInstances = place("x.y.1", placement(ClusterKms.ROLE, 0, 8, kms.irisBase64()));
        assertThat(zeroInstances.status()).isEqualTo(400);
        assertThat(zeroInstances.error().message()).contains("instances");

        assertThat(call("GET", "/v1/nothing", null, Map.of()).status()).isEqualTo(404);
        assertThat(call("POST", "/v1/health", null, Map.of()).status()).isEqualTo(405);
        assertThat(call("PUT", "/v1/placements/bad%20key", "{}".getBytes(StandardCharsets.UTF_8), Map.of())
                .status()).isEqualTo(404);
    }

    @Test
    void oversizedBodiesAreRefused() throws Exception {
        kms.grant(ClusterKms.ROLE, "n1");
        assertThat(place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())).status())
                .isEqualTo(200);
        byte[] big = new byte[NodeServer.MAX_INVOCATION_BYTES + 1];
        java.util.Arrays.fill(big, (byte) '1');
        Answer tooBig = call("POST", "/v1/placements/e1.AllTraffic.1/invocations", big,
                Map.of("content-type", "text/csv"));
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.error().error()).isEqualTo("BodyTooLarge");

        // a body that never ends, announced as too large: answered from Content-Length without reading it
        Answer declared = client.headers(h -> h.set("content-type", "text/csv")
                        .set("content-length", Long.toString(NodeServer.MAX_INVOCATION_BYTES + 1L)))
                .post().uri("/v1/placements/e1.AllTraffic.1/invocations")
                .send(reactor.core.publisher.Flux.concat(Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(
                        ROWS.getBytes(StandardCharsets.UTF_8))), reactor.core.publisher.Flux.never()))
                .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), Map.of(), bytes)))
                .block(Duration.ofSeconds(30));
        assertThat(declared.status()).as("refused from Content-Length alone").isEqualTo(413);

        byte[] atLimit = new byte[NodeServer.MAX_INVOCATION_BYTES];
        java.util.Arrays.fill(atLimit, (byte) '1');
        Answer limit = call("POST", "/v1/placements/e1.AllTraffic.1/invocations", atLimit,
                Map.of("content-type", "text/csv"));
        assertThat(limit.status()).as("a body at the limit is read (and refused by the model's decoder)")
                .isEqualTo(400);
        assertThat(limit.error().error()).isEqualTo("InvalidInput");
    }

    @Test
    void aDecryptRefusedByKmsFailsTheLoadWithTheReason() throws Exception {
        Answer refused = place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64()));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.error().error()).isEqualTo("LoadFailed");
        assertThat(refused.error().message()).contains("AccessDeniedException").contains(ClusterKms.ROLE);
        assertThat(invoke("e1.AllTraffic.1", ROWS).status()).isEqualTo(404);

        kms.grant("arn:aws:iam::" + ClusterKms.ACCOUNT + ":role/other", "n1");
        assertThat(place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())).status())
                .as("a grant for another role does not help").isEqualTo(422);
        kms.grant(ClusterKms.ROLE, "n2");
        assertThat(place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())).status())
                .as("a grant for another node's session does not help").isEqualTo(422);

        byte[] tampered = kms.irisArtifact.clone();
        tampered[tampered.length - 5] ^= 1;
        kms.grant(ClusterKms.ROLE, "n1");
        Answer modified = place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8,
                java.util.Base64.getEncoder().encodeToString(tampered)));
        assertThat(modified.status()).isEqualTo(422);
        assertThat(modified.error().message()).contains("not valid");

        Answer otherName = place("e1.AllTraffic.1", new PlacementRequest("e1", "AllTraffic", ClusterKms.ROLE, 1, 8,
                List.of(new PlacedContainer("not-iris", null, kms.irisBase64()))));
        assertThat(otherName.status()).as("an artifact placed under another model's name").isEqualTo(422);

        assertThat(place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())).status())
                .isEqualTo(200);
    }

    @Test
    void deleteRemovesAPlacement() throws Exception {
        kms.grant(ClusterKms.ROLE, "n1");
        assertThat(place("e1.AllTraffic.1", placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())).status())
                .isEqualTo(200);
        assertThat(invoke("e1.AllTraffic.1", ROWS).status()).isEqualTo(200);
        assertThat(call("DELETE", "/v1/placements/e1.AllTraffic.1", null, Map.of()).status()).isEqualTo(204);
        assertThat(invoke("e1.AllTraffic.1", ROWS).status()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/placements/e1.AllTraffic.1", null, Map.of()).status()).isEqualTo(404);
        assertThat(ClusterJson.read(call("GET", "/v1/health", null, Map.of()).body(), HealthResponse.class)
                .placements()).isEmpty();
    }

    /** A model whose every call waits for the test to release it. */
    static class Gate implements VariantModel {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean closed;

        @Override
        public InputKind inputKind() {
            return InputKind.FEATURES;
        }

        @Override
        public int featureCount() {
            return 4;
        }

        @Override
        public String generate(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ClassificationResult[] predict(float[][] rows) {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return DemoIris.MODEL.predict(rows);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The iris model for the gate to answer with. */
    static final class DemoIris {
        static final VariantModel MODEL;

        static {
            try {
                MODEL = DemoEndpoints.iris(DemoEndpoints.classpathArtifacts(), ClusterKms.ACCOUNT).variants().get(0)
                        .model();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aFullQueueIsBusyAndDrainingRefusesNewCalls() throws Exception {
        Gate gate = new Gate();
        node.placements().putLoadedForTests(new Placement("g.v.1", "g", "v", gate,
                new VariantWorkers("g/v", List.of(gate), 1)));
        CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> invoke("g.v.1", ROWS));
        assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Answer> queued = CompletableFuture.supplyAsync(() -> invoke("g.v.1", ROWS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (node.placements().find("g.v.1").orElseThrow().inFlight() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Answer busy = invoke("g.v.1", ROWS);
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.error().error()).isEqualTo("Busy");

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> node.drain(Duration.ofSeconds(30)));
        while (!node.isDraining()) {
            Thread.sleep(5);
        }
        Answer refused = invoke("g.v.1", ROWS);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.error().error()).isEqualTo("Draining");
        assertThat(drained).isNotDone();
        gate.release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(queued.get(30, TimeUnit.SECONDS).status()).as("in-flight calls finish").isEqualTo(200);
        assertThat(drained.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void deleteWaitsForTheCallsInFlight() throws Exception {
        Gate gate = new Gate();
        node.placements().putLoadedForTests(new Placement("g.v.1", "g", "v", gate,
                new VariantWorkers("g/v", List.of(gate), 4)));
        CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(() -> invoke("g.v.1", ROWS));
        assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Answer> deleted = CompletableFuture.supplyAsync(
                () -> call("DELETE", "/v1/placements/g.v.1", null, Map.of()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (node.placements().find("g.v.1").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(invoke("g.v.1", ROWS).status()).as("removed from routing at once").isEqualTo(404);
        assertThat(deleted).as("the DELETE waits for the call in flight").isNotDone();
        assertThat(gate.closed).isFalse();
        gate.release.countDown();
        assertThat(inFlight.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(deleted.get(30, TimeUnit.SECONDS).status()).isEqualTo(204);
        assertThat(gate.closed).as("the model is closed after its last call").isTrue();
    }

    @Test
    void aModelFailureIsAModelError() throws Exception {
        Gate failing = new Gate() {
            @Override
            public ClassificationResult[] predict(float[][] rows) {
                throw new io.mlgate.runtime.ModelInvocationException("the model failed: test");
            }
        };
        node.placements().putLoadedForTests(new Placement("f.v.1", "f", "v", failing,
                new VariantWorkers("f/v", List.of(failing), 4)));
        Answer failed = invoke("f.v.1", ROWS);
        assertThat(failed.status()).isEqualTo(424);
        assertThat(failed.error().error()).isEqualTo("ModelError");
    }
}
