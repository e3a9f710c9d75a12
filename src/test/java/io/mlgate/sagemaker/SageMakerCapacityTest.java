package io.mlgate.sagemaker;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.sts.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What Application Auto Scaling uses of the control plane: {@code capacity} and {@code setDesiredInstanceCount}. */
class SageMakerCapacityTest {

    static final String ACCOUNT = "123456789012";
    static final PrincipalContext CALLER = PrincipalContext.builder(
            "arn:aws:iam::" + ACCOUNT + ":user/ml", ACCOUNT, PrincipalType.USER).build();
    static final String ARN = "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/scaled";

    @TempDir
    Path dataDir;

    ControlledRuntime runtime;
    SageMakerService service;

    @BeforeEach
    void start() throws Exception {
        runtime = new ControlledRuntime();
        service = SageMakerService.start(SageMakerState.open(dataDir), runtime,
                new MutableClock(Instant.parse("2026-11-26T10:00:00Z")), "us-east-1");
        call("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://models/m\"}}");
        call("CreateEndpointConfig", """
                {"EndpointConfigName": "c", "ProductionVariants": [
                  {"VariantName": "A", "ModelName": "m", "InitialInstanceCount": 1},
                  {"VariantName": "B", "ModelName": "m", "InitialInstanceCount": 2}]}""");
        call("CreateEndpoint", "{\"EndpointName\": \"Scaled\", \"EndpointConfigName\": \"c\"}");
    }

    JsonNode call(String op, String body) throws JsonServiceException {
        JsonNode parsed = JsonBodies.read(body.getBytes(StandardCharsets.UTF_8));
        service.target(op, parsed, ACCOUNT, CALLER);
        return service.invoke(op, parsed, CALLER, RequestContext.empty());
    }

    @Test
    void capacityShowsTheVariantsAndWhetherTheEndpointCanBeScaled() throws IOException {
        EndpointCapacity creating = service.capacity(ACCOUNT, "scaled").orElseThrow();
        assertThat(creating.endpointName()).isEqualTo("Scaled");
        assertThat(creating.endpointArn()).isEqualTo(ARN);
        assertThat(creating.inService()).isFalse();
        assertThat(creating.desiredInstanceCounts()).containsExactly(Map.entry("A", 1), Map.entry("B", 2));

        runtime.complete(ARN);
        assertThat(service.capacity(ACCOUNT, "Scaled").orElseThrow().inService()).isTrue();
        assertThat(service.capacity(ACCOUNT, "other")).isEmpty();
        assertThat(service.capacity("210987654321", "Scaled")).isEmpty();
        assertThat(service.capacity(ACCOUNT, "bad_name")).isEmpty();
    }

    @Test
    void setDesiredInstanceCountDoesWhatUpdateEndpointWeightsAndCapacitiesDoes() throws Exception {
        runtime.complete(ARN);
        service.setDesiredInstanceCount(ACCOUNT, "Scaled", "B", 4);

        JsonNode d = call("DescribeEndpoint", "{\"EndpointName\": \"Scaled\"}");
        assertThat(d.get("ProductionVariants").get(1).get("DesiredInstanceCount").intValue()).isEqualTo(4);
        assertThat(d.get("ProductionVariants").get(1).get("CurrentInstanceCount").intValue()).isEqualTo(4);
        assertThat(d.get("ProductionVariants").get(0).get("DesiredInstanceCount").intValue()).isEqualTo(1);
        assertThat(runtime.weights).containsExactly(new ControlledRuntime.Weights(ARN, Map.of(), Map.of("B", 4)));
        // persisted: a restarted control plane shows it too
        SageMakerService reopened = SageMakerService.start(SageMakerState.open(dataDir), new ControlledRuntime(),
                new MutableClock(Instant.parse("2026-11-26T11:00:00Z")), "us-east-1");
        assertThat(reopened.capacity(ACCOUNT, "scaled").orElseThrow().desiredInstanceCounts().get("B")).isEqualTo(4);
    }

    @Test
    void setDesiredInstanceCountRefusesWhatUpdateEndpointWeightsAndCapacitiesRefuses() {
        // still Creating
        assertThatThrownBy(() -> service.setDesiredInstanceCount(ACCOUNT, "Scaled", "A", 2))
                .isInstanceOfSatisfying(JsonServiceException.class,
                        e -> assertThat(e.getMessage()).contains("Cannot update in-progress endpoint"));
        runtime.complete(ARN);
        assertThatThrownBy(() -> service.setDesiredInstanceCount(ACCOUNT, "Scaled", "Z", 2))
                .isInstanceOfSatisfying(JsonServiceException.class,
                        e -> assertThat(e.getMessage()).contains("[Z] are not present"));
        assertThatThrownBy(() -> service.setDesiredInstanceCount(ACCOUNT, "Scaled", "A", 0))
                .isInstanceOfSatisfying(JsonServiceException.class,
                        e -> assertThat(e.getMessage()).contains("must be at least 1"));
        assertThatThrownBy(() -> service.setDesiredInstanceCount(ACCOUNT, "Scaled", "A", 33))
                .isInstanceOfSatisfying(JsonServiceException.class,
                        e -> assertThat(e.code()).isEqualTo("ResourceLimitExceeded"));
        assertThatThrownBy(() -> service.setDesiredInstanceCount(ACCOUNT, "gone", "A", 2))
                .isInstanceOfSatisfying(JsonServiceException.class,
                        e -> assertThat(e.getMessage()).contains("Could not find endpoint"));
        assertThat(runtime.weights).isEmpty();
    }
}
