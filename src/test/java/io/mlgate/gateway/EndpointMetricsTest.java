package io.mlgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.Endpoint;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.EndpointUnavailableException;
import io.mlgate.runtime.OnnxModel;
import io.mlgate.runtime.ProductionVariant;
import io.mlgate.runtime.VariantInstances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EndpointMetrics} against a real Prometheus registry and endpoint registry: what is counted where, how
 * errors are classified, that unknown endpoints cannot create series, the histograms' unit and buckets, the
 * per-instance counter and how the series follow the registry.
 */
class EndpointMetricsTest {

    private static final String ACCOUNT = "123456789012";
    private static final String ALL = DemoEndpoints.ALL_TRAFFIC;

    private static Endpoint iris;
    private static OnnxModel model;

    private EndpointRegistry registry;
    private PrometheusMeterRegistry prometheus;
    private EndpointMetrics metrics;

    @BeforeAll
    static void loadModel() throws Exception {
        iris = DemoEndpoints.iris(DemoEndpoints.classpathArtifacts(), ACCOUNT);
        model = (OnnxModel) iris.variants().get(0).model();
    }

    @AfterAll
    static void closeModel() {
        iris.close();
    }

    /** Endpoint "ab" with the given variants, all serving the iris model (closed once, with iris). */
    private static Endpoint ab(String... variants) {
        return new Endpoint("ab", ACCOUNT, java.util.Arrays.stream(variants)
                .map(v -> new ProductionVariant(v, 1.0, model)).toList());
    }

    @BeforeEach
    void setUp() {
        registry = new EndpointRegistry(ACCOUNT);
        registry.register(iris);
        registry.register(ab("A", "B"));
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new EndpointMetrics(prometheus, registry, VariantInstances.SINGLE);
    }

    private PrometheusText scrape() {
        metrics.refresh();
        return PrometheusText.parse(prometheus.scrape());
    }

    private void served(String endpoint, String variant) {
        metrics.record(endpoint, variant, 200, null, 40_000, 100_000);
    }

    private void failed(String endpoint, int status, String code) {
        metrics.record(endpoint, null, status, code, -1, 100_000);
    }

    private static double value(PrometheusText text, String name, String endpoint, String variant) {
        return text.value(name, "endpoint", endpoint, "variant", variant)
                .orElseThrow(() -> new AssertionError("no " + name + "{" + endpoint + "," + variant + "}"));
    }

    @Test
    void servedCallsAreCountedPerEndpointAndVariant() {
        for (int i = 0; i < 3; i++) {
            served("iris", ALL);
        }
        served("ab", "B");
        served("ab", "B");

        PrometheusText text = scrape();
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "iris", ALL)).isEqualTo(3.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "ab", "B")).isEqualTo(2.0);
        assertThat(value(text, "mlgate_sagemaker_invocation_4xx_errors_total", "iris", ALL)).isZero();
        assertThat(value(text, "mlgate_sagemaker_invocation_5xx_errors_total", "iris", ALL)).isZero();
        assertThat(value(text, "mlgate_sagemaker_invocations_per_instance_total", "iris", ALL)).isEqualTo(3.0);
        assertThat(value(text, "mlgate_sagemaker_model_latency_microseconds_count", "ab", "B")).isEqualTo(2.0);
        // every variant of a registered endpoint has its series from the start, at 0, so rate() sees first calls
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "ab", "A")).isZero();
        assertThat(value(text, "mlgate_sagemaker_model_latency_microseconds_count", "ab", "A")).isZero();
        assertThat(value(text, "mlgate_sagemaker_invocation_4xx_errors_total", "ab", "_none")).isZero();
        assertThat(text.types()).containsEntry("mlgate_sagemaker_invocations_total", "counter");
    }

    @Test
    void errorsAreClassifiedByTheStatusTheClientGot() {
        failed("iris", 400, "ValidationError");
        failed("iris", 403, "AccessDeniedException");
        failed("iris", 413, "ValidationError");
        failed("iris", 424, "ModelError"); // the model answered 500: CloudWatch counts it as a 5xx
        failed("iris", 500, "InternalFailure");
        failed("iris", 503, "ServiceUnavailable");
        served("iris", ALL);

        PrometheusText text = scrape();
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "iris", "_none")).isEqualTo(6.0);
        assertThat(value(text, "mlgate_sagemaker_invocation_4xx_errors_total", "iris", "_none")).isEqualTo(3.0);
        assertThat(value(text, "mlgate_sagemaker_invocation_5xx_errors_total", "iris", "_none")).isEqualTo(3.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "iris", ALL)).isEqualTo(1.0);
        // calls no variant served reached no instance and ran no model
        assertThat(text.find("mlgate_sagemaker_invocations_per_instance_total", "variant", "_none")).isEmpty();
        assertThat(text.find("mlgate_sagemaker_model_latency_microseconds_count", "variant", "_none")).isEmpty();
    }

    @Test
    void unknownEndpointsShareOneSeries() {
        failed("fraud", 403, "AccessDeniedException");
        PrometheusText first = scrape();
        int meters = prometheus.getMeters().size();
        for (int i = 0; i < 500; i++) {
            failed("guessed-name-" + i, 400, "ValidationError");
        }
        failed(null, 400, "ValidationError");
        failed("not_a_valid_name", 400, "ValidationError");
        metrics.record("iris", "NotAVariant", 200, null, 40_000, 100_000);

        PrometheusText text = scrape();
        assertThat(prometheus.getMeters()).hasSize(meters); // not one meter more
        assertThat(value(first, "mlgate_sagemaker_invocations_total", "_unknown", "_none")).isEqualTo(1.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "_unknown", "_none")).isEqualTo(503.0);
        assertThat(value(text, "mlgate_sagemaker_invocation_4xx_errors_total", "_unknown", "_none")).isEqualTo(503.0);
        assertThat(text.labelValues("mlgate_sagemaker_", "endpoint")).containsExactly("_unknown", "ab", "iris");
        assertThat(text.find("mlgate_sagemaker_invocations_total", "variant", "NotAVariant")).isEmpty();
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "iris", "_none")).isEqualTo(1.0);
    }

    @Test
    void latencyHistogramsAreInMicroseconds() {
        // 2.5 ms in the model, 3 ms in the gateway: ModelLatency 2500 µs, OverheadLatency 500 µs
        metrics.record("iris", ALL, 200, null, 2_500_000, 3_000_000);

        PrometheusText text = scrape();
        assertThat(text.types()).containsEntry("mlgate_sagemaker_model_latency_microseconds", "histogram")
                .containsEntry("mlgate_sagemaker_overhead_latency_microseconds", "histogram");
        String model = "mlgate_sagemaker_model_latency_microseconds";
        assertThat(value(text, model + "_sum", "iris", ALL)).isEqualTo(2500.0);
        assertThat(value(text, model + "_count", "iris", ALL)).isEqualTo(1.0);
        assertThat(bucket(text, model, "1000.0")).isZero();
        assertThat(bucket(text, model, "2500.0")).isEqualTo(1.0);
        assertThat(bucket(text, model, "+Inf")).isEqualTo(1.0);
        String overhead = "mlgate_sagemaker_overhead_latency_microseconds";
        assertThat(value(text, overhead + "_sum", "iris", ALL)).isEqualTo(500.0);
        assertThat(bucket(text, overhead, "250.0")).isZero();
        assertThat(bucket(text, overhead, "500.0")).isEqualTo(1.0);
        assertThat(text.find(model + "_bucket", "endpoint", "iris")).hasSize(
                EndpointMetrics.LATENCY_BUCKETS_MICROS.length + 1);
    }

    private static double bucket(PrometheusText text, String histogram, String le) {
        return text.value(histogram + "_bucket", "endpoint", "iris", "variant", ALL, "le", le)
                .orElseThrow(() -> new AssertionError("no bucket le=" + le));
    }

    @Test
    void invocationsPerInstanceDividesByTheInstanceCountAtTheTime() {
        int[] instancesOfA = {4};
        metrics = new EndpointMetrics(prometheus, registry,
                (endpoint, variant) -> "ab".equals(endpoint) && "A".equals(variant) ? instancesOfA[0] : 0);
        served("ab", "A");
        served("ab", "A");
        instancesOfA[0] = 2; // scaled in: each call now weighs 1/2
        served("ab", "A");
        served("ab", "B"); // a count below 1 is read as 1

        PrometheusText text = scrape();
        assertThat(value(text, "mlgate_sagemaker_invocations_per_instance_total", "ab", "A")).isEqualTo(1.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "ab", "A")).isEqualTo(3.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_per_instance_total", "ab", "B")).isEqualTo(1.0);
    }

    @Test
    void loadedModelGaugeAndSeriesFollowTheRegistry() {
        PrometheusText text = scrape();
        assertThat(text.value("mlgate_sagemaker_loaded_models", "endpoint", "iris")).hasValue(1.0);
        assertThat(text.value("mlgate_sagemaker_loaded_models", "endpoint", "ab")).hasValue(2.0);

        served("ab", "A");
        // out of service (model key refused): no model loaded, but calls still count under its name
        registry.markUnavailable(new EndpointUnavailableException("ab", "arn:aws:kms:us-east-1:" + ACCOUNT
                + ":key/1234abcd-12ab-34cd-56ef-1234567890ab", "DisabledException"));
        failed("ab", 400, "KMSDisabledException");
        text = scrape();
        assertThat(text.value("mlgate_sagemaker_loaded_models", "endpoint", "ab")).hasValue(0.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "ab", "A")).isEqualTo(1.0);
        assertThat(value(text, "mlgate_sagemaker_invocation_4xx_errors_total", "ab", "_none")).isEqualTo(1.0);

        // deleted: every series of the endpoint goes, and later calls to the name are unknown
        registry.remove("ab");
        text = scrape();
        assertThat(text.find("mlgate_sagemaker_loaded_models", "endpoint", "ab")).isEmpty();
        assertThat(text.labelValues("mlgate_sagemaker_", "endpoint")).containsExactly("_unknown", "iris");
        failed("ab", 400, "ValidationError");
        text = scrape();
        assertThat(text.labelValues("mlgate_sagemaker_", "endpoint")).containsExactly("_unknown", "iris");
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "_unknown", "_none")).isEqualTo(1.0);

        // registered again: a fresh gauge, counters start again (Prometheus reads it as a counter reset)
        registry.register(ab("A"));
        text = scrape();
        assertThat(text.value("mlgate_sagemaker_loaded_models", "endpoint", "ab")).hasValue(1.0);
    }

    @Test
    void redeployDropsTheSeriesOfVariantsThatAreGone() {
        served("ab", "A");
        served("ab", "B");
        failed("ab", 403, "AccessDeniedException");
        registry.register(ab("B", "C"));

        PrometheusText text = scrape();
        assertThat(text.find("mlgate_sagemaker_invocations_total", "endpoint", "ab", "variant", "A")).isEmpty();
        assertThat(text.find("mlgate_sagemaker_model_latency_microseconds_count", "variant", "A")).isEmpty();
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "ab", "B")).isEqualTo(1.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "ab", "C")).isZero();
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "ab", "_none")).isEqualTo(1.0);
    }

    @Test
    void gatewayCallsAreReadFromTheirRecord() {
        ApiCallDecoder decoder = new ApiCallDecoder("us-east-1", ACCOUNT, 6 * 1024 * 1024, 64 * 1024);
        GatewayCall invoke = call(decoder, MockServerHttpRequest.post("/endpoints/iris/invocations")
                .contentType(MediaType.parseMediaType("text/csv")).build());
        invoke.served(ALL, 1_000_000);
        metrics.record(invoke, 200, invoke.startNanos() + 3_000_000);

        GatewayCall denied = call(decoder, MockServerHttpRequest.post("/endpoints/iris/invocations").build());
        denied.fail("AccessDeniedException", "not authorized");
        metrics.record(denied, 403, denied.startNanos() + 1_000_000);

        // other operations are not InvokeEndpoint calls
        GatewayCall query = call(decoder, MockServerHttpRequest.post("/")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).build());
        metrics.record(query, 200, query.startNanos() + 1_000_000);
        GatewayCall unrouted = call(decoder, MockServerHttpRequest.get("/actuator/prometheus").build());
        metrics.record(unrouted, 404, unrouted.startNanos() + 1_000_000);

        PrometheusText text = scrape();
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "iris", ALL)).isEqualTo(1.0);
        assertThat(value(text, "mlgate_sagemaker_model_latency_microseconds_sum", "iris", ALL)).isEqualTo(1000.0);
        assertThat(value(text, "mlgate_sagemaker_overhead_latency_microseconds_sum", "iris", ALL))
                .isEqualTo(2000.0);
        assertThat(value(text, "mlgate_sagemaker_invocation_4xx_errors_total", "iris", "_none")).isEqualTo(1.0);
        assertThat(value(text, "mlgate_sagemaker_invocations_total", "_unknown", "_none")).isZero();
        assertThat(text.find("mlgate_sagemaker_invocations_total").stream().mapToDouble(PrometheusText.Sample::value)
                .sum()).isEqualTo(2.0);
    }

    private static GatewayCall call(ApiCallDecoder decoder, MockServerHttpRequest request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        return GatewayCall.start(exchange, "request-id", decoder.decode(request));
    }
}
