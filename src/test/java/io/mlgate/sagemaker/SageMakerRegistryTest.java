package io.mlgate.sagemaker;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import io.mlgate.sts.MutableClock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.mlgate.sagemaker.SageMakerServiceTest.ACCOUNT;
import static io.mlgate.sagemaker.SageMakerServiceTest.OTHER;
import static io.mlgate.sagemaker.SageMakerServiceTest.REGION;
import static io.mlgate.sagemaker.SageMakerServiceTest.arn;
import static io.mlgate.sagemaker.SageMakerServiceTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model registry: groups, versioned packages, approval, models from packages and the guardrail. */
class SageMakerRegistryTest {

    static final String USER_ARN = "arn:aws:iam::" + ACCOUNT + ":user/";
    static final PrincipalContext REGISTRANT = user("ds", "AIDAREGISTRANT");
    static final PrincipalContext APPROVER = user("lead", "AIDAAPPROVER");
    static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/ml";
    static final String GROUP_ARN = arn("model-package-group", "Fraud");

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

    private void restartWith(RegistryGuardrail guardrail) throws IOException {
        runtime = new ControlledRuntime();
        service = SageMakerService.start(SageMakerState.open(dataDir), runtime, clock, REGION,
                SageMakerLimits.defaults(), guardrail);
    }

    // ------------------------------------------------------------------ helpers

    static PrincipalContext user(String name, String id) {
        return PrincipalContext.builder(USER_ARN + name, ACCOUNT, PrincipalType.USER).userId(id).userName(name)
                .build();
    }

    static PrincipalContext roleSession(String session) {
        return PrincipalContext.builder("arn:aws:sts::" + ACCOUNT + ":assumed-role/ml/" + session, ACCOUNT,
                PrincipalType.ASSUMED_ROLE).userId("AROAML:" + session).roleArn(ROLE).build();
    }

    static RequestContext source(String sourceIdentity) {
        return RequestContext.builder().put("aws:SourceIdentity", sourceIdentity).build();
    }

    JsonNode call(String op, String body) throws JsonServiceException {
        return call(op, body, REGISTRANT, RequestContext.empty());
    }

    JsonNode call(String op, String body, PrincipalContext caller) throws JsonServiceException {
        return call(op, body, caller, RequestContext.empty());
    }

    JsonNode call(String op, String body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        JsonNode parsed = json(body);
        service.target(op, parsed, caller.accountId(), caller);
        return service.invoke(op, parsed, caller, context);
    }

    JsonServiceException error(String op, String body, PrincipalContext caller, RequestContext context) {
        try {
            call(op, body, caller, context);
        } catch (JsonServiceException e) {
            return e;
        }
        throw new AssertionError(op + " succeeded: " + body);
    }

    JsonServiceException error(String op, String body) {
        return error(op, body, REGISTRANT, RequestContext.empty());
    }

    void assertValidation(String op, String body, String messagePart) {
        JsonServiceException e = error(op, body);
        assertThat(e.code()).as(body).isEqualTo("ValidationException");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).as(body).contains(messagePart);
    }

    void assertSerialization(String op, String body) {
        JsonServiceException e = error(op, body);
        assertThat(e.code()).as(body).isEqualTo("SerializationException");
        assertThat(e.status()).isEqualTo(400);
    }

    void group(String name) throws JsonServiceException {
        call("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"" + name + "\"}");
    }

    /** Registers a version of {@code group} serving {@code url}; returns its ARN. */
    String register(String group, String url) throws JsonServiceException {
        return register(group, url, REGISTRANT, RequestContext.empty());
    }

    String register(String group, String url, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        return call("CreateModelPackage", """
                {"ModelPackageGroupName": "%s",
                 "InferenceSpecification": {"Containers": [{"Image": "local/onnx", "ModelDataUrl": "%s",
                                                             "Environment": {"THRESHOLD": "0.5"}}],
                                            "SupportedContentTypes": ["text/csv"],
                                            "SupportedResponseMIMETypes": ["application/json"]}}
                """.formatted(group, url), caller, context).get("ModelPackageArn").stringValue();
    }

    void setStatus(String packageArn, String status, PrincipalContext caller) throws JsonServiceException {
        call("UpdateModelPackage", "{\"ModelPackageArn\": \"" + packageArn + "\", \"ModelApprovalStatus\": \""
                + status + "\"}", caller);
    }

    JsonNode describePackage(String nameOrArn) throws JsonServiceException {
        return call("DescribeModelPackage", "{\"ModelPackageName\": \"" + nameOrArn + "\"}");
    }

    String status(String packageArn) throws JsonServiceException {
        return describePackage(packageArn).get("ModelApprovalStatus").stringValue();
    }

    void modelFrom(String model, String packageRef) throws JsonServiceException {
        call("CreateModel", """
                {"ModelName": "%s", "PrimaryContainer": {"ModelPackageName": "%s"}}""".formatted(model, packageRef));
    }

    void config(String name, String model) throws JsonServiceException {
        call("CreateEndpointConfig", """
                {"EndpointConfigName": "%s", "ProductionVariants": [{"VariantName": "v1", "ModelName": "%s",
                 "InitialInstanceCount": 1}]}""".formatted(name, model));
    }

    static List<String> field(JsonNode list, String member, String field) {
        List<String> out = new ArrayList<>();
        list.get(member).forEach(n -> out.add(n.get(field).asString()));
        return out;
    }

    // ------------------------------------------------------------------ groups

    @Test
    void groupsAreCreatedDescribedListedAndDeletedKeepingTheirCase() throws JsonServiceException {
        JsonNode out = call("CreateModelPackageGroup", """
                {"ModelPackageGroupName": "Fraud", "ModelPackageGroupDescription": "Card fraud (v2, €)",
                 "Tags": [{"Key": "team", "Value": "risk"}]}""");
        assertThat(out.get("ModelPackageGroupArn").stringValue())
                .isEqualTo("arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model-package-group/Fraud");

        JsonNode d = call("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");
        assertThat(d.get("ModelPackageGroupName").stringValue()).isEqualTo("Fraud");
        assertThat(d.get("ModelPackageGroupArn").stringValue()).isEqualTo(GROUP_ARN);
        assertThat(d.get("ModelPackageGroupDescription").stringValue()).isEqualTo("Card fraud (v2, €)");
        assertThat(d.get("ModelPackageGroupStatus").stringValue()).isEqualTo("Completed");
        assertThat(d.get("CreationTime").decimalValue().longValue())
                .isEqualTo(Instant.parse("2026-11-26T10:00:00Z").getEpochSecond());
        assertThat(d.get("CreatedBy").get("IamIdentity").get("Arn").stringValue()).isEqualTo(USER_ARN + "ds");
        assertThat(d.get("CreatedBy").get("IamIdentity").get("PrincipalId").stringValue()).isEqualTo("AIDAREGISTRANT");
        // by ARN as well
        assertThat(call("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"" + GROUP_ARN + "\"}"))
                .isEqualTo(d);
        assertThat(service.resourceTags(GROUP_ARN)).containsExactly(Map.entry("team", "risk"));

        JsonNode list = call("ListModelPackageGroups", "{}");
        assertThat(field(list, "ModelPackageGroupSummaryList", "ModelPackageGroupArn")).containsExactly(GROUP_ARN);
        assertThat(list.get("ModelPackageGroupSummaryList").get(0).get("ModelPackageGroupStatus").stringValue())
                .isEqualTo("Completed");

        call("DeleteModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");
        assertValidation("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}",
                "Could not find model package group \"" + GROUP_ARN + "\"");
        assertThat(call("ListModelPackageGroups", "{}").get("ModelPackageGroupSummaryList")).isEmpty();
    }

    @Test
    void groupNamesAreUniqueIgnoringCaseButLookedUpExactly() throws JsonServiceException {
        group("Fraud");
        assertValidation("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"fraud\"}",
                "Cannot create already existing model package group \"" + GROUP_ARN + "\"");
        // another case names another (absent) group: authorization and lookup use the same ARN
        assertValidation("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"FRAUD\"}",
                "Could not find model package group");
        assertThat(service.target("DescribeModelPackageGroup", json("{\"ModelPackageGroupName\": \"FRAUD\"}"),
                ACCOUNT, REGISTRANT).resourceArn()).isEqualTo(arn("model-package-group", "FRAUD"));
        // another account sees nothing
        assertThatThrownBy(() -> call("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}", OTHER))
                .hasMessageContaining("Could not find model package group");
        assertThat(call("ListModelPackageGroups", "{}", OTHER).get("ModelPackageGroupSummaryList")).isEmpty();
    }

    @Test
    void groupRequestsRefuseBadInput() throws JsonServiceException {
        assertValidation("CreateModelPackageGroup", "{}", "Value null at 'modelPackageGroupName'");
        assertValidation("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"" + "g".repeat(64) + "\"}",
                "Member must have length less than or equal to 63");
        assertValidation("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"bad_name\"}",
                "Value 'bad_name' at 'modelPackageGroupName' failed to satisfy constraint: Member must satisfy "
                        + "regular expression pattern");
        assertValidation("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"g\", "
                + "\"ModelPackageGroupDescription\": \"" + "d".repeat(1025) + "\"}", "less than or equal to 1024");
        assertValidation("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"g\", "
                + "\"ModelPackageGroupDescription\": \"line\\nbreak\"}", "at 'modelPackageGroupDescription'");
        assertValidation("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"g\", "
                + "\"ManagedConfiguration\": {}}", "managedConfiguration is not supported by mlgate");
        assertValidation("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"g\", "
                + "\"Tags\": [{\"Key\": \"aws:x\", \"Value\": \"y\"}]}", "reserved");
        assertSerialization("CreateModelPackageGroup", "{\"ModelPackageGroupName\": 7}");
        assertValidation("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"g/1\"}",
                "at 'modelPackageGroupName'");
        assertValidation("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"arn:aws:sagemaker:eu-west-1:"
                + ACCOUNT + ":model-package-group/g\"}", "ARN should be scoped to correct region: us-east-1");
        assertValidation("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"arn:aws:sagemaker:us-east-1:"
                + ACCOUNT + ":model/g\"}", "is not a model package group ARN");
        assertValidation("DeleteModelPackageGroup", "{\"ModelPackageGroupName\": \"ghost\"}",
                "Could not find model package group");
        // nothing was created by the refused calls
        assertThat(call("ListModelPackageGroups", "{}").get("ModelPackageGroupSummaryList")).isEmpty();
    }

    @Test
    void aGroupWithVersionsCannotBeDeleted() throws JsonServiceException {
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        JsonServiceException e = error("DeleteModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");
        assertThat(e.code()).isEqualTo("ConflictException");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("Fraud").contains("1 model package version");
        call("DescribeModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");

        call("DeleteModelPackage", "{\"ModelPackageName\": \"" + v1 + "\"}");
        call("DeleteModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");
        assertThat(call("ListModelPackageGroups", "{}").get("ModelPackageGroupSummaryList")).isEmpty();
    }

    @Test
    void listModelPackageGroupsPagesSortsAndFilters() throws JsonServiceException {
        for (String g : List.of("beta", "Alpha", "gamma", "alpha-2")) {
            group(g);
            clock.advance(Duration.ofMinutes(1));
        }
        JsonNode first = call("ListModelPackageGroups", "{\"MaxResults\": 3}");
        assertThat(field(first, "ModelPackageGroupSummaryList", "ModelPackageGroupName"))
                .containsExactly("beta", "Alpha", "gamma"); // CreationTime, Ascending by default
        String token = first.get("NextToken").stringValue();
        JsonNode second = call("ListModelPackageGroups", "{\"MaxResults\": 3, \"NextToken\": \"" + token + "\"}");
        assertThat(field(second, "ModelPackageGroupSummaryList", "ModelPackageGroupName")).containsExactly("alpha-2");
        assertThat(second.has("NextToken")).isFalse();

        assertThat(field(call("ListModelPackageGroups", "{\"SortBy\": \"Name\", \"SortOrder\": \"Descending\"}"),
                "ModelPackageGroupSummaryList", "ModelPackageGroupName"))
                .containsExactly("gamma", "beta", "alpha-2", "Alpha");
        assertThat(field(call("ListModelPackageGroups", "{\"NameContains\": \"ALPHA\"}"),
                "ModelPackageGroupSummaryList", "ModelPackageGroupName")).containsExactly("Alpha", "alpha-2");
        long t = Instant.parse("2026-11-26T10:01:30Z").getEpochSecond();
        assertThat(field(call("ListModelPackageGroups", "{\"CreationTimeAfter\": " + t + "}"),
                "ModelPackageGroupSummaryList", "ModelPackageGroupName")).containsExactly("gamma", "alpha-2");
        assertThat(field(call("ListModelPackageGroups", "{\"CreationTimeBefore\": " + t + "}"),
                "ModelPackageGroupSummaryList", "ModelPackageGroupName")).containsExactly("beta", "Alpha");
        assertThat(call("ListModelPackageGroups", "{\"CrossAccountFilterOption\": \"CrossAccount\"}")
                .get("ModelPackageGroupSummaryList")).isEmpty();

        assertValidation("ListModelPackageGroups", "{\"MaxResults\": 3, \"SortBy\": \"Name\", \"NextToken\": \""
                + token + "\"}", "The NextToken is not valid for this request.");
        assertValidation("ListModelPackageGroups", "{\"MaxResults\": 0}", "greater than or equal to 1");
        assertValidation("ListModelPackageGroups", "{\"MaxResults\": 101}", "less than or equal to 100");
        assertValidation("ListModelPackageGroups", "{\"SortBy\": \"Status\"}", "enum value set: [CreationTime, Name]");
        assertValidation("ListModelPackageGroups", "{\"CrossAccountFilterOption\": \"All\"}", "enum value set");
        assertSerialization("ListModelPackageGroups", "{\"CreationTimeAfter\": \"yesterday\"}");
        assertSerialization("ListModelPackageGroups", "{\"MaxResults\": \"3\"}");
    }

    // ------------------------------------------------------------------ packages

    @Test
    void versionsAreNumberedPerGroupAndDescribedAsRegistered() throws JsonServiceException {
        group("Fraud");
        group("churn");
        JsonNode out = call("CreateModelPackage", """
                {"ModelPackageGroupName": "Fraud", "ModelPackageDescription": "gbm, AUC 0.91",
                 "InferenceSpecification": {
                   "Containers": [{"ContainerHostname": "scorer", "Image": "local/onnx",
                                   "ModelDataUrl": "mlgate://models/fraud-1", "Environment": {"THRESHOLD": "0.5"}}],
                   "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["application/json"],
                   "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
                   "SupportedTransformInstanceTypes": ["ml.m5.xlarge"]},
                 "CustomerMetadataProperties": {"git-sha": "abc123", "dataset": "2026-11"},
                 "CertifyForMarketplace": false}""", REGISTRANT, source("alice"));
        String v1 = arn("model-package", "Fraud/1");
        assertThat(out.get("ModelPackageArn").stringValue()).isEqualTo(v1);
        String v2 = register("Fraud", "mlgate://models/fraud-2");
        String c1 = register("churn", "mlgate://models/churn-1");
        assertThat(v2).isEqualTo(arn("model-package", "Fraud/2"));
        assertThat(c1).isEqualTo(arn("model-package", "churn/1"));

        JsonNode d = describePackage(v1);
        assertThat(d.get("ModelPackageName").stringValue()).isEqualTo("Fraud");
        assertThat(d.get("ModelPackageGroupName").stringValue()).isEqualTo("Fraud");
        assertThat(d.get("ModelPackageVersion").intValue()).isEqualTo(1);
        assertThat(d.get("ModelPackageArn").stringValue()).isEqualTo(v1);
        assertThat(d.get("ModelPackageDescription").stringValue()).isEqualTo("gbm, AUC 0.91");
        assertThat(d.get("ModelPackageStatus").stringValue()).isEqualTo("Completed");
        assertThat(d.get("ModelPackageStatusDetails").get("ValidationStatuses")).isEmpty();
        assertThat(d.get("ModelApprovalStatus").stringValue()).isEqualTo("PendingManualApproval");
        JsonNode spec = d.get("InferenceSpecification");
        JsonNode container = spec.get("Containers").get(0);
        assertThat(container.get("ContainerHostname").stringValue()).isEqualTo("scorer");
        assertThat(container.get("Image").stringValue()).isEqualTo("local/onnx");
        assertThat(container.get("ModelDataUrl").stringValue()).isEqualTo("mlgate://models/fraud-1");
        assertThat(container.get("Environment").get("THRESHOLD").stringValue()).isEqualTo("0.5");
        assertThat(spec.get("SupportedContentTypes").get(0).stringValue()).isEqualTo("text/csv");
        assertThat(spec.get("SupportedResponseMIMETypes").get(0).stringValue()).isEqualTo("application/json");
        assertThat(spec.get("SupportedRealtimeInferenceInstanceTypes").get(0).stringValue()).isEqualTo("ml.m5.large");
        assertThat(spec.get("SupportedTransformInstanceTypes").get(0).stringValue()).isEqualTo("ml.m5.xlarge");
        assertThat(d.get("CustomerMetadataProperties").get("git-sha").stringValue()).isEqualTo("abc123");
        JsonNode by = d.get("CreatedBy").get("IamIdentity");
        assertThat(by.get("Arn").stringValue()).isEqualTo(USER_ARN + "ds");
        assertThat(by.get("PrincipalId").stringValue()).isEqualTo("AIDAREGISTRANT");
        assertThat(by.get("SourceIdentity").stringValue()).isEqualTo("alice");
        assertThat(d.has("LastModifiedTime")).isFalse();
        assertThat(d.has("LastModifiedBy")).isFalse();
        assertThat(d.has("ApprovalDescription")).isFalse();
        assertThat(describePackage(v2).get("CreatedBy").get("IamIdentity").has("SourceIdentity")).isFalse();

        // the same version by <group>/<version>, and with IncludedData
        assertThat(describePackage("Fraud/1")).isEqualTo(d);
        assertThat(call("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/1\", \"IncludedData\": "
                + "\"MetadataOnly\"}")).isEqualTo(d);
    }

    @Test
    void describeAndDeleteOfMissingPackagesSayWhatIsMissing() throws JsonServiceException {
        group("Fraud");
        register("Fraud", "mlgate://models/fraud-1");
        assertValidation("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/2\"}",
                "Could not find model package \"" + arn("model-package", "Fraud/2") + "\"");
        assertValidation("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud\"}",
                "mlgate holds versioned model packages only");
        assertValidation("DescribeModelPackage", "{\"ModelPackageName\": \"fraud/1\"}", "Could not find model package");
        assertValidation("DeleteModelPackage", "{\"ModelPackageName\": \"Fraud/9\"}", "Could not find model package");
        assertValidation("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/1\", \"IncludedData\": \"Some\"}",
                "enum value set: [AllData, MetadataOnly]");
        assertValidation("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/1/2\"}", "at 'modelPackageName'");
        assertValidation("DescribeModelPackage", "{\"ModelPackageName\": \"arn:aws:sagemaker:us-east-1:" + ACCOUNT
                + ":model-package-group/Fraud/1\"}", "is not a model package ARN");
        assertValidation("DescribeModelPackage", "{}", "Value null at 'modelPackageName'");
        assertSerialization("DescribeModelPackage", "{\"ModelPackageName\": [\"Fraud/1\"]}");
        assertThatThrownBy(() -> call("DescribeModelPackage", "{\"ModelPackageName\": \"Fraud/1\"}", OTHER))
                .hasMessageContaining("Could not find model package");
    }

    @Test
    void createModelPackageRefusesBadInputAndUsesNoVersionNumberForIt() throws JsonServiceException {
        group("Fraud");
        String containers = "\"InferenceSpecification\": {\"Containers\": [{\"ModelDataUrl\": \"mlgate://m\"}]}";
        assertValidation("CreateModelPackage", "{" + containers + "}", "ModelPackageGroupName is required");
        assertValidation("CreateModelPackage", "{\"ModelPackageName\": \"p\", " + containers + "}",
                "versioned model packages only");
        assertValidation("CreateModelPackage", "{\"ModelPackageName\": \"p\", \"ModelPackageGroupName\": \"Fraud\", "
                + containers + "}", "Both ModelPackageName and ModelPackageGroupName are provided");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"ghost\", " + containers + "}",
                "Could not find model package group \"" + arn("model-package-group", "ghost") + "\"");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\"}",
                "Value null at 'inferenceSpecification'");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": []}}", "at 'inferenceSpecification.containers' failed"
                + " to satisfy constraint: Member must have length greater than or equal to 1");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": [{\"Image\": \"x\"}]}}", "ModelDataUrl is required at "
                + "'inferenceSpecification.containers.1.member.modelDataUrl'");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": [{\"ModelDataUrl\": \"ftp://x/y\"}]}}",
                "Value 'ftp://x/y' at 'inferenceSpecification.containers.1.member.modelDataUrl'");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": [{\"ModelDataUrl\": \"mlgate://m\", "
                + "\"Framework\": \"XGBOOST\"}]}}", "containers.1.member.framework is not supported by mlgate");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": [{\"ModelDataUrl\": \"mlgate://m\", "
                + "\"ContainerHostname\": \"a\"}, {\"ModelDataUrl\": \"mlgate://n\", \"ContainerHostname\": \"A\"}]}}",
                "Container hostname A is used by more than one container");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"ModelApprovalStatus\": \"Maybe\"}",
                "Member must satisfy enum value set: [Approved, PendingManualApproval, Rejected]");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"ModelPackageDescription\": \"" + "x".repeat(1025) + "\"}", "less than or equal to 1024");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"CertifyForMarketplace\": true}", "does not apply to versioned model packages");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"CustomerMetadataProperties\": {}}", "greater than or equal to 1");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
        }
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"CustomerMetadataProperties\": {" + many + "}}", "less than or equal to 50");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"CustomerMetadataProperties\": {\"k\": \"" + "v".repeat(257) + "\"}}",
                "less than or equal to 256");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"ClientToken\": \"not a token!\"}", "at 'clientToken'");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": [{\"ModelDataUrl\": \"mlgate://m\"}], "
                + "\"SupportedRealtimeInferenceInstanceTypes\": [\"p3.huge\"]}}",
                "at 'inferenceSpecification.supportedRealtimeInferenceInstanceTypes.1.member'");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": [{\"ModelDataUrl\": \"mlgate://m\"}], "
                + "\"SupportedResponseMIMETypes\": [\"json\"]}}", "supportedResponseMIMETypes.1.member");
        assertValidation("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"ModelMetrics\": {}}", "modelMetrics is not supported by mlgate");
        assertSerialization("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": {\"ModelDataUrl\": \"mlgate://m\"}}}");
        assertSerialization("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"InferenceSpecification\": {\"Containers\": [{\"ModelDataUrl\": \"mlgate://m\"}], "
                + "\"SupportedContentTypes\": [5]}}");
        assertSerialization("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"CustomerMetadataProperties\": {\"k\": 1}}");
        assertSerialization("CreateModelPackage", "{\"ModelPackageGroupName\": \"Fraud\", " + containers
                + ", \"CertifyForMarketplace\": \"no\"}");

        // none of the refused calls used a version number
        assertThat(register("Fraud", "mlgate://models/ok")).isEqualTo(arn("model-package", "Fraud/1"));
    }

    @Test
    void aRetriedRegistrationWithTheSameClientTokenIsNotRegisteredTwice() throws JsonServiceException {
        group("Fraud");
        String body = """
                {"ModelPackageGroupName": "Fraud", "ClientToken": "5f0c2f0e-1d1c-4a4e-9a63-3c2b8e2d1a10",
                 "InferenceSpecification": {"Containers": [{"ModelDataUrl": "mlgate://models/fraud-1"}]}}""";
        String first = call("CreateModelPackage", body).get("ModelPackageArn").stringValue();
        String retry = call("CreateModelPackage", body).get("ModelPackageArn").stringValue();
        assertThat(retry).isEqualTo(first).isEqualTo(arn("model-package", "Fraud/1"));
        assertThat(call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\"}").get("ModelPackageSummaryList"))
                .hasSize(1);

        JsonServiceException e = error("CreateModelPackage", body.replace("fraud-1", "fraud-2"));
        assertThat(e.code()).isEqualTo("ConflictException");
        assertThat(register("Fraud", "mlgate://models/fraud-2")).isEqualTo(arn("model-package", "Fraud/2"));
    }

    @Test
    void listModelPackagesFiltersPagesAndSorts() throws JsonServiceException {
        group("Fraud");
        group("churn");
        List<String> fraud = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            fraud.add(register("Fraud", "mlgate://models/fraud-" + i));
            clock.advance(Duration.ofMinutes(1));
        }
        String churn = register("churn", "mlgate://models/churn-1");
        setStatus(fraud.get(1), "Approved", APPROVER);
        setStatus(fraud.get(3), "Rejected", APPROVER);

        JsonNode page1 = call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\", \"MaxResults\": 2}");
        assertThat(field(page1, "ModelPackageSummaryList", "ModelPackageArn"))
                .containsExactly(fraud.get(0), fraud.get(1));
        JsonNode s = page1.get("ModelPackageSummaryList").get(1);
        assertThat(s.get("ModelPackageName").stringValue()).isEqualTo("Fraud");
        assertThat(s.get("ModelPackageGroupName").stringValue()).isEqualTo("Fraud");
        assertThat(s.get("ModelPackageVersion").intValue()).isEqualTo(2);
        assertThat(s.get("ModelPackageStatus").stringValue()).isEqualTo("Completed");
        assertThat(s.get("ModelApprovalStatus").stringValue()).isEqualTo("Approved");
        List<String> seen = new ArrayList<>(field(page1, "ModelPackageSummaryList", "ModelPackageArn"));
        String token = page1.get("NextToken").stringValue();
        while (token != null) {
            JsonNode page = call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\", \"MaxResults\": 2, "
                    + "\"NextToken\": \"" + token + "\"}");
            seen.addAll(field(page, "ModelPackageSummaryList", "ModelPackageArn"));
            token = page.has("NextToken") ? page.get("NextToken").stringValue() : null;
        }
        assertThat(seen).isEqualTo(fraud);

        assertThat(field(call("ListModelPackages", "{\"ModelPackageGroupName\": \"" + GROUP_ARN
                + "\", \"SortOrder\": \"Descending\", \"MaxResults\": 2}"), "ModelPackageSummaryList",
                "ModelPackageArn")).containsExactly(fraud.get(4), fraud.get(3));
        assertThat(field(call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\", "
                + "\"ModelApprovalStatus\": \"Approved\"}"), "ModelPackageSummaryList", "ModelPackageArn"))
                .containsExactly(fraud.get(1));
        assertThat(field(call("ListModelPackages", "{\"ModelPackageType\": \"Versioned\", \"SortBy\": \"Name\", "
                + "\"MaxResults\": 3}"), "ModelPackageSummaryList", "ModelPackageArn"))
                .containsExactly(churn, fraud.get(0), fraud.get(1));
        assertThat(field(call("ListModelPackages", "{\"ModelPackageType\": \"Both\", \"NameContains\": \"hur\"}"),
                "ModelPackageSummaryList", "ModelPackageArn")).containsExactly(churn);
        long t = Instant.parse("2026-11-26T10:02:30Z").getEpochSecond();
        assertThat(field(call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\", \"CreationTimeBefore\": "
                + t + "}"), "ModelPackageSummaryList", "ModelPackageArn"))
                .containsExactly(fraud.get(0), fraud.get(1), fraud.get(2));
        assertThat(field(call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\", \"CreationTimeAfter\": "
                + t + "}"), "ModelPackageSummaryList", "ModelPackageArn")).containsExactly(fraud.get(3), fraud.get(4));
        // As AWS: without a group, unversioned packages are listed by default, and mlgate has none.
        assertThat(call("ListModelPackages", "{}").get("ModelPackageSummaryList")).isEmpty();
        assertThat(call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\", \"ModelPackageType\": "
                + "\"Unversioned\"}").get("ModelPackageSummaryList")).isEmpty();
        assertThat(call("ListModelPackages", "{\"ModelPackageGroupName\": \"ghost\"}").get("ModelPackageSummaryList"))
                .isEmpty();
        assertThat(call("ListModelPackages", "{\"ModelPackageType\": \"Both\"}", OTHER).get("ModelPackageSummaryList"))
                .isEmpty();

        assertValidation("ListModelPackages", "{\"ModelPackageGroupName\": \"churn\", \"MaxResults\": 2, "
                + "\"NextToken\": \"" + page1.get("NextToken").stringValue() + "\"}", "NextToken is not valid");
        assertValidation("ListModelPackages", "{\"NextToken\": \"garbage\"}", "NextToken is not valid");
        assertValidation("ListModelPackages", "{\"ModelApprovalStatus\": \"approved\"}", "enum value set");
        assertValidation("ListModelPackages", "{\"ModelPackageType\": \"VERSIONED\"}", "enum value set");
        assertValidation("ListModelPackages", "{\"SortBy\": \"Version\"}", "enum value set");
        assertValidation("ListModelPackages", "{\"MaxResults\": 500}", "less than or equal to 100");
        assertValidation("ListModelPackages", "{\"NameContains\": \"a b\"}", "at 'nameContains'");
        assertValidation("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud/1\"}",
                "at 'modelPackageGroupName'");
        assertValidation("ListModelPackages", "{\"Unknown\": 1}", "unknown is not supported by mlgate");
    }

    @Test
    void registryLimitsAreResourceLimitExceeded() throws Exception {
        service = SageMakerService.start(SageMakerState.open(dataDir), runtime, clock, REGION,
                new SageMakerLimits(10, 10, 10, 2, 1, 2), RegistryGuardrail.defaults());
        group("Fraud");
        JsonServiceException groups = error("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"other\"}");
        assertThat(groups.code()).isEqualTo("ResourceLimitExceeded");
        assertThat(groups.getMessage()).contains("'Number of model package groups' is 1");
        register("Fraud", "mlgate://m/1");
        register("Fraud", "mlgate://m/2");
        JsonServiceException packages = error("CreateModelPackage", """
                {"ModelPackageGroupName": "Fraud", "InferenceSpecification": {"Containers": [{"ModelDataUrl": "mlgate://m/3"}]}}""");
        assertThat(packages.code()).isEqualTo("ResourceLimitExceeded");
        // another account has its own quota
        call("CreateModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}", OTHER);
        assertThatThrownBy(() -> new SageMakerLimits(1, 1, 1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ approval

    @Test
    void anotherIdentityApprovesAndTheChangeIsRecorded() throws JsonServiceException {
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        clock.advance(Duration.ofHours(1));
        JsonNode out = call("UpdateModelPackage", """
                {"ModelPackageArn": "%s", "ModelApprovalStatus": "Approved",
                 "ApprovalDescription": "Reviewed: AUC 0.91 on holdout", "CustomerMetadataProperties": {"ticket": "RISK-7"}}
                """.formatted(v1), APPROVER, source("bob"));
        assertThat(out.get("ModelPackageArn").stringValue()).isEqualTo(v1);
        JsonNode d = describePackage(v1);
        assertThat(d.get("ModelApprovalStatus").stringValue()).isEqualTo("Approved");
        assertThat(d.get("ApprovalDescription").stringValue()).isEqualTo("Reviewed: AUC 0.91 on holdout");
        assertThat(d.get("LastModifiedTime").decimalValue().longValue())
                .isEqualTo(Instant.parse("2026-11-26T11:00:00Z").getEpochSecond());
        JsonNode by = d.get("LastModifiedBy").get("IamIdentity");
        assertThat(by.get("Arn").stringValue()).isEqualTo(USER_ARN + "lead");
        assertThat(by.get("PrincipalId").stringValue()).isEqualTo("AIDAAPPROVER");
        assertThat(by.get("SourceIdentity").stringValue()).isEqualTo("bob");
        assertThat(d.get("CreatedBy").get("IamIdentity").get("Arn").stringValue()).isEqualTo(USER_ARN + "ds");
        assertThat(d.get("CustomerMetadataProperties").get("ticket").stringValue()).isEqualTo("RISK-7");

        // metadata merges and is removed by key; the approval stays as it was
        call("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1 + "\", \"CustomerMetadataProperties\": "
                + "{\"owner\": \"risk\"}, \"CustomerMetadataPropertiesToRemove\": [\"ticket\", \"absent\"]}");
        JsonNode after = describePackage(v1);
        assertThat(after.get("CustomerMetadataProperties").properties()).extracting(Map.Entry::getKey)
                .containsExactly("owner");
        assertThat(after.get("ModelApprovalStatus").stringValue()).isEqualTo("Approved");
        assertThat(after.get("ApprovalDescription").stringValue()).isEqualTo("Reviewed: AUC 0.91 on holdout");
        assertThat(after.get("LastModifiedBy").get("IamIdentity").get("Arn").stringValue())
                .isEqualTo(USER_ARN + "ds");
    }

    @Test
    void updateModelPackageRefusesBadInput() throws JsonServiceException {
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1 + "\"}",
                "UpdateModelPackage needs ModelApprovalStatus");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1 + "\", \"ModelApprovalStatus\": "
                + "\"OK\"}", "enum value set: [Approved, PendingManualApproval, Rejected]");
        assertValidation("UpdateModelPackage", "{\"ModelApprovalStatus\": \"Approved\"}",
                "Value null at 'modelPackageArn'");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"Fraud/1\", \"ModelApprovalStatus\": "
                + "\"Rejected\"}", "at 'modelPackageArn' failed to satisfy constraint");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"" + arn("model-package", "Fraud/3")
                + "\", \"ModelApprovalStatus\": \"Rejected\"}", "Could not find model package");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"arn:aws:sagemaker:eu-west-1:" + ACCOUNT
                + ":model-package/Fraud/1\", \"ModelApprovalStatus\": \"Rejected\"}", "ARN should be scoped");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1 + "\", \"ApprovalDescription\": \""
                + "x".repeat(1025) + "\"}", "less than or equal to 1024");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1 + "\", \"CustomerMetadataProperties\": "
                + "{\"k\": \"v\"}, \"CustomerMetadataPropertiesToRemove\": [\"k\"]}", "both set and removed");
        assertValidation("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1 + "\", \"InferenceSpecification\": "
                + "{}}", "inferenceSpecification is not supported by mlgate");
        assertSerialization("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1 + "\", "
                + "\"CustomerMetadataPropertiesToRemove\": \"k\"}");
        assertThatThrownBy(() -> call("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1
                + "\", \"ModelApprovalStatus\": \"Rejected\"}", OTHER)).hasMessageContaining("Could not find");
        assertThat(status(v1)).isEqualTo("PendingManualApproval");
        // the version number in the ARN is normalized the same way for authorization and lookup
        assertThat(service.target("UpdateModelPackage", json("{\"ModelPackageArn\": \""
                + arn("model-package", "Fraud/01") + "\", \"ModelApprovalStatus\": \"Rejected\"}"), ACCOUNT,
                APPROVER).resourceArn()).isEqualTo(v1);
    }

    @Test
    void theRegistrantCannotApproveTheirOwnPackage() throws JsonServiceException {
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        JsonServiceException e = error("UpdateModelPackage", "{\"ModelPackageArn\": \"" + v1
                + "\", \"ModelApprovalStatus\": \"Approved\"}", REGISTRANT, RequestContext.empty());
        assertThat(e.code()).isEqualTo("AccessDeniedException");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("User: " + USER_ARN + "ds is not authorized to approve model package "
                + v1).contains("separation of duties").doesNotContain("\"");
        assertThat(status(v1)).isEqualTo("PendingManualApproval");
        assertThat(describePackage(v1).has("LastModifiedBy")).isFalse();

        // rejecting one's own work, or changing its metadata, is allowed
        setStatus(v1, "Rejected", REGISTRANT);
        assertThat(status(v1)).isEqualTo("Rejected");
        // approving it back as the registrant is not
        assertThatThrownBy(() -> setStatus(v1, "Approved", REGISTRANT)).hasMessageContaining("separation of duties");
        setStatus(v1, "Approved", APPROVER);
        assertThat(status(v1)).isEqualTo("Approved");
    }

    @Test
    void registeringAsApprovedNeedsNoSecondIdentityOnlyWhenSeparationIsOff() throws Exception {
        group("Fraud");
        String body = """
                {"ModelPackageGroupName": "Fraud", "ModelApprovalStatus": "Approved",
                 "InferenceSpecification": {"Containers": [{"ModelDataUrl": "mlgate://models/fraud-1"}]}}""";
        JsonServiceException e = error("CreateModelPackage", body, REGISTRANT, RequestContext.empty());
        assertThat(e.code()).isEqualTo("AccessDeniedException");
        assertThat(e.getMessage()).contains("register a model package version as Approved in group Fraud");
        assertThat(call("ListModelPackages", "{\"ModelPackageGroupName\": \"Fraud\"}").get("ModelPackageSummaryList"))
                .isEmpty();

        restartWith(new RegistryGuardrail(false, false));
        String v1 = call("CreateModelPackage", body).get("ModelPackageArn").stringValue();
        assertThat(v1).isEqualTo(arn("model-package", "Fraud/1"));
        assertThat(status(v1)).isEqualTo("Approved");
        String v2 = register("Fraud", "mlgate://models/fraud-2");
        setStatus(v2, "Approved", REGISTRANT);
        assertThat(status(v2)).isEqualTo("Approved");
    }

    @Test
    void roleSessionsFederatedUsersAndSourceIdentitiesCountAsTheSamePerson() throws JsonServiceException {
        group("Fraud");
        String bySession = register("Fraud", "mlgate://m/1", roleSession("alice"), RequestContext.empty());
        // the same role session is the same person
        assertThat(error("UpdateModelPackage", "{\"ModelPackageArn\": \"" + bySession + "\", \"ModelApprovalStatus\": "
                + "\"Approved\"}", roleSession("alice"), RequestContext.empty()).code())
                .isEqualTo("AccessDeniedException");
        // another session of the same role is another person
        call("UpdateModelPackage", "{\"ModelPackageArn\": \"" + bySession + "\", \"ModelApprovalStatus\": "
                + "\"Approved\"}", roleSession("bob"), RequestContext.empty());
        assertThat(status(bySession)).isEqualTo("Approved");

        // ... unless both carry the same source identity
        String bySource = register("Fraud", "mlgate://m/2", roleSession("s1"), source("alice@example.com"));
        JsonServiceException e = error("UpdateModelPackage", "{\"ModelPackageArn\": \"" + bySource
                + "\", \"ModelApprovalStatus\": \"Approved\"}", roleSession("s2"), source("alice@example.com"));
        assertThat(e.code()).isEqualTo("AccessDeniedException");
        call("UpdateModelPackage", "{\"ModelPackageArn\": \"" + bySource + "\", \"ModelApprovalStatus\": "
                + "\"Approved\"}", roleSession("s3"), source("bob@example.com"));
        assertThat(status(bySource)).isEqualTo("Approved");

        // a federated session of the registering IAM user is that user
        String byUser = register("Fraud", "mlgate://m/3");
        PrincipalContext federated = PrincipalContext.builder("arn:aws:sts::" + ACCOUNT + ":federated-user/ds-fed",
                ACCOUNT, PrincipalType.FEDERATED_USER).userId(ACCOUNT + ":ds-fed").federatingUserArn(USER_ARN + "ds")
                .build();
        assertThat(error("UpdateModelPackage", "{\"ModelPackageArn\": \"" + byUser + "\", \"ModelApprovalStatus\": "
                + "\"Approved\"}", federated, RequestContext.empty()).code()).isEqualTo("AccessDeniedException");
        assertThat(status(byUser)).isEqualTo("PendingManualApproval");
    }

    @Test
    void samePersonCompares() {
        RegistryIdentity user = new RegistryIdentity(USER_ARN + "ds", "AIDA1", null, null);
        assertThat(user.samePersonAs(new RegistryIdentity(USER_ARN + "DS", "AIDA1", null, null))).isTrue();
        assertThat(user.samePersonAs(new RegistryIdentity(USER_ARN + "lead", "AIDA2", null, null))).isFalse();
        RegistryIdentity s1 = new RegistryIdentity("arn:aws:sts::" + ACCOUNT + ":assumed-role/ml/a", null, "alice",
                null);
        assertThat(s1.samePersonAs(new RegistryIdentity("arn:aws:sts::" + ACCOUNT + ":assumed-role/ml/b", null,
                "alice", null))).isTrue();
        assertThat(s1.samePersonAs(new RegistryIdentity("arn:aws:sts::" + ACCOUNT + ":assumed-role/ml/b", null,
                "bob", null))).isFalse();
        assertThat(s1.samePersonAs(new RegistryIdentity("arn:aws:sts::" + ACCOUNT + ":assumed-role/ml/b", null,
                null, null))).isFalse();
        RegistryIdentity fed = new RegistryIdentity("arn:aws:sts::" + ACCOUNT + ":federated-user/x", null, null,
                USER_ARN + "ds");
        assertThat(fed.samePersonAs(user)).isTrue();
        assertThat(user.samePersonAs(fed)).isTrue();
    }

    // ------------------------------------------------------------------ models from packages

    @Test
    void aModelFromAPackageServesThePackagesArtifactAndShowsWhereItCameFrom() throws JsonServiceException {
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        call("CreateModel", """
                {"ModelName": "fraud-live", "PrimaryContainer": {"ModelPackageName": "%s",
                 "Environment": {"LOG_LEVEL": "info", "THRESHOLD": "0.7"}}}""".formatted(v1));
        JsonNode d = call("DescribeModel", "{\"ModelName\": \"fraud-live\"}");
        JsonNode primary = d.get("PrimaryContainer");
        assertThat(primary.get("ModelPackageName").stringValue()).isEqualTo(v1);
        assertThat(primary.has("ModelDataUrl")).isFalse();
        assertThat(primary.get("Environment").get("THRESHOLD").stringValue()).isEqualTo("0.7");
        assertThat(primary.get("Environment").get("LOG_LEVEL").stringValue()).isEqualTo("info");

        config("c1", "fraud-live");
        call("CreateEndpoint", "{\"EndpointName\": \"fraud\", \"EndpointConfigName\": \"c1\"}");
        ContainerDefinition served = runtime.last().plan().variant("v1").containers().get(0);
        assertThat(served.modelDataUrl()).isEqualTo("mlgate://models/fraud-1");
        assertThat(served.image()).isEqualTo("local/onnx");
        assertThat(served.environment()).containsEntry("THRESHOLD", "0.7").containsEntry("LOG_LEVEL", "info");
        assertThat(served.modelPackage().modelPackageArn()).isEqualTo(v1);

        // by <group>/<version> as well, and next to a container that names its artifact
        call("CreateModel", """
                {"ModelName": "pipe", "Containers": [{"ContainerHostname": "prep", "ModelDataUrl": "mlgate://models/prep"},
                                                     {"ModelPackageName": "Fraud/1", "ContainerHostname": "score"}]}""");
        JsonNode pipe = call("DescribeModel", "{\"ModelName\": \"pipe\"}").get("Containers");
        assertThat(pipe).hasSize(2);
        assertThat(pipe.get(0).get("ModelDataUrl").stringValue()).isEqualTo("mlgate://models/prep");
        assertThat(pipe.get(1).get("ModelPackageName").stringValue()).isEqualTo(v1);
        assertThat(pipe.get(1).get("ContainerHostname").stringValue()).isEqualTo("score");
    }

    @Test
    void aMultiContainerPackageBecomesOneContainerOfTheModel() throws JsonServiceException {
        group("Fraud");
        String v1 = call("CreateModelPackage", """
                {"ModelPackageGroupName": "Fraud", "InferenceSpecification": {"Containers": [
                  {"ContainerHostname": "prep", "ModelDataUrl": "mlgate://models/prep"},
                  {"ContainerHostname": "score", "ModelDataUrl": "mlgate://models/score"}]}}""")
                .get("ModelPackageArn").stringValue();
        modelFrom("two", v1);
        JsonNode d = call("DescribeModel", "{\"ModelName\": \"two\"}");
        assertThat(d.get("PrimaryContainer").get("ModelPackageName").stringValue()).isEqualTo(v1);
        assertThat(d.has("Containers")).isFalse();
        config("c1", "two");
        call("CreateEndpoint", "{\"EndpointName\": \"e\", \"EndpointConfigName\": \"c1\"}");
        assertThat(runtime.last().plan().variant("v1").containers()).extracting(ContainerDefinition::modelDataUrl)
                .containsExactly("mlgate://models/prep", "mlgate://models/score");

        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": \"" + v1
                + "\", \"ContainerHostname\": \"x\"}}", "which has 2 containers");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"Containers\": [{\"ModelPackageName\": \"" + v1
                + "\"}, {\"ContainerHostname\": \"prep\", \"ModelDataUrl\": \"mlgate://x\"}]}",
                "Container hostname prep is used by more than one container");
    }

    @Test
    void createModelWithAPackageRefusesBadReferences() throws JsonServiceException {
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": \"Fraud/7\"}}",
                "Could not find model package \"" + arn("model-package", "Fraud/7") + "\"");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": \"Fraud\"}}",
                "versioned model packages only");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": \"" + v1
                + "\", \"ModelDataUrl\": \"mlgate://other\"}}", "cannot be combined with Image or ModelDataUrl");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": \"" + v1
                + "\", \"Image\": \"x\"}}", "cannot be combined with Image or ModelDataUrl");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": \"" + v1
                + "\", \"Mode\": \"MultiModel\"}}", "MultiModel mode cannot be used with a model package");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"Containers\": [{\"ModelPackageName\": \"" + v1
                + "\"}, {\"ModelPackageName\": \"Fraud/1\"}]}", "is named by more than one container");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": "
                + "\"Fraud_1\"}}", "at 'primaryContainer.modelPackageName'");
        assertValidation("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": {\"ModelPackageName\": \""
                + "arn:aws:sagemaker:eu-west-1:" + ACCOUNT + ":model-package/Fraud/1\"}}", "ARN should be scoped");
        assertThatThrownBy(() -> call("CreateModel", "{\"ModelName\": \"m\", \"PrimaryContainer\": "
                + "{\"ModelPackageName\": \"" + v1 + "\"}}", OTHER)).hasMessageContaining("Could not find model package");
        assertValidation("DescribeModel", "{\"ModelName\": \"m\"}", "Could not find model");
    }

    // ------------------------------------------------------------------ guardrail

    @Test
    void approvedPackagesOnlyRefusesModelsThatDoNotComeFromApprovedPackages() throws Exception {
        restartWith(new RegistryGuardrail(true, true));
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");

        JsonServiceException direct = error("CreateModel", "{\"ModelName\": \"raw\", \"PrimaryContainer\": "
                + "{\"ModelDataUrl\": \"mlgate://models/raw\"}}", REGISTRANT, RequestContext.empty());
        assertThat(direct.code()).isEqualTo("ValidationException");
        assertThat(direct.getMessage()).contains("Model raw cannot be created: container 1 names its artifact itself");

        JsonServiceException pending = error("CreateModel", "{\"ModelName\": \"fraud-live\", \"PrimaryContainer\": "
                + "{\"ModelPackageName\": \"" + v1 + "\"}}", REGISTRANT, RequestContext.empty());
        assertThat(pending.getMessage()).contains("Model fraud-live cannot be created: model package " + v1
                + " has ModelApprovalStatus PendingManualApproval");

        setStatus(v1, "Approved", APPROVER);
        modelFrom("fraud-live", v1);
        config("c1", "fraud-live");
        call("CreateEndpoint", "{\"EndpointName\": \"fraud\", \"EndpointConfigName\": \"c1\"}");
        runtime.complete(arn("endpoint", "fraud"));
        assertThat(runtime.calls).hasSize(1);
    }

    @Test
    void aPackageRejectedAfterTheModelWasCreatedCannotBeDeployed() throws Exception {
        restartWith(new RegistryGuardrail(true, true));
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        setStatus(v1, "Approved", APPROVER);
        modelFrom("fraud-live", v1);
        config("c1", "fraud-live");
        call("CreateEndpoint", "{\"EndpointName\": \"serving\", \"EndpointConfigName\": \"c1\"}");
        runtime.complete(arn("endpoint", "serving"));

        setStatus(v1, "Rejected", APPROVER);
        JsonServiceException create = error("CreateEndpoint", "{\"EndpointName\": \"second\", \"EndpointConfigName\": "
                + "\"c1\"}", REGISTRANT, RequestContext.empty());
        assertThat(create.code()).isEqualTo("ValidationException");
        assertThat(create.getMessage()).contains("Model fraud-live cannot be deployed: model package " + v1
                + " has ModelApprovalStatus Rejected");
        assertValidation("DescribeEndpoint", "{\"EndpointName\": \"second\"}", "Could not find endpoint");
        JsonServiceException update = error("UpdateEndpoint", "{\"EndpointName\": \"serving\", "
                + "\"EndpointConfigName\": \"c1\"}", REGISTRANT, RequestContext.empty());
        assertThat(update.getMessage()).contains("cannot be deployed").contains("Rejected");
        // the endpoint already serving keeps serving
        assertThat(call("DescribeEndpoint", "{\"EndpointName\": \"serving\"}").get("EndpointStatus").stringValue())
                .isEqualTo("InService");
        assertThat(runtime.calls).hasSize(1);

        setStatus(v1, "Approved", APPROVER);
        call("UpdateEndpoint", "{\"EndpointName\": \"serving\", \"EndpointConfigName\": \"c1\"}");
        assertThat(runtime.last().kind()).isEqualTo("update");
    }

    @Test
    void aDeletedPackageVersionIsNeverReplacedUnderTheSameNumber() throws Exception {
        restartWith(new RegistryGuardrail(true, true));
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        setStatus(v1, "Approved", APPROVER);
        modelFrom("fraud-live", v1);
        config("c1", "fraud-live");

        call("DeleteModelPackage", "{\"ModelPackageName\": \"Fraud/1\"}");
        JsonServiceException gone = error("CreateEndpoint", "{\"EndpointName\": \"e\", \"EndpointConfigName\": \"c1\"}",
                REGISTRANT, RequestContext.empty());
        assertThat(gone.getMessage()).contains("model package " + v1 + " it was created from no longer exists");
        // the next registration is version 2, not a new version 1
        String next = register("Fraud", "mlgate://models/fraud-other");
        assertThat(next).isEqualTo(arn("model-package", "Fraud/2"));
        setStatus(next, "Approved", APPROVER);
        assertThat(error("CreateEndpoint", "{\"EndpointName\": \"e\", \"EndpointConfigName\": \"c1\"}", REGISTRANT,
                RequestContext.empty()).getMessage()).contains("no longer exists");

        // even if the whole group is deleted and created again, restarting its numbering
        call("DeleteModelPackage", "{\"ModelPackageName\": \"Fraud/2\"}");
        call("DeleteModelPackageGroup", "{\"ModelPackageGroupName\": \"Fraud\"}");
        group("Fraud");
        String again = register("Fraud", "mlgate://models/fraud-impostor");
        assertThat(again).isEqualTo(v1);
        setStatus(again, "Approved", APPROVER);
        assertThat(error("CreateEndpoint", "{\"EndpointName\": \"e\", \"EndpointConfigName\": \"c1\"}", REGISTRANT,
                RequestContext.empty()).getMessage()).contains("no longer exists");
    }

    @Test
    void withoutTheGuardrailAnyModelDeploys() throws JsonServiceException {
        group("Fraud");
        String v1 = register("Fraud", "mlgate://models/fraud-1");
        modelFrom("pending", v1);
        call("CreateModel", "{\"ModelName\": \"raw\", \"PrimaryContainer\": {\"ModelDataUrl\": \"mlgate://raw\"}}");
        config("c1", "pending");
        config("c2", "raw");
        call("CreateEndpoint", "{\"EndpointName\": \"a\", \"EndpointConfigName\": \"c1\"}");
        call("CreateEndpoint", "{\"EndpointName\": \"b\", \"EndpointConfigName\": \"c2\"}");
        assertThat(runtime.calls).hasSize(2);
    }

    // ------------------------------------------------------------------ tags, target, audit

    @Test
    void tagsWorkOnGroupsAndVersions() throws JsonServiceException {
        group("Fraud");
        String body = """
                {"ModelPackageGroupName": "Fraud", "Tags": [{"Key": "stage", "Value": "candidate"}],
                 "InferenceSpecification": {"Containers": [{"ModelDataUrl": "mlgate://models/fraud-1"}]}}""";
        assertThat(service.requestTags("CreateModelPackage", json(body))).containsExactly(Map.entry("stage",
                "candidate"));
        assertThat(service.requestTags("CreateModelPackageGroup", json("{\"ModelPackageGroupName\": \"g\", "
                + "\"Tags\": [{\"Key\": \"a\", \"Value\": \"b\"}]}"))).containsExactly(Map.entry("a", "b"));
        String v1 = call("CreateModelPackage", body).get("ModelPackageArn").stringValue();
        assertThat(service.resourceTags(v1)).containsExactly(Map.entry("stage", "candidate"));

        for (String resource : List.of(v1, GROUP_ARN)) {
            call("AddTags", "{\"ResourceArn\": \"" + resource + "\", \"Tags\": [{\"Key\": \"owner\", "
                    + "\"Value\": \"risk\"}]}");
            JsonNode tags = call("ListTags", "{\"ResourceArn\": \"" + resource + "\"}");
            assertThat(field(tags, "Tags", "Key")).contains("owner");
            call("DeleteTags", "{\"ResourceArn\": \"" + resource + "\", \"TagKeys\": [\"owner\"]}");
            assertThat(service.resourceTags(resource)).doesNotContainKey("owner");
        }
        assertThat(service.resourceTags(v1)).containsExactly(Map.entry("stage", "candidate"));
        assertThat(service.resourceTags(arn("model-package", "fraud/1"))).isEmpty();
        assertValidation("AddTags", "{\"ResourceArn\": \"" + arn("model-package", "Fraud/9") + "\", \"Tags\": "
                + "[{\"Key\": \"k\", \"Value\": \"v\"}]}", "Could not find model package");
        assertValidation("ListTags", "{\"ResourceArn\": \"" + arn("model-package-group", "fraud") + "\"}",
                "Could not find model package group");
        assertValidation("ListTags", "{\"ResourceArn\": \"" + arn("model-package", "Fraud") + "\"}",
                "is not a model, endpoint configuration, endpoint, model package group or model package version");
    }

    @Test
    void targetNamesTheRegistryResources() throws JsonServiceException {
        group("Fraud");
        register("Fraud", "mlgate://models/fraud-1");
        String createBody = "{\"ModelPackageGroupName\": \"Fraud\", \"InferenceSpecification\": {\"Containers\": "
                + "[{\"ModelDataUrl\": \"mlgate://models/fraud-2\", \"Environment\": {\"DB_PASSWORD\": \"hunter2\"}}]}}";
        JsonTarget create = service.target("CreateModelPackage", json(createBody), ACCOUNT, REGISTRANT);
        assertThat(create.action()).isEqualTo("sagemaker:CreateModelPackage");
        assertThat(create.resourceArn()).isEqualTo(arn("model-package", "Fraud/2"));
        assertThat(create.resourceType()).isEqualTo("AWS::SageMaker::ModelPackage");
        assertThat(create.readOnly()).isFalse();
        assertThat(create.requestParameters().toString()).doesNotContain("hunter2").contains("DB_PASSWORD")
                .contains(SageMakerService.HIDDEN).contains("modelPackageGroupName=Fraud");
        // and the version the call then creates is that one
        assertThat(service.invoke("CreateModelPackage", json(createBody), REGISTRANT, RequestContext.empty())
                .get("ModelPackageArn").stringValue()).isEqualTo(create.resourceArn());

        JsonTarget group = service.target("CreateModelPackageGroup", json("{\"ModelPackageGroupName\": \"New\"}"),
                ACCOUNT, REGISTRANT);
        assertThat(group.resourceArn()).isEqualTo(arn("model-package-group", "New"));
        assertThat(group.resourceType()).isEqualTo("AWS::SageMaker::ModelPackageGroup");

        JsonTarget describe = service.target("DescribeModelPackage", json("{\"ModelPackageName\": \"Fraud/1\"}"),
                ACCOUNT, REGISTRANT);
        assertThat(describe.resourceArn()).isEqualTo(arn("model-package", "Fraud/1"));
        assertThat(describe.readOnly()).isTrue();

        JsonTarget update = service.target("UpdateModelPackage", json("{\"ModelPackageArn\": \""
                + arn("model-package", "Fraud/1") + "\", \"ModelApprovalStatus\": \"Approved\"}"), ACCOUNT, APPROVER);
        assertThat(update.resourceArn()).isEqualTo(arn("model-package", "Fraud/1"));
        assertThat(update.readOnly()).isFalse();
        assertThat(update.requestParameters()).containsEntry("modelApprovalStatus", "Approved");

        assertThat(service.target("DeleteModelPackageGroup", json("{\"ModelPackageGroupName\": \"" + GROUP_ARN
                + "\"}"), ACCOUNT, REGISTRANT).resourceArn()).isEqualTo(GROUP_ARN);
        for (String op : List.of("ListModelPackages", "ListModelPackageGroups")) {
            JsonTarget list = service.target(op, json("{}"), ACCOUNT, REGISTRANT);
            assertThat(list.resourceArn()).isEqualTo("*");
            assertThat(list.readOnly()).isTrue();
        }
        // a model from a package is authorized on the model, the package named in the parameters
        JsonTarget model = service.target("CreateModel", json("{\"ModelName\": \"m\", \"PrimaryContainer\": "
                + "{\"ModelPackageName\": \"Fraud/1\"}}"), ACCOUNT, REGISTRANT);
        assertThat(model.resourceArn()).isEqualTo(arn("model", "m"));
        assertThat(model.requestParameters().toString()).contains("modelPackageName=Fraud/1");
        assertThatThrownBy(() -> service.target("UpdateModelPackage", json("{}"), ACCOUNT, REGISTRANT))
                .hasMessageContaining("Member must not be null");
    }
}
