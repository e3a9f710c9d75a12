package io.mlgate.iam.guardrail;

import io.mlgate.sts.MutableClock;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The external OPA guardrail against a local server speaking the Data API's shape. */
class RestGuardrailTest {

    private static final String PATH = "/v1/data/mlgate/guardrail";
    private static final String ALLOW = "{\"result\":{\"allow\":true}}";
    private static final String ALLOW_CACHEABLE = "{\"result\":{\"allow\":true,\"cacheable\":true}}";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What the test server answers to one exchange. */
    private interface Responder {
        void respond(HttpExchange exchange) throws IOException;
    }

    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicInteger hits = new AtomicInteger();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final List<HttpExchange> exchanges = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<RestGuardrail> guardrails = new ArrayList<>();
    private volatile Responder responder = answer(200, ALLOW);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext(PATH, exchange -> {
            try {
                hits.incrementAndGet();
                bodies.add(exchange.getRequestBody().readAllBytes());
                exchanges.add(exchange);
                responder.respond(exchange);
            } catch (IOException e) {
                // the client went away (timeouts, oversized answers): nothing to do
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        guardrails.forEach(RestGuardrail::close);
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    private RestGuardrail guardrail(int cacheSize) {
        return track(new RestGuardrail(url(), TIMEOUT, cacheSize, Duration.ofSeconds(60), clock));
    }

    private RestGuardrail track(RestGuardrail g) {
        guardrails.add(g);
        return g;
    }

    private static GuardrailInput input(int n) {
        return GuardrailInput.ofJson("{\"action\":\"sagemaker:InvokeEndpoint\",\"n\":" + n + "}");
    }

    private static GuardrailDecision decide(Guardrail g, GuardrailInput input) throws Exception {
        CompletableFuture<GuardrailDecision> f = g.evaluate(input);
        GuardrailDecision d = f.get(10, TimeUnit.SECONDS);
        assertThat(f).isCompleted().isNotCompletedExceptionally();
        return d;
    }

    private static Responder answer(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        };
    }

    /** Answers without a Content-Length (chunked). */
    private static Responder chunked(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < bytes.length; i += 100) {
                    out.write(bytes, i, Math.min(100, bytes.length - i));
                    out.flush();
                }
            }
        };
    }

    /** A valid allowing answer padded with spaces to exactly {@code size} bytes. */
    private static String padded(int size) {
        return ALLOW + " ".repeat(size - ALLOW.length());
    }

    // --- the request ------------------------------------------------------------------------------------------------

    @Test
    void theInputReachesTheServerVerbatimInsideInput() throws Exception {
        String json = "{\"principal\":{\"arn\":\"arn:aws:iam::123456789012:user/zoë\"},"
                + "\"context\":{\"k\":[\"a\\\"b\\\\c\\u0001\"]},\"payload\":{\"bytes\":12}}";
        GuardrailDecision d = decide(guardrail(0), GuardrailInput.ofJson(json));

        assertThat(d.outcome()).isEqualTo(GuardrailDecision.Outcome.ALLOW);
        assertThat(new String(bodies.get(0), StandardCharsets.UTF_8)).isEqualTo("{\"input\":" + json + "}");
        HttpExchange exchange = exchanges.get(0);
        assertThat(exchange.getRequestMethod()).isEqualTo("POST");
        assertThat(exchange.getRequestURI().getPath()).isEqualTo(PATH);
        assertThat(exchange.getRequestHeaders().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(exchange.getRequestHeaders().getFirst("Authorization")).isNull();
        // and a different input gives a different body (the body is not a constant)
        decide(guardrail(0), input(7));
        assertThat(new String(bodies.get(1), StandardCharsets.UTF_8))
                .isEqualTo("{\"input\":" + input(7).json() + "}");
    }

    @Test
    void theNameLeavesOutUserInfoAndQueryWhichAreStillUsed() throws Exception {
        String user = "svc";
        String secret = "s3" + "cr" + "et";
        URI withCredentials = URI.create("http://" + user + ":" + secret + "@127.0.0.1:"
                + server.getAddress().getPort() + PATH + "?metrics=true");
        RestGuardrail g = track(new RestGuardrail(withCredentials, TIMEOUT, 0, Duration.ofSeconds(1), clock));

        assertThat(g.name()).isEqualTo("opa-rest:" + url());
        assertThat(g.name()).doesNotContain(secret).doesNotContain("metrics");
        assertThat(g.toString()).doesNotContain(secret);
        assertThat(decide(g, input(1)).allowed()).isTrue();
        HttpExchange exchange = exchanges.get(0);
        assertThat(exchange.getRequestURI().getQuery()).isEqualTo("metrics=true");
        assertThat(exchange.getRequestHeaders().getFirst("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void createNeedsTheUrlOfTheSettings() {
        assertThatThrownBy(() -> RestGuardrail.create(GuardrailSettings.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        RestGuardrail g = track(RestGuardrail.create(GuardrailSettings.defaults().withRestUrl(url())));
        assertThat(g.name()).isEqualTo("opa-rest:" + url());
        assertThatThrownBy(() -> new RestGuardrail(URI.create("http:/no-host"), TIMEOUT, 0, TIMEOUT, clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RestGuardrail(url(), Duration.ZERO, 0, TIMEOUT, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- decisions --------------------------------------------------------------------------------------------------

    @Test
    void allowAndDenyWithReasons() throws Exception {
        RestGuardrail g = guardrail(0);
        GuardrailDecision allow = decide(g, input(1));
        assertThat(allow.outcome()).isEqualTo(GuardrailDecision.Outcome.ALLOW);
        assertThat(allow.guardrail()).isEqualTo(g.name());

        responder = answer(200, "{\"decision_id\":\"4ca636c1\",\"result\":{\"allow\":false,"
                + "\"reasons\":[\"experimental endpoints are closed\",\"no PII\"]}}");
        GuardrailDecision deny = decide(g, input(1));
        assertThat(deny.outcome()).isEqualTo(GuardrailDecision.Outcome.DENY);
        assertThat(deny.reasons()).containsExactly("experimental endpoints are closed", "no PII");
        assertThat(deny.allowed()).isFalse();
    }

    @Test
    void bareBooleans() throws Exception {
        RestGuardrail g = guardrail(0);
        responder = answer(200, "{\"result\":true}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ALLOW);
        responder = answer(200, "{\"result\":false}");
        GuardrailDecision deny = decide(g, input(1));
        assertThat(deny.outcome()).isEqualTo(GuardrailDecision.Outcome.DENY);
        assertThat(deny.reasons()).containsExactly(OpaResults.NO_REASON);
    }

    @Test
    void anUndefinedResultIsAnError() throws Exception {
        RestGuardrail g = guardrail(0);
        responder = answer(200, "{}");
        GuardrailDecision undefined = decide(g, input(1));
        assertThat(undefined.outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(undefined.reasons().get(0)).contains("undefined");
        responder = answer(200, "{\"decision_id\":\"4ca636c1\"}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        // a defined result next to decision_id and metrics decides
        responder = answer(200, "{\"decision_id\":\"4ca636c1\",\"metrics\":{\"timer_server_handler_ns\":1},"
                + "\"result\":true}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ALLOW);
    }

    @Test
    void malformedAnswersAreErrors() throws Exception {
        RestGuardrail g = guardrail(0);
        responder = answer(200, "{\"result\": tru");
        assertThat(decide(g, input(1)).reasons()).containsExactly("the OPA server's answer is not JSON");
        responder = answer(200, "{\"result\":\"yes\"}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        responder = answer(200, "{\"result\":{\"allow\":\"true\"}}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        responder = answer(200, "[true]");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        responder = answer(200, "");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        responder = answer(200, "{\"result\":{\"allow\":true}}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ALLOW);
    }

    @Test
    void errorStatusesNameTheStatusAndOpaCodeButNotTheMessage() throws Exception {
        RestGuardrail g = guardrail(0);
        String message = "1 error occurred: policy.rego:7: eval_conflict_error: user alice@example.com";
        responder = answer(500, "{\"code\":\"internal_error\",\"message\":\"" + message + "\"}");
        GuardrailDecision d = decide(g, input(1));
        assertThat(d.outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(d.reasons()).containsExactly("the OPA server answered HTTP 500 (internal_error)");

        responder = answer(400, "{\"code\":\"invalid_parameter\",\"message\":\"error(s) occurred while parsing "
                + "input\",\"errors\":[{\"code\":\"rego_parse_error\",\"message\":\"x\"}]}");
        assertThat(decide(g, input(1)).reasons()).containsExactly("the OPA server answered HTTP 400 "
                + "(invalid_parameter)");

        // a code that does not look like one, or a body that is not JSON: the status alone
        responder = answer(502, "{\"code\":\"<html> " + message + "\"}");
        assertThat(decide(g, input(1)).reasons()).containsExactly("the OPA server answered HTTP 502");
        responder = answer(503, "<html>upstream down: " + message + "</html>");
        assertThat(decide(g, input(1)).reasons()).containsExactly("the OPA server answered HTTP 503");
        // a redirect is not followed
        responder = exchange -> {
            exchange.getResponseHeaders().set("Location", url().toString());
            exchange.sendResponseHeaders(307, -1);
        };
        assertThat(decide(g, input(1)).reasons()).containsExactly("the OPA server answered HTTP 307");
        assertThat(hits.get()).isEqualTo(5);
    }

    // --- transport failures -----------------------------------------------------------------------------------------

    @Test
    void aServerSlowerThanTheTimeoutIsAnError() throws Exception {
        RestGuardrail fast = track(new RestGuardrail(url(), Duration.ofMillis(300), 0, TIMEOUT, clock));
        responder = answer(200, ALLOW);
        assertThat(decide(guardrail(0), input(1)).allowed()).isTrue();

        responder = exchange -> {
            awaitRelease();
            answer(200, ALLOW).respond(exchange);
        };
        GuardrailDecision d = decide(fast, input(1));
        assertThat(d.outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(d.reasons().get(0)).contains("did not answer within 300 ms");
    }

    @Test
    void aBodyThatStallsAfterTheHeadersIsAnErrorToo() throws Exception {
        RestGuardrail fast = track(new RestGuardrail(url(), Duration.ofMillis(300), 0, TIMEOUT, clock));
        responder = exchange -> {
            exchange.sendResponseHeaders(200, 100);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"result\":".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitRelease();
        };
        GuardrailDecision d = decide(fast, input(1));
        assertThat(d.outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(d.reasons().get(0)).contains("did not answer within 300 ms");
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRefusedConnectionIsAnError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RestGuardrail g = track(new RestGuardrail(URI.create("http://127.0.0.1:" + closedPort + PATH), TIMEOUT, 0,
                TIMEOUT, clock));
        GuardrailDecision d = decide(g, input(1));
        assertThat(d.outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(d.reasons().get(0)).contains("could not be reached");
        assertThat(decide(guardrail(0), input(1)).allowed()).isTrue();
    }

    @Test
    void anOversizedAnswerIsAnError() throws Exception {
        RestGuardrail small = track(new RestGuardrail(url(), TIMEOUT, 0, TIMEOUT, clock, 1024,
                RestGuardrail.MAX_CACHED_INPUT_CHARS, RestGuardrail.MAX_CACHE_CHARS));
        responder = answer(200, padded(1024));
        assertThat(decide(small, input(1)).allowed()).isTrue();
        responder = chunked(padded(1024));
        assertThat(decide(small, input(1)).allowed()).isTrue();

        responder = answer(200, padded(1025));
        GuardrailDecision declared = decide(small, input(1));
        assertThat(declared.outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(declared.reasons()).containsExactly("the OPA server's answer exceeds 1024 bytes");
        responder = chunked(padded(1025));
        assertThat(decide(small, input(1)).reasons()).containsExactly("the OPA server's answer exceeds 1024 bytes");

        // the default cap
        responder = chunked(padded(RestGuardrail.MAX_RESPONSE_BYTES + 1));
        assertThat(decide(guardrail(0), input(1)).reasons())
                .containsExactly("the OPA server's answer exceeds " + RestGuardrail.MAX_RESPONSE_BYTES + " bytes");
        responder = answer(200, padded(RestGuardrail.MAX_RESPONSE_BYTES));
        assertThat(decide(guardrail(0), input(1)).allowed()).isTrue();
    }

    // --- the decision cache -----------------------------------------------------------------------------------------

    @Test
    void aCacheableDecisionIsServedFromTheCacheUntilItsTtl() throws Exception {
        RestGuardrail g = guardrail(10);
        responder = answer(200, ALLOW_CACHEABLE);
        assertThat(decide(g, input(1)).allowed()).isTrue();
        assertThat(decide(g, input(1)).allowed()).isTrue();
        assertThat(hits.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(59));
        assertThat(decide(g, input(1)).allowed()).isTrue();
        assertThat(hits.get()).isEqualTo(1);
        // another input is not the cached one
        assertThat(decide(g, input(2)).allowed()).isTrue();
        assertThat(hits.get()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        responder = answer(200, "{\"result\":{\"allow\":false,\"reasons\":[\"now closed\"],\"cacheable\":true}}");
        GuardrailDecision expired = decide(g, input(1));
        assertThat(expired.outcome()).isEqualTo(GuardrailDecision.Outcome.DENY);
        assertThat(hits.get()).isEqualTo(3);
        // a cacheable DENY is cached with its reasons
        assertThat(decide(g, input(1)).reasons()).containsExactly("now closed");
        assertThat(hits.get()).isEqualTo(3);
    }

    @Test
    void aDecisionNotDeclaredCacheableIsNeverCached() throws Exception {
        RestGuardrail g = guardrail(10);
        responder = answer(200, "{\"result\":{\"allow\":true,\"cacheable\":false}}");
        decide(g, input(1));
        decide(g, input(1));
        responder = answer(200, "{\"result\":true}");
        decide(g, input(1));
        decide(g, input(1));
        assertThat(hits.get()).isEqualTo(4);
        assertThat(g.cachedDecisions()).isZero();
    }

    @Test
    void errorsAreNeverCached() throws Exception {
        RestGuardrail g = guardrail(10);
        responder = answer(500, "{\"code\":\"internal_error\",\"message\":\"x\"}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        responder = answer(200, "{\"result\":{\"allow\":true,\"cacheable\":\"yes\"}}");
        assertThat(decide(g, input(1)).outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(g.cachedDecisions()).isZero();

        responder = answer(200, ALLOW_CACHEABLE);
        assertThat(decide(g, input(1)).allowed()).isTrue();
        assertThat(decide(g, input(1)).allowed()).isTrue();
        assertThat(hits.get()).isEqualTo(3);
        assertThat(g.cachedDecisions()).isEqualTo(1);
    }

    @Test
    void theCacheKeepsTheMostRecentlyUsedWithinItsSize() throws Exception {
        RestGuardrail g = guardrail(2);
        responder = answer(200, ALLOW_CACHEABLE);
        decide(g, input(1));
        decide(g, input(2));
        decide(g, input(1)); // cached; input 1 is now the most recently used
        assertThat(hits.get()).isEqualTo(2);
        decide(g, input(3)); // evicts input 2
        assertThat(g.cachedDecisions()).isEqualTo(2);
        decide(g, input(1));
        assertThat(hits.get()).isEqualTo(3);
        decide(g, input(2));
        assertThat(hits.get()).isEqualTo(4);
        assertThat(g.cachedDecisions()).isEqualTo(2);
    }

    @Test
    void aZeroSizeCacheCachesNothing() throws Exception {
        RestGuardrail g = guardrail(0);
        responder = answer(200, ALLOW_CACHEABLE);
        decide(g, input(1));
        decide(g, input(1));
        assertThat(hits.get()).isEqualTo(2);
        assertThat(g.cachedDecisions()).isZero();
    }

    @Test
    void largeInputsAreNotCachedAndKeysAreBoundedInTotal() throws Exception {
        GuardrailInput small = GuardrailInput.ofJson("{\"a\":\"" + "x".repeat(32 - 8) + "\"}");
        GuardrailInput large = GuardrailInput.ofJson("{\"a\":\"" + "x".repeat(33 - 8) + "\"}");
        assertThat(small.json()).hasSize(32);
        assertThat(large.json()).hasSize(33);
        RestGuardrail g = track(new RestGuardrail(url(), TIMEOUT, 100, Duration.ofSeconds(60), clock,
                RestGuardrail.MAX_RESPONSE_BYTES, 32, 64));
        responder = answer(200, ALLOW_CACHEABLE);
        decide(g, large);
        decide(g, large);
        assertThat(hits.get()).isEqualTo(2);
        decide(g, small);
        decide(g, small);
        assertThat(hits.get()).isEqualTo(3);

        // 64 chars of keys in all: two 32-char inputs fit, a third evicts the eldest
        GuardrailInput other = GuardrailInput.ofJson("{\"a\":\"" + "y".repeat(32 - 8) + "\"}");
        GuardrailInput third = GuardrailInput.ofJson("{\"a\":\"" + "z".repeat(32 - 8) + "\"}");
        decide(g, other);
        assertThat(g.cachedDecisions()).isEqualTo(2);
        decide(g, third);
        assertThat(g.cachedDecisions()).isEqualTo(2);
        assertThat(hits.get()).isEqualTo(5);
        decide(g, small);
        assertThat(hits.get()).isEqualTo(6);
    }

    @Test
    void concurrentEvaluationsAllDecide() throws Exception {
        RestGuardrail g = guardrail(4);
        responder = answer(200, ALLOW_CACHEABLE);
        List<CompletableFuture<GuardrailDecision>> futures = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            futures.add(g.evaluate(input(i % 8)));
        }
        for (CompletableFuture<GuardrailDecision> f : futures) {
            assertThat(f.get(10, TimeUnit.SECONDS).allowed()).isTrue();
        }
        assertThat(g.cachedDecisions()).isLessThanOrEqualTo(4);
    }

    // --- close ------------------------------------------------------------------------------------------------------

    @Test
    void afterCloseEvaluationsAreErrors() throws Exception {
        RestGuardrail g = guardrail(10);
        responder = answer(200, ALLOW_CACHEABLE);
        assertThat(decide(g, input(1)).allowed()).isTrue();
        g.close();
        GuardrailDecision d = decide(g, input(1));
        assertThat(d.outcome()).isEqualTo(GuardrailDecision.Outcome.ERROR);
        assertThat(d.reasons()).containsExactly("the guardrail is closed");
        assertThat(hits.get()).isEqualTo(1);
        assertThat(g.cachedDecisions()).isZero();
    }
}
