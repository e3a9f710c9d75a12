package io.mlgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.Endpoint;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.VariantInstances;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/grafana/mlgate-endpoints.json against the metrics the gateway really exports: every series a query names
 * exists, every metric has a panel, latencies are read as p50/p99 from the histogram buckets, and every query goes
 * to the Prometheus datasource variable and filters by the endpoint and variant variables.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("docs/grafana/mlgate-endpoints.json");
    private static final Pattern SERIES = Pattern.compile("mlgate_[a-z0-9_]+");

    private final JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));

    GrafanaDashboardTest() throws Exception {
    }

    private List<JsonNode> targets() {
        List<JsonNode> targets = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(targets::add));
        return targets;
    }

    /** Every series name a scrape of a gateway with a served call shows. */
    private static Set<String> exportedSeries() throws Exception {
        try (Endpoint iris = DemoEndpoints.iris(DemoEndpoints.classpathArtifacts(), "123456789012")) {
            EndpointRegistry registry = new EndpointRegistry("123456789012");
            registry.register(iris);
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            EndpointMetrics metrics = new EndpointMetrics(prometheus, registry, VariantInstances.SINGLE);
            metrics.record("iris", DemoEndpoints.ALL_TRAFFIC, 200, null, 30_000, 90_000);
            metrics.refresh();
            Set<String> names = new HashSet<>();
            PrometheusText.parse(prometheus.scrape()).samples().forEach(s -> names.add(s.name()));
            return names;
        }
    }

    @Test
    void isAnImportableDashboardWithAPrometheusDatasourceVariable() {
        assertThat(dashboard.path("uid").asString()).isEqualTo("mlgate-endpoints");
        assertThat(dashboard.path("id").isNull()).isTrue();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        JsonNode datasource = null;
        List<String> variables = new ArrayList<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            variables.add(variable.path("name").asString());
            if ("datasource".equals(variable.path("type").asString())) {
                datasource = variable;
            }
        }
        assertThat(datasource).isNotNull();
        assertThat(datasource.path("name").asString()).isEqualTo("datasource");
        assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
        assertThat(variables).contains("endpoint", "variant");

        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id").isTrue();
            assertThat(panel.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
            assertThat(panel.path("gridPos").path("w").asInt()).isPositive();
            panel.path("targets").forEach(t ->
                    assertThat(t.path("datasource").path("uid").asString()).isEqualTo("${datasource}"));
        }
    }

    @Test
    void everyQueryNamesExportedSeriesAndEveryMetricHasAPanel() throws Exception {
        Set<String> exported = exportedSeries();
        Set<String> used = new HashSet<>();
        List<String> queries = new ArrayList<>();
        targets().forEach(t -> queries.add(t.path("expr").asString()));
        dashboard.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asString())) {
                queries.add(v.path("query").path("query").asString());
            }
        });
        for (String query : queries) {
            Matcher m = SERIES.matcher(query);
            while (m.find()) {
                used.add(m.group());
            }
            // the variables' regular expression names two series of one family each
            if (query.contains("mlgate_sagemaker_(invocations_total|loaded_models)")) {
                used.add("mlgate_sagemaker_invocations_total");
                used.add("mlgate_sagemaker_loaded_models");
            }
        }
        used.remove("mlgate_sagemaker_"); // the prefix of the regular expression above
        assertThat(exported).containsAll(used);
        assertThat(used).contains(
                "mlgate_sagemaker_invocations_total",
                "mlgate_sagemaker_invocation_4xx_errors_total",
                "mlgate_sagemaker_invocation_5xx_errors_total",
                "mlgate_sagemaker_invocations_per_instance_total",
                "mlgate_sagemaker_model_latency_microseconds_bucket",
                "mlgate_sagemaker_overhead_latency_microseconds_bucket",
                "mlgate_sagemaker_loaded_models");
    }

    @Test
    void latenciesArePercentilesOfTheHistogramsPerEndpointAndVariant() {
        for (String histogram : List.of("mlgate_sagemaker_model_latency_microseconds",
                "mlgate_sagemaker_overhead_latency_microseconds")) {
            List<String> exprs = targets().stream().map(t -> t.path("expr").asString())
                    .filter(e -> e.contains(histogram)).toList();
            assertThat(exprs).anyMatch(e -> e.startsWith("histogram_quantile(0.5, "))
                    .anyMatch(e -> e.startsWith("histogram_quantile(0.99, "))
                    .allMatch(e -> e.contains("sum by (le, endpoint, variant)") && e.contains(histogram + "_bucket{"));
        }
        dashboard.path("panels").forEach(panel -> {
            if (panel.path("title").asString().contains("latency")) {
                assertThat(panel.path("fieldConfig").path("defaults").path("unit").asString()).isEqualTo("µs");
            }
        });
    }

    @Test
    void everyQueryFollowsTheEndpointAndVariantSelection() {
        for (JsonNode target : targets()) {
            String expr = target.path("expr").asString();
            assertThat(expr).as(expr).contains("endpoint=~\"$endpoint\"");
            if (!expr.contains("mlgate_sagemaker_loaded_models")) {
                // the loaded-model gauge is per endpoint; everything else per endpoint and variant
                assertThat(expr).as(expr).contains("variant=~\"$variant\"");
                assertThat(target.path("legendFormat").asString()).contains("{{endpoint}}").contains("{{variant}}");
            }
        }
    }
}
