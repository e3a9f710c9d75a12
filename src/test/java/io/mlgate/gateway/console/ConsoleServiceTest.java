package io.mlgate.gateway.console;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlgate.gateway.EndpointMetrics;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.VariantInstances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConsoleService} without a gateway: trail validations are bounded; a fresh, empty trail is valid. */
class ConsoleServiceTest {

    @TempDir
    Path home;

    @Test
    void aThirdConcurrentTrailValidationIsThrottled() throws Exception {
        Path audit = Files.createDirectories(home.resolve("audit"));
        EndpointMetrics metrics = new EndpointMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new EndpointRegistry("123456789012"), VariantInstances.SINGLE);
        try (ConsoleExports exports = new ConsoleExports(audit, home.resolve("exports"), () -> null,
                Clock.systemUTC())) {
            ConsoleService service = new ConsoleService(() -> null, home.resolve("policies/tests"), audit, exports,
                    metrics, "us-east-1", "123456789012", Clock.systemUTC());
            JsonNode empty = JsonMapper.builder().build().createObjectNode();
            RequestContext context = RequestContext.builder().build();

            JsonNode valid = service.invoke("ValidateTrail", empty, null, context);
            assertThat(valid.path("Valid").asBoolean()).isTrue();
            assertThat(valid.path("Files").size()).isZero();
            assertThat(service.invoke("ListPolicyTestSuites", empty, null, context).path("Suites").size()).isZero();

            service.validations.acquire(ConsoleService.MAX_VALIDATIONS);
            try {
                assertThatThrownBy(() -> service.invoke("ValidateTrail", empty, null, context))
                        .isInstanceOf(JsonServiceException.class)
                        .satisfies(e -> assertThat(((JsonServiceException) e).code()).isEqualTo("ThrottlingException"));
            } finally {
                service.validations.release(ConsoleService.MAX_VALIDATIONS);
            }
            assertThat(service.invoke("ValidateTrail", empty, null, context).path("Valid").asBoolean()).isTrue();
        }
    }
}
