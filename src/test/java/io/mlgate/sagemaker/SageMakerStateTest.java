package io.mlgate.sagemaker;

import io.mlgate.sts.MutableClock;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
import static io.mlgate.sagemaker.SageMakerRegistryTest.APPROVER;
import static io.mlgate.sagemaker.SageMakerRegistryTest.REGISTRANT;
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

    private JsonNode call(String op, String body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        JsonNode parsed = json(body);
        service.target(op, parsed, caller.accountId(), caller);
        return service.invoke(op, parsed, caller, context);
    }

    /** A fresh store and service over the same data directory, as after a restart. */
    private ControlledRuntime restart() throws IOException {
        return restart(RegistryGuardrail.defaults());
    }

    private ControlledRuntime restart(RegistryGuardrail guardrail) throws IOException {
        ControlledRuntime fresh = new ControlledRuntime();
        runtime = fresh;
        service = SageMakerService.start(SageMakerState.open(dataDir), fresh, clock, REGION,
                SageMakerLimits.defaults(), guardrail);
        return fresh;
    }

    private String register(String group, String url) throws JsonServiceException {
        return call("CreateModelPackage", """
                {"ModelPackageGroupName": "%s", "Tags": [{"Key": "stage", "Value": "candidate"}],
                 "InferenceSpecification": {"Containers": [{"Image": "local/onnx", "ModelDataUrl": "%s",
                                                             "Environment": {"K": "v"}}],
                                            "SupportedContentTypes": ["text/csv"]},
                 "CustomerMetadataProperties": {"git-sha": "abc"}}""".formatted(group, url), REGISTRANT,
                RequestContext.builder().put("aws:SourceIdentity", "alice").build())
                .get("ModelPackageArn").stringValue();
    }

    private void approve(String packageArn, String status) throws JsonServiceException {
        call("UpdateModelPackage", "{\"ModelPackageArn\": \"" + packageArn + "\", \"ModelApprovalStatus\": \""
                + status + "\", \"ApprovalDescription\": \"checked\"}", APPROVER, RequestContext.empty());
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

        Files.writeString(file, "{\"format\": \"mlgate-sagemaker-state\", \"version\": 3}");
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

    // ------------------------------------------------------------------ model registry

    @Test
    void theRegistrySurvivesARestartWithItsVersionNumbering() throws Exception {
        call("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"ModelPackageGroupDescription\": \"fraud models\", \"Tags\": [{\"Key\": \"team\", \"Value\": \"risk\"}]}");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        String v2 = register("Fraud", "mlgate://models/fraud-2");
        String v3 = register("Fraud", "mlgate://models/fraud-3");
        approve(v1, "Approved");
        approve(v2, "Rejected");
        call("DeleteModelPackage", "{\"ModelPackageName\": \"Fraud/3\"}");
        call("CreateModel", "{\"ModelName\": \"fraud-live\", \"PrimaryContainer\": {\"ModelPackageName\": \"" + v1
                + "\"}}");
        call("CreateModel", "{\"ModelName\": \"fraud-old\", \"PrimaryContainer\": {\"ModelPackageName\": \"" + v2
                + "\"}}");
        call("CreateEndpointConfig", "{\"EndpointConfigName\": \"live\", \"ProductionVariants\": [{\"VariantName\": "
                + "\"v\", \"ModelName\": \"fraud-live\", \"InitialInstanceCount\": 1}]}");
        call("CreateEndpointConfig", "{\"EndpointConfigName\": \"old\", \"ProductionVariants\": [{\"VariantName\": "
                + "\"v\", \"ModelName\": \"fraud-old\", \"InitialInstanceCount\": 1}]}");
        JsonNode group = call("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");
        JsonNode first = call("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/1\"}");
        JsonNode second = call("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/2\"}");
        JsonNode model = call("DescribeModel", "{\"ModelName\": \"fraud-live\"}");
        JsonNode list = call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\"}");

        restart(new RegistryGuardrail(true, true));

        assertThat(call("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}")).isEqualTo(group);
        assertThat(call("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/1\"}")).isEqualTo(first);
        assertThat(call("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/2\"}")).isEqualTo(second);
        assertThat(first.get("CreatedBy").get("IamIdentity").get("SourceIdentity").stringValue()).isEqualTo("alice");
        assertThat(first.get("LastModifiedBy").get("IamIdentity").get("Arn").stringValue())
                .isEqualTo(APPROVER.arn());
        assertThat(first.get("ApprovalDescription").stringValue()).isEqualTo("checked");
        assertThat(call("DescribeModel", "{\"ModelName\": \"fraud-live\"}")).isEqualTo(model);
        assertThat(call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\"}")).isEqualTo(list);
        assertThat(service.resourceTags(v1)).isEqualTo(Map.of("stage", "candidate"));
        assertThat(service.resourceTags(arn("model-package-group", "Fraud"))).isEqualTo(Map.of("team", "risk"));
        assertThatThrownBy(() -> call("DescribeModelPackage", "{\"ModelPackageName\": \"" + v3 + "\"}"))
                .hasMessageContaining("Could not find model package");

        // numbering goes on after the highest number ever given (3 was deleted, and is not given again)
        assertThat(register("Fraud", "mlgate://models/fraud-4")).isEqualTo(arn("model-package", "Fraud/4"));
        // the models still know which registration they came from: the approved one deploys, the rejected one not
        call("CreateEndpoint", "{\"EndpointName\": \"live\", \"EndpointConfigName\": \"live\"}");
        assertThat(runtime.last().plan().variant("v").containers().get(0).modelPackage().modelPackageArn())
                .isEqualTo(v1);
        assertThatThrownBy(() -> call("CreateEndpoint", "{\"EndpointName\": \"old\", \"EndpointConfigName\": \"old\"}"))
                .hasMessageContaining("model package " + v2 + " has ModelApprovalStatus Rejected");
        // and the registrant is still the registrant
        assertThatThrownBy(() -> call("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v2
                + "\", \"ModelApprovalStatus\": \"Approved\"}", REGISTRANT, RequestContext.empty()))
                .hasMessageContaining("separation of duties");

        SageMakerState reopened = SageMakerState.open(dataDir);
        assertThat(new String(SageMakerState.serialize(reopened.snapshot()), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(reopened.file()));
    }

    @Test
    void aStateFileWithoutTheRegistryOpensWithAnEmptyOne() throws Exception {
        Path file = dataDir.resolve("sagemaker").resolve("state.json");
        Files.writeString(file, "{\"format\": \"mlgate-sagemaker-state\", \"version\": 1, \"models\": [], "
                + "\"endpointConfigs\": [], \"endpoints\": []}");
        restart();
        assertThat(call("ListModelPackageGroups", "{}").get("ModelPackageGroupSummaryList")).isEmpty();
        call("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"g\"}");
        assertThat(Files.readString(file)).contains("\"version\" : 2").contains("\"modelPackageGroups\"");

        // a version-2 file must hold the registry, and its entries must be whole
        Files.writeString(file, "{\"format\": \"mlgate-sagemaker-state\", \"version\": 2, \"models\": [], "
                + "\"endpointConfigs\": [], \"endpoints\": []}");
        assertThatThrownBy(() -> SageMakerState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("missing array modelPackageGroups");
        Files.writeString(file, "{\"format\": \"mlgate-sagemaker-state\", \"version\": 2, \"models\": [], "
                + "\"endpointConfigs\": [], \"endpoints\": [], \"modelPackageGroups\": [], \"modelPackages\": "
                + "[{\"groupName\": \"g\", \"version\": 1}]}");
        assertThatThrownBy(() -> SageMakerState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void concurrentRegistrationsGetDistinctConsecutiveVersions() throws Exception {
        call("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                String url = "mlgate://models/fraud-" + i;
                futures.add(pool.submit(() -> register("Fraud", url)));
            }
            List<String> arns = new ArrayList<>();
            for (Future<String> f : futures) {
                arns.add(f.get());
            }
            List<String> expected = new ArrayList<>();
            for (int v = 1; v <= 40; v++) {
                expected.add(arn("model-package", "Fraud/" + v));
            }
            assertThat(arns).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            pool.shutdownNow();
        }
        restart();
        assertThat(register("Fraud", "mlgate://models/fraud-next")).isEqualTo(arn("model-package", "Fraud/41"));
    }
}
