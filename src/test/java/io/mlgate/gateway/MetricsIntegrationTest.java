package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Signer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Metrics end to end: calls made with the real SageMakerRuntimeClient over HTTPS, then the Prometheus text scraped
 * from the management port. The application context is shared with the other gateway tests, so every count is
 * checked as the difference between a scrape before and one after. The main port must not serve the metrics, and
 * the management port must serve nothing but health and metrics.
 */
class MetricsIntegrationTest extends RunningGateway {

    private static final String ALL = "AllTraffic";

    @Autowired
    ManagementServer management;

    private final HttpClient plain = HttpClient.newHttpClient();

    private SageMakerRuntimeClient client(String profile) throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys").resolve(DemoCredentialsFile.FILE_NAME))
                .get(profile);
        TrustManagerFactory trust = trustDevCa();
        return SageMakerRuntimeClient.builder()
                .endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private HttpResponse<String> management(String method, String path) throws Exception {
        return plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> response = management("GET", ManagementServer.PROMETHEUS_PATH);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusText.parse(response.body());
    }

    private static double value(PrometheusText text, String name, String endpoint, String variant) {
        return text.value(name, "endpoint", endpoint, "variant", variant).orElse(0);
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String endpoint,
                                String variant) {
        return value(after, name, endpoint, variant) - value(before, name, endpoint, variant);
    }

    @Test
    void invocationsErrorsAndLatenciesAreScrapedFromTheManagementPort() throws Exception {
        PrometheusText before = scrape();
        try (SageMakerRuntimeClient analyst = client("demo-analyst");
             SageMakerRuntimeClient guest = client("demo-guest")) {
            for (int i = 0; i < 3; i++) {
                InvokeEndpointResponse response = analyst.invokeEndpoint(r -> r.endpointName("iris")
                        .contentType("text/csv").body(SdkBytes.fromString("5.1,3.5,1.4,0.2", StandardCharsets.UTF_8)));
                assertThat(response.invokedProductionVariant()).isEqualTo(ALL);
            }
            // a 4xx on a known endpoint: IAM denies the guest before any model runs
            assertThatThrownBy(() -> guest.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(SdkBytes.fromString("5.1,3.5,1.4,0.2", StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(403));
            // a 4xx on an endpoint that does not exist: counted, but under _unknown
            assertThatThrownBy(() -> analyst.invokeEndpoint(r -> r.endpointName("no-such-endpoint")
                    .contentType("text/csv").body(SdkBytes.fromString("1,2,3,4", StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        PrometheusText after = scrape();

        assertThat(delta(before, after, "mlgate_sagemaker_invocations_total", "iris", ALL)).isEqualTo(3.0);
        assertThat(delta(before, after, "mlgate_sagemaker_invocations_per_instance_total", "iris", ALL))
                .isEqualTo(3.0);
        assertThat(delta(before, after, "mlgate_sagemaker_invocation_4xx_errors_total", "iris", ALL)).isZero();
        assertThat(delta(before, after, "mlgate_sagemaker_invocations_total", "iris", "_none")).isEqualTo(1.0);
        assertThat(delta(before, after, "mlgate_sagemaker_invocation_4xx_errors_total", "iris", "_none"))
                .isEqualTo(1.0);
        assertThat(delta(before, after, "mlgate_sagemaker_invocation_4xx_errors_total", "_unknown", "_none"))
                .isEqualTo(1.0);
        assertThat(delta(before, after, "mlgate_sagemaker_invocation_5xx_errors_total", "iris", ALL)).isZero();

        String model = "mlgate_sagemaker_model_latency_microseconds";
        String overhead = "mlgate_sagemaker_overhead_latency_microseconds";
        assertThat(delta(before, after, model + "_count", "iris", ALL)).isEqualTo(3.0);
        assertThat(delta(before, after, overhead + "_count", "iris", ALL)).isEqualTo(3.0);
        // microseconds: three runs of a four-feature model take more than 0 µs and far less than 3 s; the
        // gateway's part (SigV4, IAM, the fsynced audit append) is not free either
        assertThat(delta(before, after, model + "_sum", "iris", ALL)).isGreaterThan(0).isLessThan(3_000_000);
        assertThat(delta(before, after, overhead + "_sum", "iris", ALL)).isGreaterThan(0).isLessThan(30_000_000);
        assertThat(after.value(model + "_bucket", "endpoint", "iris", "variant", ALL, "le", "+Inf"))
                .hasValue(value(after, model + "_count", "iris", ALL));

        assertThat(after.value("mlgate_sagemaker_loaded_models", "endpoint", "iris")).hasValue(1.0);
        assertThat(after.labelValues("mlgate_sagemaker_", "endpoint")).doesNotContain("no-such-endpoint", "fraud")
                .contains("_unknown", "iris");
        assertThat(after.labelValues("mlgate_sagemaker_", "variant")).containsOnly(ALL, "_none");
        assertThat(after.find("jvm_memory_used_bytes")).isNotEmpty();
    }

    @Test
    void theMainPortDoesNotServeMetrics() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(clientContext("TLS")).build();
        URI metrics = URI.create("https://localhost:" + port + ManagementServer.PROMETHEUS_PATH);
        HttpResponse<String> unsigned = https.send(HttpRequest.newBuilder(metrics).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(404);
        assertThat(unsigned.body()).contains("UnknownOperationException").doesNotContain("mlgate_sagemaker");

        // a valid signature does not open it either: the path is no AWS operation
        String[] admin = DemoCredentialsFile.read(home.resolve("keys").resolve(DemoCredentialsFile.FILE_NAME))
                .get("demo-admin");
        Map<String, String> signed = SigV4Signer.builder().credentials(admin[0], admin[1].toCharArray())
                .region("us-east-1").service("sagemaker").build()
                .sign("GET", metrics, Map.of("host", List.of("localhost:" + port)), new byte[0]);
        HttpRequest.Builder request = HttpRequest.newBuilder(metrics).GET();
        signed.forEach(request::header);
        HttpResponse<String> withSignature = https.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withSignature.statusCode()).isEqualTo(404);
        assertThat(withSignature.body()).doesNotContain("mlgate_sagemaker");

        HttpResponse<String> health = https.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + ManagementServer.HEALTH_PATH)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(404);
        assertThat(health.body()).doesNotContain("\"status\"");
    }

    @Test
    void theManagementPortServesHealthAndMetricsOnlyOnLoopback() throws Exception {
        assertThat(management.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(management.port()).isNotEqualTo(port);

        HttpResponse<String> health = management("GET", ManagementServer.HEALTH_PATH);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");

        for (String path : List.of("/", "/actuator", "/actuator/env", "/actuator/metrics", "/actuator/heapdump",
                "/actuator/prometheusx", "/endpoints/iris/invocations")) {
            assertThat(management("GET", path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(management("POST", ManagementServer.PROMETHEUS_PATH).statusCode()).isEqualTo(404);
        assertThat(management("DELETE", ManagementServer.HEALTH_PATH).statusCode()).isEqualTo(404);
    }
}
