package io.mlgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.Endpoint;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.VariantInstances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The console's view of {@link EndpointMetrics}: readings (counts and latency percentiles since start) and the
 * per-variant history ring buffer (deltas per sample, the last 60 kept, oldest first).
 */
class EndpointMetricsHistoryTest {

    private static final String ACCOUNT = "123456789012";
    private static final String ALL = DemoEndpoints.ALL_TRAFFIC;
    private static Endpoint iris;

    private EndpointMetrics metrics;

    @BeforeAll
    static void loadModel() throws Exception {
        iris = DemoEndpoints.iris(DemoEndpoints.classpathArtifacts(), ACCOUNT);
    }

    @AfterAll
    static void closeModel() {
        iris.close();
    }

    @BeforeEach
    void setUp() {
        EndpointRegistry registry = new EndpointRegistry(ACCOUNT);
        registry.register(iris);
        metrics = new EndpointMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), registry,
                VariantInstances.SINGLE);
    }

    private void served(long modelMicros) {
        metrics.record("iris", ALL, 200, null, modelMicros * 1_000, modelMicros * 1_000 + 50_000);
    }

    @Test
    void aReadingCountsCallsErrorsAndLatencyPercentiles() {
        for (int i = 0; i < 98; i++) {
            served(40); // in the (25, 50] bucket
        }
        served(3_000);
        served(3_000); // (2500, 5000]
        metrics.record("iris", null, 403, "AccessDeniedException", -1, 10_000);

        EndpointMetrics.EndpointReading r = metrics.reading("iris").orElseThrow();
        assertThat(r.loadedModels()).isEqualTo(1);
        assertThat(r.variants()).extracting(EndpointMetrics.VariantReading::variant).containsExactly(ALL);
        EndpointMetrics.VariantReading v = r.variants().get(0);
        assertThat(v.invocations()).isEqualTo(100);
        assertThat(v.errors4xx()).isZero();
        assertThat(v.modelLatencyP50()).isBetween(25.0, 50.0);
        assertThat(v.modelLatencyP90()).isBetween(25.0, 50.0);
        assertThat(v.modelLatencyP99()).isBetween(2_500.0, 5_000.0);
        assertThat(r.unrouted().invocations()).isEqualTo(1);
        assertThat(r.unrouted().errors4xx()).isEqualTo(1);
        assertThat(metrics.reading("fraud")).isEmpty();
    }

    @Test
    void historySamplesHoldTheDeltasOfEachIntervalAndKeepTheLastSixty() {
        metrics.sampleHistory(1_000);
        served(40);
        served(40);
        metrics.record("iris", ALL, 424, "ModelError", 40_000, 90_000);
        metrics.sampleHistory(1_010);
        metrics.sampleHistory(1_020);

        List<EndpointMetrics.HistorySample> h = metrics.reading("iris").orElseThrow().variants().get(0).history();
        assertThat(h).extracting(EndpointMetrics.HistorySample::epochSecond).containsExactly(1_000L, 1_010L, 1_020L);
        assertThat(h.get(0).invocations()).isZero();
        assertThat(h.get(1).invocations()).isEqualTo(3);
        assertThat(h.get(1).errors()).isEqualTo(1);
        assertThat(h.get(1).modelLatencyP50()).isBetween(25.0, 50.0);
        assertThat(h.get(2).invocations()).isZero();
        assertThat(h.get(2).modelLatencyP50()).isZero();

        for (int i = 0; i < 70; i++) {
            metrics.sampleHistory(2_000 + i);
        }
        h = metrics.reading("iris").orElseThrow().variants().get(0).history();
        assertThat(h).hasSize(EndpointMetrics.HISTORY_SAMPLES);
        assertThat(h.get(0).epochSecond()).isEqualTo(2_010);
        assertThat(h.get(59).epochSecond()).isEqualTo(2_069);
    }

    @Test
    void quantilesInterpolateInsideTheBucket() {
        double[] bounds = {10, 20, 30};
        long[] cumulative = {0, 10, 10};
        assertThat(EndpointMetrics.quantile(bounds, cumulative, 10, 0.5)).isCloseTo(15.0, within(1e-9));
        assertThat(EndpointMetrics.quantile(bounds, new long[]{0, 0, 0}, 0, 0.5)).isZero();
        // values above the last bound count as the last bound
        assertThat(EndpointMetrics.quantile(bounds, new long[]{0, 0, 0}, 4, 0.99)).isEqualTo(30.0);
    }
}
