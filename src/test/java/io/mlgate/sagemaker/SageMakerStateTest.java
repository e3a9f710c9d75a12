package io.mlgate.sagemaker;

import io.mlgate.sts.MutableClock;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.mlgate.sagemaker.SageMakerServiceTest.ACCOUNT;
import static io.mlgate.sagemaker.SageMakerServiceTest.CALLER;
import static io.mlgate.sagemaker.SageMakerServiceTest.REGION;
import static io.mlgate.sagemaker.SageMakerServiceTest.ROLE;
import static io.mlgate.sagemaker.SageMakerServiceTest.arn;
import static io.mlgate.sagemaker.SageMakerServiceTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SageMakerStateTest {

    @TempDir
    Path dataDir;

    MutableClock clock;
    ControlledRuntime runtime;
    SageMakerService service;

    @BeforeEach
    void start() throws IOException {
        clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        runtime = new ControlledRuntime();
        service = SageMakerService.start(SageMakerState.open(dataDir), runtime, clock, REGION);
    }

    private JsonNode call(String op, String body) throws JsonServiceException {
        JsonNode parsed = json(body);
        service.target(op, parsed, ACCOUNT, CALLER);
        return service.invoke(op, parsed, CALLER, RequestContext.empty());
    }

    /** A fresh store and service over the same data directory, as after a restart. */
    private ControlledRuntime restart() throws IOException {
        ControlledRuntime fresh = new ControlledRuntime();
        runtime = fresh;
        service = SageMakerService.start(SageMakerState.open(dataDir), fresh, clock, REGION);
        return fresh;
    }

    private void setUpFleet() throws JsonServiceException {
        call("CreateModel", """
                {"ModelName": "m1", "ExecutionRoleArn": "%s", "EnableNetworkIsolation": true,
                 "PrimaryContainer": {"Image": "local/onnx", "ModelDataUrl": "mlgate://models/m1", "Mode": "MultiModel",
                                      "Environment": {"K": "v"}},
                 "Tags": [{"Key": "team", "Value": "ml"}]}""".formatted(ROLE));
        call("CreateModel", """
                {"ModelName": "pipe", "Containers": [{"ModelDataUrl": "mlgate://a"}, {"ModelDataUrl": "mlgate://b"}]}""");
        call("CreateEndpointConfig", """
                {"EndpointConfigName": "c1", "KmsKeyId": "alias/k",
                 "ProductionVariants": [{"VariantName": "a", "ModelName": "m1", "InitialInstanceCount": 2, "InitialVariantWeight": 1},
                                        {"VariantName": "b", "ModelName": "pipe", "InitialInstanceCount": 1, "InitialVariantWeight": 3}],
                 "DataCaptureConfig": {"InitialSamplingPercentage": 5, "DestinationS3Uri": "mlgate://capture/x",
                                       "CaptureOptions": [{"CaptureMode": "InputAndOutput"}]}}""");
        call("CreateEndpointConfig", """
                {"EndpointConfigName": "c2", "ProductionVariants": [{"VariantName": "a", "ModelName": "m1", "InitialInstanceCount": 1}]}""");
        call("CreateEndpoint", "{\"EndpointName\": \"serving\", \"EndpointConfigName\": \"c1\"}");
        runtime.complete(arn("endpoint", "serving"));
        call("UpdateEndpointWeightsAndCapacities", "{\"EndpointName\": \"serving\", \"DesiredWeightsAndCapacities\": "
                + "[{\"VariantName\": \"b\", \"DesiredWeight\": 9}]}");
        call("CreateEndpoint", "{\"EndpointName\": \"creating\", \"EndpointConfigName\": \"c2\"}");
        call("CreateEndpoint", "{\"EndpointName\": \"broken\", \"EndpointConfigName\": \"c2\"}");
        runtime.fail(arn("endpoint", "broken"), "bad artifact");
        call("CreateEndpoint", "{\"EndpointName\": \"moving\", \"EndpointConfigName\": \"c1\"}");
        runtime.complete(arn("endpoint", "moving"));
        call("UpdateEndpoint", "{\"EndpointName\": \"moving\", \"EndpointConfigName\": \"c2\"}");
    }

    @Test
    void everythingSurvivesARestartAndServingEndpointsAreRedeployed() throws Exception {
        setUpFleet();
        JsonNode model = call("DescribeModel", "{\"ModelName\": \"m1\"}");
        JsonNode config = call("DescribeEndpointConfig", "{\"EndpointConfigName\": \"c1\"}");
        JsonNode serving = call("DescribeEndpoint", "{\"EndpointName\": \"serving\"}");

        ControlledRuntime after = restart();

        assertThat(call("DescribeModel", "{\"ModelName\": \"m1\"}")).isEqualTo(model);
        assertThat(call("DescribeEndpointConfig", "{\"EndpointConfigName\": \"c1\"}")).isEqualTo(config);
        assertThat(call("DescribeEndpoint", "{\"EndpointName\": \"serving\"}")).isEqualTo(serving);
        assertThat(service.resourceTags(arn("model", "m1"))).isEqualTo(Map.of("team", "ml"));

        // serving, creating and (its previous config) moving are deployed again; the failed one is not.
        assertThat(after.calls).extracting(c -> c.plan().endpointName())
                .containsExactlyInAnyOrder("serving", "creating", "moving");
        assertThat(after.calls).allMatch(c -> c.kind().equals("deploy"));
        DeploymentPlan plan = after.calls.stream().filter(c -> c.plan().endpointName().equals("serving"))
                .findFirst().orElseThrow().plan();
        assertThat(plan.variant("b").weight()).isEqualTo(9.0);
        assertThat(plan.variant("b").pipeline()).isTrue();
        assertThat(plan.variant("b").containers()).hasSize(2);
        assertThat(plan.variant("a").containers().get(0).mode()).isEqualTo(ContainerDefinition.Mode.MULTI_MODEL);
        assertThat(plan.variant("a").networkIsolation()).isTrue();
        assertThat(plan.dataCapture().captureModes()).containsExactly("InputAndOutput");
        assertThat(plan.kmsKeyId()).isEqualTo("alias/k");

        JsonNode moving = call("DescribeEndpoint", "{\"EndpointName\": \"moving\"}");
        assertThat(moving.get("EndpointStatus").stringValue()).isEqualTo("InService");
        assertThat(moving.get("EndpointConfigName").stringValue()).isEqualTo("c1");
        assertThat(moving.get("FailureReason").stringValue()).contains("interrupted by a restart");
        assertThat(call("DescribeEndpoint", "{\"EndpointName\": \"broken\"}").get("FailureReason").stringValue())
                .isEqualTo("bad artifact");

        after.complete(arn("endpoint", "creating"));
        assertThat(call("DescribeEndpoint", "{\"EndpointName\": \"creating\"}").get("EndpointStatus").stringValue())
                .isEqualTo("InService");
        // The re-deployment itself can fail: a serving endpoint then becomes Failed.
        after.fail(arn("endpoint", "serving"), "artifact missing after restart");
        assertThat(call("DescribeEndpoint", "{\"EndpointName\": \"serving\"}").get("EndpointStatus").stringValue())
                .isEqualTo("Failed");
    }

    @Test
    void anEndpointIsRefusedUpdatesUntilItsRedeploymentCompletes() throws Exception {
        setUpFleet();
        ControlledRuntime after = restart();
        String body = "{\"EndpointName\": \"serving\", \"DesiredWeightsAndCapacities\": [{\"VariantName\": \"a\", \"DesiredWeight\": 2}]}";
        assertThatThrownBy(() -> call("UpdateEndpointWeightsAndCapacities", body))
                .hasMessageContaining("Cannot update in-progress endpoint");
        after.complete(arn("endpoint", "serving"));
        call("UpdateEndpointWeightsAndCapacities", body);
        assertThat(after.weights).hasSize(1);
    }

    @Test
    void theStateFileIsJsonAndHoldsNoUnexpectedPlaces() throws Exception {
        setUpFleet();
        Path file = dataDir.resolve("sagemaker").resolve("state.json");
        assertThat(file).exists();
        String text = Files.readString(file);
        assertThat(text).contains("\"format\" : \"mlgate-sagemaker-state\"");
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).containsExactly(file);
        }
    }

    @Test
    void aCorruptStateFileFailsLoudlyAndIsLeftAsItWas() throws Exception {
        setUpFleet();
        Path file = dataDir.resolve("sagemaker").resolve("state.json");
        String truncated = Files.readString(file).substring(0, 200);
        Files.writeString(file, truncated);
        assertThatThrownBy(() -> SageMakerState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt SageMaker state file");
        assertThat(Files.readString(file)).isEqualTo(truncated);

        Files.writeString(file, "{\"format\": \"something-else\", \"version\": 1}");
        assertThatThrownBy(() -> SageMakerState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a mlgate-sagemaker-state document");

        Files.writeString(file, "{\"format\": \"mlgate-sagemaker-state\", \"version\": 1, \"models\": "
                + "[{\"name\": \"m\"}], \"endpointConfigs\": [], \"endpoints\": []}");
        assertThatThrownBy(() -> SageMakerState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt");

        Files.writeString(file, "{\"format\": \"mlgate-sagemaker-state\", \"version\": 2}");
        assertThatThrownBy(() -> SageMakerState.open(dataDir)).hasMessageContaining("unsupported version");
    }

    @Test
    void anEmptyDataDirectoryOpensEmptyAndAValidFileOpensFull() throws Exception {
        SageMakerState empty = SageMakerState.open(dataDir.resolve("fresh"));
        assertThat(empty.snapshot().models()).isEmpty();
        setUpFleet();
        SageMakerState reopened = SageMakerState.open(dataDir);
        assertThat(reopened.snapshot().models()).hasSize(2);
        assertThat(reopened.snapshot().configs()).hasSize(2);
        assertThat(reopened.snapshot().endpoints()).hasSize(4);
        assertThat(new String(SageMakerState.serialize(reopened.snapshot()), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(reopened.file()));
    }
}
