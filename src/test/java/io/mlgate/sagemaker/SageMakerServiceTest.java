package io.mlgate.sagemaker;

import io.mlgate.sts.MutableClock;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SageMakerServiceTest {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final PrincipalContext CALLER = PrincipalContext.builder(
            "arn:aws:iam::" + ACCOUNT + ":user/ml", ACCOUNT, PrincipalType.USER).build();
    static final PrincipalContext OTHER = PrincipalContext.builder(
            "arn:aws:iam::210987654321:user/ml", "210987654321", PrincipalType.USER).build();
    static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/sm";

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

    // ------------------------------------------------------------------ helpers

    static JsonNode json(String text) {
        try {
            return JsonBodies.read(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonServiceException e) {
            throw new AssertionError(e);
        }
    }

    JsonNode call(String op, String body) throws JsonServiceException {
        return call(op, body, CALLER);
    }

    JsonNode call(String op, String body, PrincipalContext caller) throws JsonServiceException {
        JsonNode parsed = json(body);
        service.target(op, parsed, caller.accountId(), caller);
        return service.invoke(op, parsed, caller, RequestContext.empty());
    }

    JsonServiceException error(String op, String body) {
        try {
            call(op, body);
        } catch (JsonServiceException e) {
            return e;
        }
        throw new AssertionError(op + " succeeded: " + body);
    }

    void assertValidation(String op, String body, String messagePart) {
        JsonServiceException e = error(op, body);
        assertThat(e.code()).as(body).isEqualTo("ValidationException");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).as(body).contains(messagePart);
    }

    static String arn(String kind, String name) {
        return "arn:aws:sagemaker:" + REGION + ":" + ACCOUNT + ":" + kind + "/" + name;
    }

    void model(String name) throws JsonServiceException {
        call("CreateModel", """
                {"ModelName": "%s", "ExecutionRoleArn": "%s",
                 "PrimaryContainer": {"Image": "local/onnx", "ModelDataUrl": "mlgate://models/%s",
                                      "Environment": {"API_KEY": "s3cr3t-value", "MODE": "fast"}}}
                """.formatted(name, ROLE, name));
    }

    void config(String name, String... models) throws JsonServiceException {
        StringBuilder variants = new StringBuilder();
        for (int i = 0; i < models.length; i++) {
            variants.append(i == 0 ? "" : ",").append("""
                    {"VariantName": "v%d", "ModelName": "%s", "InitialInstanceCount": %d,
                     "InstanceType": "ml.m5.large", "InitialVariantWeight": 1.0}""".formatted(i + 1, models[i], i + 1));
        }
        call("CreateEndpointConfig", """
                {"EndpointConfigName": "%s", "KmsKeyId": "alias/models", "ProductionVariants": [%s]}
                """.formatted(name, variants));
    }

    void endpoint(String name, String config) throws JsonServiceException {
        call("CreateEndpoint", """
                {"EndpointName": "%s", "EndpointConfigName": "%s"}""".formatted(name, config));
    }

    JsonNode describeEndpoint(String name) throws JsonServiceException {
        return call("DescribeEndpoint", "{\"EndpointName\": \"" + name + "\"}");
    }

    String inService(String name, String config) throws JsonServiceException {
        endpoint(name, config);
        runtime.complete(arn("endpoint", name.toLowerCase()));
        return arn("endpoint", name.toLowerCase());
    }

    // ------------------------------------------------------------------ inter-node encryption tag

    @Test
    void theInterContainerEncryptionTagIsValidatedAndReachesTheDeploymentPlan() throws JsonServiceException {
        model("m");
        String tag = DeploymentPlan.INTER_CONTAINER_ENCRYPTION_TAG;
        String variants = """
                [{"VariantName": "v1", "ModelName": "m", "InitialInstanceCount": 2, "InstanceType": "ml.m5.large"}]""";
        assertValidation("CreateEndpointConfig", """
                {"EndpointConfigName": "bad", "ProductionVariants": %s, "Tags": [{"Key": "%s", "Value": "yes"}]}
                """.formatted(variants, tag), "takes the value true or false");
        assertValidation("CreateModel", """
                {"ModelName": "m2", "ExecutionRoleArn": "%s", "PrimaryContainer": {"Image": "local/onnx",
                 "ModelDataUrl": "mlgate://models/m2"}, "Tags": [{"Key": "%s", "Value": "true"}]}
                """.formatted(ROLE, tag), "belongs on an endpoint configuration");
        call("CreateEndpointConfig", """
                {"EndpointConfigName": "enc", "ProductionVariants": %s, "Tags": [{"Key": "%s", "Value": "true"}]}
                """.formatted(variants, tag));
        endpoint("e", "enc");
        DeploymentPlan plan = runtime.last().plan();
        assertThat(plan.configTags()).containsEntry(tag, "true");
        assertThat(plan.interContainerEncryption()).isTrue();
        assertValidation("AddTags", "{\"ResourceArn\": \"" + arn("endpoint-config", "enc")
                + "\", \"Tags\": [{\"Key\": \"" + tag + "\", \"Value\": \"TRUE\"}]}", "true or false");

        call("CreateEndpointConfig", """
                {"EndpointConfigName": "plain", "ProductionVariants": %s}""".formatted(variants));
        endpoint("f", "plain");
        assertThat(runtime.last().plan().interContainerEncryption()).isFalse();
    }

    // ------------------------------------------------------------------ models

    @Test
    void createModelRecordsItAndLowercasesTheArn() throws JsonServiceException {
        JsonNode out = call("CreateModel", """
                {"ModelName": "Iris-Model", "ExecutionRoleArn": "%s", "EnableNetworkIsolation": true,
                 "PrimaryContainer": {"Image": "local/onnx", "ModelDataUrl": "mlgate://models/iris", "Mode": "SingleModel",
                                      "Environment": {"A": "1"}},
                 "Tags": [{"Key": "team", "Value": "ml"}]}""".formatted(ROLE));
        assertThat(out.get("ModelArn").stringValue()).isEqualTo(arn("model", "iris-model"));

        JsonNode d = call("DescribeModel", "{\"ModelName\": \"iris-model\"}");
        assertThat(d.get("ModelName").stringValue()).isEqualTo("Iris-Model");
        assertThat(d.get("ModelArn").stringValue()).isEqualTo(arn("model", "iris-model"));
        assertThat(d.get("ExecutionRoleArn").stringValue()).isEqualTo(ROLE);
        assertThat(d.get("EnableNetworkIsolation").booleanValue()).isTrue();
        assertThat(d.get("PrimaryContainer").get("ModelDataUrl").stringValue()).isEqualTo("mlgate://models/iris");
        assertThat(d.get("PrimaryContainer").get("Image").stringValue()).isEqualTo("local/onnx");
        assertThat(d.get("PrimaryContainer").get("Environment").get("A").stringValue()).isEqualTo("1");
        assertThat(d.get("CreationTime").decimalValue().longValue())
                .isEqualTo(Instant.parse("2026-11-26T10:00:00Z").getEpochSecond());
        assertThat(d.has("Containers")).isFalse();
    }

    @Test
    void pipelineModelsKeepTheirContainersInOrder() throws JsonServiceException {
        call("CreateModel", """
                {"ModelName": "pipe", "Containers": [
                  {"ContainerHostname": "scale", "ModelDataUrl": "mlgate://models/scale"},
                  {"ContainerHostname": "pca", "ModelDataUrl": "mlgate://models/pca"},
                  {"ContainerHostname": "clf", "ModelDataUrl": "mlgate://models/clf"}]}""");
        JsonNode d = call("DescribeModel", "{\"ModelName\": \"pipe\"}");
        assertThat(d.get("Containers")).hasSize(3);
        assertThat(d.get("Containers").get(2).get("ContainerHostname").stringValue()).isEqualTo("clf");
        assertThat(d.has("PrimaryContainer")).isFalse();
    }

    @Test
    void createModelNeedsPassRoleOnItsExecutionRole() throws Exception {
        java.util.List<String> asked = new java.util.ArrayList<>();
        service = SageMakerService.start(SageMakerState.open(dataDir.resolve("passrole")), runtime, clock, REGION,
                SageMakerLimits.defaults(), RegistryGuardrail.defaults(), (caller, context, role) -> {
                    asked.add(caller.arn() + " " + role);
                    return !role.endsWith("/admin");
                });
        model("allowed");
        assertThat(asked).containsExactly(CALLER.arn() + " " + ROLE);
        JsonServiceException e = error("CreateModel", """
                {"ModelName": "borrowed", "ExecutionRoleArn": "arn:aws:iam::%s:role/admin",
                 "PrimaryContainer": {"ModelDataUrl": "s3://mlgate-models/iris"}}
                """.formatted(ACCOUNT));
        assertThat(e.code()).isEqualTo("AccessDeniedException");
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.getMessage()).contains("is not authorized to perform: iam:PassRole on resource: arn:aws:iam::"
                + ACCOUNT + ":role/admin");
        assertThat(error("DescribeModel", "{\"ModelName\": \"borrowed\"}").code())
                .isEqualTo("ValidationException");
    }

    @Test
    void createModelRefusesBadInput() {
        assertValidation("CreateModel", "{\"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://m\"}}",
                "Value null at 'modelName' failed to satisfy constraint: Member must not be null");
        assertValidation("CreateModel", "{\"ModelName\": \"bad_name\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://m\"}}",
                "Value 'bad_name' at 'modelName' failed to satisfy constraint: Member must satisfy regular expression pattern");
        assertValidation("CreateModel", "{\"ModelName\": \"" + "a".repeat(64) + "\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://m\"}}",
                "Member must have length less than or equal to 63");
        assertValidation("CreateModel", "{\"ModelName\": \"m\"}", "Either PrimaryContainer or Containers");
        assertValidation("CreateModel", """
                {"ModelName": "m", "PrimaryContainer": {"ModelDataUrl": "mlgate://a"},
                 "Containers": [{"ModelDataUrl": "mlgate://a"}]}""", "not both");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"Containers\": ["
                + "{\"ModelDataUrl\": \"mlgate://a\"},".repeat(5) + "{\"ModelDataUrl\": \"mlgate://a\"}]}",
                "at 'containers' failed to satisfy constraint: Member must have length less than or equal to 5");
        assertValidation("CreateModel", """
                {"ModelName": "m", "Containers": [{"ModelDataUrl": "mlgate://a", "Mode": "MultiModel"},
                                                  {"ModelDataUrl": "mlgate://b"}]}""", "MultiModel mode is not supported");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"Image\": \"x\"}}",
                "ModelDataUrl is required");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelDataUrl\": \"ftp://x/y\"}}",
                "at 'primaryContainer.modelDataUrl'");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://a\", \"Mode\": \"Many\"}}",
                "Member must satisfy enum value set: [MultiModel, SingleModel]");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"ExecutionRoleArn\": \"arn:aws:iam::1:user/x\", "
                + "\"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://a\"}}", "at 'executionRoleArn'");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"VpcConfig\": {}, "
                + "\"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://a\"}}", "vpcConfig is not supported");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://a\", "
                + "\"Environment\": {\"1BAD\": \"x\"}}}", "'1BAD' at 'primaryContainer.environment'");
        assertThat(error("CreateModel", "{\"ModelName\": 5, \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://a\"}}")
                .code()).isEqualTo("SerializationException");
    }

    @Test
    void aTooLongEnvironmentValueIsRefusedWithoutShowingIt() {
        String secret = "topsecret-" + "x".repeat(1100);
        JsonServiceException e = error("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": "
                + "{\"ModelDataUrl\": \"mlgate://a\", \"Environment\": {\"TOKEN\": \"" + secret + "\"}}}");
        assertThat(e.getMessage()).contains("primaryContainer.environment.TOKEN")
                .contains("less than or equal to 1024").doesNotContain("topsecret");
    }

    @Test
    void duplicateModelNamesAreRefusedCaseInsensitively() throws JsonServiceException {
        model("Iris");
        assertValidation("CreateModel", "{\"ModelName\": \"iris\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://a\"}}",
                "Cannot create already existing model \"" + arn("model", "iris") + "\".");
    }

    @Test
    void describeAndDeleteOfAMissingModelSayCouldNotFind() throws JsonServiceException {
        assertValidation("DescribeModel", "{\"ModelName\": \"ghost\"}",
                "Could not find model \"" + arn("model", "ghost") + "\".");
        model("m1");
        call("DeleteModel", "{\"ModelName\": \"m1\"}");
        assertValidation("DescribeModel", "{\"ModelName\": \"m1\"}", "Could not find model");
        assertValidation("DeleteModel", "{\"ModelName\": \"m1\"}", "Could not find model");
    }

    @Test
    void anotherAccountSeesNoneOfTheModels() throws JsonServiceException {
        model("m1");
        assertThat(call("ListModels", "{}", OTHER).get("Models")).isEmpty();
        assertThat(call("ListModels", "{}").get("Models")).hasSize(1);
        assertThatThrownBy(() -> call("DescribeModel", "{\"ModelName\": \"m1\"}", OTHER))
                .hasMessageContaining("Could not find model \"arn:aws:sagemaker:us-east-1:210987654321:model/m1\"");
    }

    @Test
    void modelLimitIsResourceLimitExceeded() throws IOException, JsonServiceException {
        service = SageMakerService.start(SageMakerState.open(dataDir.resolve("small")), runtime, clock, REGION,
                new SageMakerLimits(1, 1, 1, 2));
        model("m1");
        JsonServiceException e = error("CreateModel",
                "{\"ModelName\": \"m2\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://a\"}}");
        assertThat(e.code()).isEqualTo("ResourceLimitExceeded");
        JsonServiceException count = error("CreateEndpointConfig", """
                {"EndpointConfigName": "c", "ProductionVariants": [{"VariantName": "v", "ModelName": "m1",
                 "InitialInstanceCount": 3}]}""");
        assertThat(count.code()).isEqualTo("ResourceLimitExceeded");
    }

    // ------------------------------------------------------------------ endpoint configurations

    @Test
    void endpointConfigIsDescribedAsCreatedWithDataCaptureKept() throws JsonServiceException {
        model("m1");
        call("CreateEndpointConfig", """
                {"EndpointConfigName": "c1", "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abc",
                 "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "m1", "InitialInstanceCount": 2,
                                         "InstanceType": "ml.m5.large", "InitialVariantWeight": 0.5}],
                 "DataCaptureConfig": {"EnableCapture": true, "InitialSamplingPercentage": 20,
                   "DestinationS3Uri": "mlgate://capture/c1", "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                   "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]}}}""");
        JsonNode d = call("DescribeEndpointConfig", "{\"EndpointConfigName\": \"c1\"}");
        assertThat(d.get("EndpointConfigArn").stringValue()).isEqualTo(arn("endpoint-config", "c1"));
        JsonNode v = d.get("ProductionVariants").get(0);
        assertThat(v.get("VariantName").stringValue()).isEqualTo("AllTraffic");
        assertThat(v.get("InitialInstanceCount").intValue()).isEqualTo(2);
        assertThat(v.get("InitialVariantWeight").doubleValue()).isEqualTo(0.5);
        assertThat(v.get("InstanceType").stringValue()).isEqualTo("ml.m5.large");
        assertThat(d.get("KmsKeyId").stringValue()).isEqualTo("arn:aws:kms:us-east-1:123456789012:key/abc");
        JsonNode capture = d.get("DataCaptureConfig");
        assertThat(capture.get("InitialSamplingPercentage").intValue()).isEqualTo(20);
        assertThat(capture.get("CaptureOptions").get(1).get("CaptureMode").stringValue()).isEqualTo("Output");
        assertThat(capture.get("CaptureContentTypeHeader").get("JsonContentTypes").get(0).stringValue())
                .isEqualTo("application/json");
    }

    @Test
    void endpointConfigRefusesBadInput() throws JsonServiceException {
        model("m1");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": "
                + "[{\"VariantName\": \"v\", \"ModelName\": \"nope\", \"InitialInstanceCount\": 1}]}",
                "Could not find model \"" + arn("model", "nope") + "\".");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("{\"VariantName\": \"v" + i
                    + "\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 1}");
        }
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": [" + eleven + "]}",
                "at 'productionVariants' failed to satisfy constraint: Member must have length less than or equal to 10");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": []}",
                "Member must have length greater than or equal to 1");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\"}",
                "Value null at 'productionVariants'");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": ["
                + "{\"VariantName\": \"v\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 1},"
                + "{\"VariantName\": \"V\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 1}]}",
                "used by more than one production variant");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": ["
                + "{\"VariantName\": \"v\", \"ModelName\": \"m1\"}]}", "InitialInstanceCount is required");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": ["
                + "{\"VariantName\": \"v\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 0}]}",
                "at 'productionVariants.1.member.initialInstanceCount'");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": ["
                + "{\"VariantName\": \"v\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 1, \"InitialVariantWeight\": -1}]}",
                "Member must have value greater than or equal to 0");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": ["
                + "{\"VariantName\": \"v_1\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 1}]}",
                "at 'productionVariants.1.member.variantName'");
        String variant = "[{\"VariantName\": \"v\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 1}]";
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": " + variant
                + ", \"DataCaptureConfig\": {\"InitialSamplingPercentage\": 101, \"DestinationS3Uri\": \"s3://b/p\", "
                + "\"CaptureOptions\": [{\"CaptureMode\": \"Input\"}]}}",
                "at 'dataCaptureConfig.initialSamplingPercentage'");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": " + variant
                + ", \"DataCaptureConfig\": {\"InitialSamplingPercentage\": 10, \"DestinationS3Uri\": \"s3://b/p\", "
                + "\"CaptureOptions\": [{\"CaptureMode\": \"Everything\"}]}}",
                "at 'dataCaptureConfig.captureOptions.1.member.captureMode'");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": " + variant
                + ", \"DataCaptureConfig\": {\"InitialSamplingPercentage\": 10, \"DestinationS3Uri\": \"s3://b/p\"}}",
                "Value null at 'dataCaptureConfig.captureOptions'");
        call("CreateEndpointConfig", "{\"EndpointConfigName\": \"c\", \"ProductionVariants\": " + variant + "}");
        assertValidation("CreateEndpointConfig", "{\"EndpointConfigName\": \"C\", \"ProductionVariants\": " + variant + "}",
                "Cannot create already existing endpoint configuration \"" + arn("endpoint-config", "c") + "\".");
    }

    @Test
    void deletingAConfigOrModelInUseLeavesTheEndpointServing() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        inService("e1", "c1");
        call("DeleteEndpointConfig", "{\"EndpointConfigName\": \"c1\"}");
        call("DeleteModel", "{\"ModelName\": \"m1\"}");
        assertValidation("DescribeEndpointConfig", "{\"EndpointConfigName\": \"c1\"}",
                "Could not find endpoint configuration \"" + arn("endpoint-config", "c1") + "\".");
        JsonNode d = describeEndpoint("e1");
        assertThat(d.get("EndpointStatus").stringValue()).isEqualTo("InService");
        assertThat(d.get("EndpointConfigName").stringValue()).isEqualTo("c1");
        assertThat(runtime.undeployed).isEmpty();
    }

    // ------------------------------------------------------------------ endpoints

    @Test
    void createEndpointIsCreatingThenInServiceWithThePlanTheRuntimeGot() throws JsonServiceException {
        model("m1");
        model("m2");
        config("c1", "m1", "m2");
        JsonNode out = call("CreateEndpoint", "{\"EndpointName\": \"Demo\", \"EndpointConfigName\": \"c1\"}");
        String arn = arn("endpoint", "demo");
        assertThat(out.get("EndpointArn").stringValue()).isEqualTo(arn);

        JsonNode creating = describeEndpoint("Demo");
        assertThat(creating.get("EndpointStatus").stringValue()).isEqualTo("Creating");
        assertThat(creating.get("ProductionVariants").get(0).has("CurrentWeight")).isFalse();
        assertThat(creating.get("ProductionVariants").get(0).get("DesiredInstanceCount").intValue()).isEqualTo(1);

        DeploymentPlan plan = runtime.last().plan();
        assertThat(runtime.last().kind()).isEqualTo("deploy");
        assertThat(plan.endpointArn()).isEqualTo(arn);
        assertThat(plan.endpointName()).isEqualTo("Demo");
        assertThat(plan.kmsKeyId()).isEqualTo("alias/models");
        assertThat(plan.variants()).extracting(DeploymentPlan.Variant::variantName).containsExactly("v1", "v2");
        assertThat(plan.variant("v2").instanceCount()).isEqualTo(2);
        assertThat(plan.variant("v2").modelArn()).isEqualTo(arn("model", "m2"));
        assertThat(plan.variant("v1").executionRoleArn()).isEqualTo(ROLE);
        assertThat(plan.variant("v1").containers().get(0).modelDataUrl()).isEqualTo("mlgate://models/m1");
        assertThat(plan.variant("v1").containers().get(0).environment()).containsEntry("API_KEY", "s3cr3t-value");

        clock.advance(Duration.ofSeconds(30));
        runtime.complete(arn);
        JsonNode d = describeEndpoint("demo");
        assertThat(d.get("EndpointStatus").stringValue()).isEqualTo("InService");
        assertThat(d.get("LastModifiedTime").decimalValue().longValue())
                .isEqualTo(Instant.parse("2026-11-26T10:00:30Z").getEpochSecond());
        JsonNode v2 = d.get("ProductionVariants").get(1);
        assertThat(v2.get("CurrentWeight").doubleValue()).isEqualTo(1.0);
        assertThat(v2.get("CurrentInstanceCount").intValue()).isEqualTo(2);
        assertThat(v2.get("DeployedImages").get(0).get("SpecifiedImage").stringValue()).isEqualTo("local/onnx");
        assertThat(d.has("FailureReason")).isFalse();
    }

    @Test
    void aFailedDeploymentShowsItsReasonAndCanBeDeleted() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        endpoint("e1", "c1");
        runtime.fail(arn("endpoint", "e1"), "The model artifact mlgate://models/m1 could not be decrypted.");
        JsonNode d = describeEndpoint("e1");
        assertThat(d.get("EndpointStatus").stringValue()).isEqualTo("Failed");
        assertThat(d.get("FailureReason").stringValue()).contains("could not be decrypted");
        assertValidation("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c1\"}",
                "in status Failed");
        call("DeleteEndpoint", "{\"EndpointName\": \"e1\"}");
        assertThat(runtime.undeployed).containsExactly(arn("endpoint", "e1"));
        assertValidation("DescribeEndpoint", "{\"EndpointName\": \"e1\"}",
                "Could not find endpoint \"" + arn("endpoint", "e1") + "\".");
    }

    @Test
    void createEndpointNeedsAnExistingConfigAndAFreeName() throws JsonServiceException {
        assertValidation("CreateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"nope\"}",
                "Could not find endpoint configuration \"" + arn("endpoint-config", "nope") + "\".");
        assertThat(runtime.calls).isEmpty();
        assertValidation("CreateEndpoint", "{\"EndpointName\": \"e1\"}", "Value null at 'endpointConfigName'");
        assertValidation("CreateEndpoint", "{\"EndpointName\": \"-e1\", \"EndpointConfigName\": \"c\"}",
                "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
        model("m1");
        config("c1", "m1");
        endpoint("e1", "c1");
        assertValidation("CreateEndpoint", "{\"EndpointName\": \"E1\", \"EndpointConfigName\": \"c1\"}",
                "Cannot create already existing endpoint \"" + arn("endpoint", "e1") + "\".");
        assertThat(runtime.calls).hasSize(1);
    }

    @Test
    void anEndpointInProgressCannotBeDeletedOrUpdated() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        endpoint("e1", "c1");
        String inProgress = "Cannot update in-progress endpoint \"" + arn("endpoint", "e1") + "\".";
        assertValidation("DeleteEndpoint", "{\"EndpointName\": \"e1\"}", inProgress);
        assertValidation("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c1\"}", inProgress);
        assertValidation("UpdateEndpointWeightsAndCapacities", "{\"EndpointName\": \"e1\", "
                + "\"DesiredWeightsAndCapacities\": [{\"VariantName\": \"v1\", \"DesiredWeight\": 2}]}", inProgress);
        runtime.complete(arn("endpoint", "e1"));
        call("DeleteEndpoint", "{\"EndpointName\": \"e1\"}");
        assertValidation("DeleteEndpoint", "{\"EndpointName\": \"e1\"}", "Could not find endpoint");
    }

    @Test
    void updateEndpointSwitchesConfigWhenTheRuntimeIsReady() throws JsonServiceException {
        model("m1");
        model("m2");
        config("c1", "m1");
        config("c2", "m1", "m2");
        String arn = inService("e1", "c1");
        call("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c2\"}");
        assertThat(runtime.last().kind()).isEqualTo("update");
        assertThat(runtime.last().plan().endpointConfigName()).isEqualTo("c2");

        JsonNode updating = describeEndpoint("e1");
        assertThat(updating.get("EndpointStatus").stringValue()).isEqualTo("Updating");
        assertThat(updating.get("EndpointConfigName").stringValue()).isEqualTo("c1");
        assertThat(updating.get("PendingDeploymentSummary").get("EndpointConfigName").stringValue()).isEqualTo("c2");
        assertValidation("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c2\"}",
                "Cannot update in-progress endpoint");

        runtime.complete(arn);
        JsonNode d = describeEndpoint("e1");
        assertThat(d.get("EndpointStatus").stringValue()).isEqualTo("InService");
        assertThat(d.get("EndpointConfigName").stringValue()).isEqualTo("c2");
        assertThat(d.get("ProductionVariants")).hasSize(2);
        assertThat(d.has("PendingDeploymentSummary")).isFalse();
    }

    @Test
    void aFailedUpdateKeepsTheOldConfigServingAndSaysWhy() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        config("c2", "m1");
        String arn = inService("e1", "c1");
        call("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c2\"}");
        runtime.fail(arn, "out of memory");
        JsonNode d = describeEndpoint("e1");
        assertThat(d.get("EndpointStatus").stringValue()).isEqualTo("InService");
        assertThat(d.get("EndpointConfigName").stringValue()).isEqualTo("c1");
        assertThat(d.get("FailureReason").stringValue()).contains("c2").contains("out of memory");
        // A completion delivered twice changes nothing.
        runtime.complete(arn);
        assertThat(describeEndpoint("e1").get("EndpointConfigName").stringValue()).isEqualTo("c1");
    }

    @Test
    void aRuntimeThatCompletesBeforeDeployReturnsIsHandled() throws Exception {
        EndpointRuntime immediate = new EndpointRuntime() {
            @Override
            public void deploy(DeploymentPlan plan, java.util.function.Consumer<DeploymentOutcome> done) {
                done.accept(DeploymentOutcome.serving());
            }

            @Override
            public void update(DeploymentPlan plan, java.util.function.Consumer<DeploymentOutcome> done) {
                done.accept(DeploymentOutcome.failed("no room"));
            }

            @Override
            public void setWeights(String endpointArn, Map<String, Double> w, Map<String, Integer> c) {
            }

            @Override
            public void undeploy(String endpointArn) {
            }
        };
        service = SageMakerService.start(SageMakerState.open(dataDir.resolve("sync")), immediate, clock, REGION);
        model("m1");
        config("c1", "m1");
        endpoint("e1", "c1");
        assertThat(describeEndpoint("e1").get("EndpointStatus").stringValue()).isEqualTo("InService");
        call("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c1\"}");
        JsonNode d = describeEndpoint("e1");
        assertThat(d.get("EndpointStatus").stringValue()).isEqualTo("InService");
        assertThat(d.get("FailureReason").stringValue()).contains("no room");
    }

    @Test
    void aLateCompletionOfAnEarlierDeploymentIsIgnored() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        config("c2", "m1");
        String arn = inService("e1", "c1");
        call("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c2\"}");
        java.util.function.Consumer<DeploymentOutcome> first = runtime.completionOf(arn);
        first.accept(DeploymentOutcome.failed("first attempt failed"));
        call("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c2\"}");
        first.accept(DeploymentOutcome.serving());
        JsonNode d = describeEndpoint("e1");
        assertThat(d.get("EndpointStatus").stringValue()).isEqualTo("Updating");
        assertThat(d.get("EndpointConfigName").stringValue()).isEqualTo("c1");
        runtime.complete(arn);
        assertThat(describeEndpoint("e1").get("EndpointConfigName").stringValue()).isEqualTo("c2");
    }

    @Test
    void updateCanRetainTheCurrentWeightsAndCounts() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        config("c2", "m1");
        String arn = inService("e1", "c1");
        call("UpdateEndpointWeightsAndCapacities", "{\"EndpointName\": \"e1\", \"DesiredWeightsAndCapacities\": "
                + "[{\"VariantName\": \"v1\", \"DesiredWeight\": 3, \"DesiredInstanceCount\": 4}]}");
        call("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c2\", "
                + "\"RetainAllVariantProperties\": true, "
                + "\"ExcludeRetainedVariantProperties\": [{\"VariantPropertyType\": \"DesiredInstanceCount\"}]}");
        DeploymentPlan.Variant v = runtime.last().plan().variant("v1");
        assertThat(v.weight()).isEqualTo(3.0);
        assertThat(v.instanceCount()).isEqualTo(1);
        runtime.complete(arn);
        call("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c1\"}");
        assertThat(runtime.last().plan().variant("v1").weight()).isEqualTo(1.0);
    }

    @Test
    void updateEndpointNeedsAnExistingConfig() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        inService("e1", "c1");
        assertValidation("UpdateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c9\"}",
                "Could not find endpoint configuration \"" + arn("endpoint-config", "c9") + "\".");
        assertValidation("UpdateEndpoint", "{\"EndpointName\": \"e9\", \"EndpointConfigName\": \"c1\"}",
                "Could not find endpoint \"" + arn("endpoint", "e9") + "\".");
        assertThat(describeEndpoint("e1").get("EndpointStatus").stringValue()).isEqualTo("InService");
    }

    @Test
    void weightsUpdateIsVisibleInDescribeAndReachesTheRuntime() throws JsonServiceException {
        model("m1");
        model("m2");
        config("c1", "m1", "m2");
        String arn = inService("e1", "c1");
        JsonNode out = call("UpdateEndpointWeightsAndCapacities", """
                {"EndpointName": "e1", "DesiredWeightsAndCapacities": [
                  {"VariantName": "v1", "DesiredWeight": 0.1}, {"VariantName": "v2", "DesiredWeight": 0.9, "DesiredInstanceCount": 3}]}""");
        assertThat(out.get("EndpointArn").stringValue()).isEqualTo(arn);
        JsonNode variants = describeEndpoint("e1").get("ProductionVariants");
        assertThat(variants.get(0).get("CurrentWeight").doubleValue()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(variants.get(0).get("CurrentInstanceCount").intValue()).isEqualTo(1);
        assertThat(variants.get(1).get("CurrentWeight").doubleValue()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(variants.get(1).get("DesiredInstanceCount").intValue()).isEqualTo(3);
        assertThat(runtime.weights).containsExactly(new ControlledRuntime.Weights(arn,
                Map.of("v1", 0.1, "v2", 0.9), Map.of("v2", 3)));

        assertValidation("UpdateEndpointWeightsAndCapacities", "{\"EndpointName\": \"e1\", "
                + "\"DesiredWeightsAndCapacities\": [{\"VariantName\": \"v7\", \"DesiredWeight\": 1}]}",
                "[v7] are not present");
        assertValidation("UpdateEndpointWeightsAndCapacities", "{\"EndpointName\": \"e1\", "
                + "\"DesiredWeightsAndCapacities\": [{\"VariantName\": \"v1\"}]}", "Specify DesiredWeight");
        assertValidation("UpdateEndpointWeightsAndCapacities", "{\"EndpointName\": \"e1\", "
                + "\"DesiredWeightsAndCapacities\": []}", "Member must have length greater than or equal to 1");
        assertThat(runtime.weights).hasSize(1);
    }

    // ------------------------------------------------------------------ listing

    @Test
    void listEndpointsPagesFiltersAndSorts() throws JsonServiceException {
        model("m1");
        config("c1", "m1");
        for (String name : new String[] {"alpha", "bravo", "charlie", "delta", "echo-prod"}) {
            endpoint(name, "c1");
            clock.advance(Duration.ofMinutes(1));
        }
        runtime.complete(arn("endpoint", "bravo"));
        runtime.fail(arn("endpoint", "delta"), "broken");

        JsonNode first = call("ListEndpoints", "{\"MaxResults\": 2}");
        assertThat(names(first)).containsExactly("echo-prod", "delta");
        String token = first.get("NextToken").stringValue();
        JsonNode second = call("ListEndpoints", "{\"MaxResults\": 2, \"NextToken\": \"" + token + "\"}");
        assertThat(names(second)).containsExactly("charlie", "bravo");
        JsonNode third = call("ListEndpoints", "{\"MaxResults\": 2, \"NextToken\": \""
                + second.get("NextToken").stringValue() + "\"}");
        assertThat(names(third)).containsExactly("alpha");
        assertThat(third.has("NextToken")).isFalse();

        assertThat(names(call("ListEndpoints", "{\"SortBy\": \"Name\", \"SortOrder\": \"Ascending\"}")))
                .containsExactly("alpha", "bravo", "charlie", "delta", "echo-prod");
        assertThat(names(call("ListEndpoints", "{\"NameContains\": \"PROD\"}"))).containsExactly("echo-prod");
        assertThat(names(call("ListEndpoints", "{\"StatusEquals\": \"InService\"}"))).containsExactly("bravo");
        assertThat(names(call("ListEndpoints", "{\"StatusEquals\": \"Failed\"}"))).containsExactly("delta");
        long t = Instant.parse("2026-11-26T10:02:00Z").getEpochSecond();
        assertThat(names(call("ListEndpoints", "{\"CreationTimeBefore\": " + t + "}")))
                .containsExactly("bravo", "alpha");
        assertThat(names(call("ListEndpoints", "{\"CreationTimeAfter\": " + t + ", \"SortOrder\": \"Ascending\"}")))
                .containsExactly("delta", "echo-prod");
        assertThat(call("ListEndpoints", "{}").get("Endpoints")).hasSize(5);

        assertValidation("ListEndpoints", "{\"NextToken\": \"garbage\"}", "NextToken is not valid");
        assertValidation("ListEndpoints", "{\"MaxResults\": 3, \"NameContains\": \"a\", \"NextToken\": \"" + token + "\"}",
                "NextToken is not valid");
        assertValidation("ListEndpoints", "{\"MaxResults\": 101}", "less than or equal to 100");
        assertValidation("ListEndpoints", "{\"StatusEquals\": \"Sleeping\"}", "enum value set");
        assertValidation("ListEndpoints", "{\"SortBy\": \"Size\"}", "enum value set");
    }

    @Test
    void listModelsAndConfigsPageToo() throws JsonServiceException {
        for (int i = 0; i < 12; i++) {
            model("m" + i);
            clock.advance(Duration.ofSeconds(1));
        }
        JsonNode first = call("ListModels", "{}");
        assertThat(first.get("Models")).hasSize(10);
        assertThat(first.get("Models").get(0).get("ModelName").stringValue()).isEqualTo("m11");
        JsonNode rest = call("ListModels", "{\"NextToken\": \"" + first.get("NextToken").stringValue() + "\"}");
        assertThat(rest.get("Models")).hasSize(2);
        assertThat(call("ListModels", "{\"NameContains\": \"m1\", \"SortBy\": \"Name\", \"SortOrder\": \"Ascending\"}")
                .get("Models")).extracting(n -> n.get("ModelName").stringValue()).containsExactly("m1", "m10", "m11");
        config("c1", "m1");
        config("c2", "m2");
        assertThat(call("ListEndpointConfigs", "{\"SortBy\": \"Name\", \"SortOrder\": \"Descending\"}")
                .get("EndpointConfigs")).extracting(n -> n.get("EndpointConfigName").stringValue())
                .containsExactly("c2", "c1");
        assertValidation("ListModels", "{\"StatusEquals\": \"InService\"}", "statusEquals is not supported");
    }

    private static java.util.List<String> names(JsonNode list) {
        java.util.List<String> out = new java.util.ArrayList<>();
        list.get("Endpoints").forEach(n -> out.add(n.get("EndpointName").stringValue()));
        return out;
    }

    // ------------------------------------------------------------------ tags

    @Test
    void tagsAreAddedListedDeletedAndFeedConditionKeys() throws JsonServiceException {
        model("m1");
        String arn = arn("model", "m1");
        JsonNode added = call("AddTags", "{\"ResourceArn\": \"" + arn + "\", \"Tags\": [{\"Key\": \"team\", \"Value\": \"ml\"},"
                + "{\"Key\": \"stage\", \"Value\": \"dev\"}]}");
        assertThat(added.get("Tags")).hasSize(2);
        call("AddTags", "{\"ResourceArn\": \"" + arn + "\", \"Tags\": [{\"Key\": \"stage\", \"Value\": \"prod\"}]}");
        JsonNode list = call("ListTags", "{\"ResourceArn\": \"" + arn + "\"}");
        assertThat(list.get("Tags")).hasSize(2);
        assertThat(service.resourceTags(arn)).containsExactly(Map.entry("team", "ml"), Map.entry("stage", "prod"));
        assertThat(service.resourceTags(arn("model", "ghost"))).isEmpty();

        call("DeleteTags", "{\"ResourceArn\": \"" + arn + "\", \"TagKeys\": [\"team\", \"absent\"]}");
        assertThat(service.resourceTags(arn)).containsExactly(Map.entry("stage", "prod"));

        assertValidation("AddTags", "{\"ResourceArn\": \"" + arn + "\", \"Tags\": [{\"Key\": \"aws:x\", \"Value\": \"y\"}]}",
                "reserved");
        assertValidation("AddTags", "{\"ResourceArn\": \"" + arn + "\", \"Tags\": [{\"Key\": \"k\", \"Value\": \"a\"},"
                + "{\"Key\": \"k\", \"Value\": \"b\"}]}", "Duplicate tag key");
        assertValidation("AddTags", "{\"ResourceArn\": \"" + arn + "\"}", "Value null at 'tags'");
        assertValidation("AddTags", "{\"ResourceArn\": \"" + arn("model", "ghost") + "\", \"Tags\": [{\"Key\": \"k\", \"Value\": \"v\"}]}",
                "Could not find model");
        assertValidation("ListTags", "{\"ResourceArn\": \"arn:aws:sagemaker:eu-west-1:" + ACCOUNT + ":model/m1\"}",
                "ARN should be scoped to correct region: us-east-1");
        assertValidation("ListTags", "{\"ResourceArn\": \"arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":training-job/t\"}",
                "is not a model, endpoint configuration, endpoint, model package group or model package version");
        assertValidation("DeleteTags", "{\"ResourceArn\": \"" + arn + "\", \"TagKeys\": []}", "greater than or equal to 1");
    }

    @Test
    void createdTagsAreKeptAndRequestTagsAreExposed() throws JsonServiceException {
        model("m1");
        String body = "{\"EndpointConfigName\": \"c1\", \"Tags\": [{\"Key\": \"env\", \"Value\": \"prod\"}], "
                + "\"ProductionVariants\": [{\"VariantName\": \"v\", \"ModelName\": \"m1\", \"InitialInstanceCount\": 1}]}";
        assertThat(service.requestTags("CreateEndpointConfig", json(body))).containsExactly(Map.entry("env", "prod"));
        assertThat(service.requestTags("DescribeEndpointConfig", json(body))).isEmpty();
        call("CreateEndpointConfig", body);
        assertThat(service.resourceTags(arn("endpoint-config", "c1"))).containsEntry("env", "prod");
        call("CreateEndpoint", "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c1\", "
                + "\"Tags\": [{\"Key\": \"owner\", \"Value\": \"me\"}]}");
        assertThat(service.resourceTags(arn("endpoint", "e1"))).containsExactly(Map.entry("owner", "me"));
        JsonNode tags = call("ListTags", "{\"ResourceArn\": \"" + arn("endpoint", "e1") + "\"}");
        assertThat(tags.get("Tags").get(0).get("Key").stringValue()).isEqualTo("owner");
        assertThatThrownBy(() -> service.requestTags("AddTags", json("{\"ResourceArn\": \"x\", \"Tags\": [{\"Key\": \"\"}]}")))
                .isInstanceOf(JsonServiceException.class);
    }

    // ------------------------------------------------------------------ target and audit

    @Test
    void targetNamesActionResourceTypeAndReadOnly() throws JsonServiceException {
        JsonTarget create = service.target("CreateEndpoint",
                json("{\"EndpointName\": \"Demo\", \"EndpointConfigName\": \"c1\"}"), ACCOUNT, CALLER);
        assertThat(create.action()).isEqualTo("sagemaker:CreateEndpoint");
        assertThat(create.resourceArn()).isEqualTo(arn("endpoint", "demo"));
        assertThat(create.resourceType()).isEqualTo("AWS::SageMaker::Endpoint");
        assertThat(create.readOnly()).isFalse();
        assertThat(create.requestParameters()).containsEntry("endpointName", "Demo")
                .containsEntry("endpointConfigName", "c1");

        JsonTarget describe = service.target("DescribeEndpointConfig", json("{\"EndpointConfigName\": \"c1\"}"),
                ACCOUNT, CALLER);
        assertThat(describe.readOnly()).isTrue();
        assertThat(describe.resourceType()).isEqualTo("AWS::SageMaker::EndpointConfig");
        assertThat(describe.resourceArn()).isEqualTo(arn("endpoint-config", "c1"));

        JsonTarget list = service.target("ListModels", json("{}"), ACCOUNT, CALLER);
        assertThat(list.resourceArn()).isEqualTo("*");
        assertThat(list.readOnly()).isTrue();

        JsonTarget tags = service.target("AddTags", json("{\"ResourceArn\": \"" + arn("model", "m1")
                + "\", \"Tags\": [{\"Key\": \"a\", \"Value\": \"b\"}]}"), ACCOUNT, CALLER);
        assertThat(tags.resourceType()).isEqualTo("AWS::SageMaker::Model");
        assertThat(tags.resourceArn()).isEqualTo(arn("model", "m1"));

        assertThatThrownBy(() -> service.target("DescribeModel", json("{}"), ACCOUNT, CALLER))
                .hasMessageContaining("Member must not be null");
        assertThatThrownBy(() -> service.target("CreateTrainingJob", json("{}"), ACCOUNT, CALLER))
                .isInstanceOf(JsonServiceException.class)
                .satisfies(e -> assertThat(((JsonServiceException) e).code()).isEqualTo("UnknownOperationException"));
    }

    @Test
    void auditParametersShowEnvironmentKeysButNeverTheirValues() throws JsonServiceException {
        JsonTarget t = service.target("CreateModel", json("""
                {"ModelName": "m1", "ExecutionRoleArn": "%s",
                 "Containers": [{"ModelDataUrl": "mlgate://models/a", "Environment": {"DB_PASSWORD": "hunter2-secret"}}],
                 "Tags": [{"Key": "team", "Value": "ml"}]}""".formatted(ROLE)), ACCOUNT, CALLER);
        String audited = t.requestParameters().toString();
        assertThat(audited).doesNotContain("hunter2-secret").contains("DB_PASSWORD")
                .contains(SageMakerService.HIDDEN).contains("modelDataUrl=mlgate://models/a").contains("team");
        assertThat(t.requestParameters()).containsEntry("modelName", "m1").containsEntry("executionRoleArn", ROLE);

        JsonTarget primary = service.target("CreateModel", json("""
                {"ModelName": "m2", "PrimaryContainer": {"ModelDataUrl": "mlgate://a", "Environment": {"K": "v4lue"}}}"""),
                ACCOUNT, CALLER);
        assertThat(primary.requestParameters().toString()).doesNotContain("v4lue").contains("K=" + SageMakerService.HIDDEN);

        JsonTarget weights = service.target("UpdateEndpointWeightsAndCapacities", json("""
                {"EndpointName": "e1", "DesiredWeightsAndCapacities": [{"VariantName": "v1", "DesiredWeight": 0.25}]}"""),
                ACCOUNT, CALLER);
        assertThat(weights.requestParameters().toString()).contains("variantName=v1").contains("desiredWeight=0.25");
    }
}
