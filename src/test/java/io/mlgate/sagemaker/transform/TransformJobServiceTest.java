package io.mlgate.sagemaker.transform;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import io.mlgate.sts.MutableClock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transform API's request checking (each rule with a request that passes and one that is refused with
 * SageMaker's error), its target for authorization and audit, Describe/List/Stop, names, limits and paging.
 */
class TransformJobServiceTest {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final PrincipalContext CALLER = PrincipalContext.builder(
            "arn:aws:iam::" + ACCOUNT + ":user/ml", ACCOUNT, PrincipalType.USER).build();
    static final PrincipalContext OTHER = PrincipalContext.builder(
            "arn:aws:iam::210987654321:user/ml", "210987654321", PrincipalType.USER).build();

    @TempDir
    Path dataDir;

    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    FakeModels models;
    TransformEngine engine;
    TransformJobService service;

    @BeforeEach
    void setUp() throws IOException {
        models = new FakeModels("arn:aws:sagemaker:us-east-1:123456789012:model/m");
        engine = new TransformEngine(TransformJobState.open(dataDir), BatchBucket.open(dataDir), models,
                clock, new TransformEngine.Settings(2, 2, 100)).start();
        service = new TransformJobService(engine, clock, REGION, 3);
        Path input = dataDir.resolve("batch/in/data.csv");
        Files.createDirectories(input.getParent());
        Files.writeString(input, "1,2,3,4\n");
    }

    @AfterEach
    void close() {
        engine.close();
    }

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

    void assertRefused(String body, String code, String messagePart) {
        JsonServiceException e = error("CreateTransformJob", body);
        assertThat(e.code()).as(body).isEqualTo(code);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).as(body).contains(messagePart);
    }

    /** A valid request with one member replaced: {@code members} are JSON members put in front (later ones win). */
    static String request(String name, String extra, String input, String output, String resources) {
        return """
                {"TransformJobName": "%s", "ModelName": "m", %s
                 "TransformInput": %s,
                 "TransformOutput": %s,
                 "TransformResources": %s}""".formatted(name, extra, input, output, resources);
    }

    static final String INPUT = """
            {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://mlgate-batch/in/"}},
             "ContentType": "text/csv", "SplitType": "Line"}""";
    static final String OUTPUT = "{\"S3OutputPath\": \"s3://mlgate-batch/out/\", \"AssembleWith\": \"Line\"}";
    static final String RESOURCES = "{\"InstanceType\": \"ml.m5.large\", \"InstanceCount\": 1}";

    static String valid(String name) {
        return request(name, "", INPUT, OUTPUT, RESOURCES);
    }

    static String withExtra(String name, String extra) {
        return request(name, extra, INPUT, OUTPUT, RESOURCES);
    }

    static String withInput(String name, String input) {
        return request(name, "", input, OUTPUT, RESOURCES);
    }

    static String input(String s3Uri, String contentType, String splitType, String extra) {
        return """
                {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "%s"}},
                 %s %s "SplitType": "%s"}""".formatted(s3Uri,
                contentType == null ? "" : "\"ContentType\": \"" + contentType + "\",", extra, splitType);
    }

    TransformJob awaitEnd(String arn) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            TransformJob j = engine.state().job(arn).orElseThrow();
            if (j.status().terminal()) {
                return j;
            }
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    // ------------------------------------------------------------------ create: checks

    @Test
    void aValidRequestCreatesAJobWhoseArnHasTheLowerCasedName() throws Exception {
        JsonNode out = call("CreateTransformJob", valid("Batch-One"));
        assertThat(out.path("TransformJobArn").asString())
                .isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:transform-job/batch-one");
        assertThat(awaitEnd(out.path("TransformJobArn").asString()).status())
                .isEqualTo(TransformJobStatus.COMPLETED);
    }

    @Test
    void namesAndTheModelAreChecked() throws Exception {
        assertRefused(valid("bad_name"), "ValidationException",
                "Value 'bad_name' at 'transformJobName' failed to satisfy constraint: Member must satisfy regular "
                        + "expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
        assertRefused(valid("x".repeat(64)), "ValidationException", "Member must have length less than or equal to 63");
        assertRefused(valid("x").replace("\"ModelName\": \"m\",", ""), "ValidationException",
                "Value null at 'modelName' failed to satisfy constraint: Member must not be null");
        assertRefused(valid("x").replace("\"ModelName\": \"m\"", "\"ModelName\": \"nope\""), "ValidationException",
                "Could not find model \"arn:aws:sagemaker:us-east-1:123456789012:model/nope\".");
        assertRefused(valid("x").replace("\"ModelName\": \"m\"", "\"ModelName\": 7"), "SerializationException",
                "modelName must be a string");
        call("CreateTransformJob", valid("named-right"));
    }

    @Test
    void theInputMustBeALinePrefixInTheBatchBucketWithAContentTypeTheRuntimeReads() throws Exception {
        assertRefused(withInput("a", input("s3://other-bucket/in/", "text/csv", "Line", "")), "ValidationException",
                "mlgate reads and writes transform data in s3://mlgate-batch/ only");
        assertRefused(withInput("a", input("s3://mlgate-batch/in/../../etc/", "text/csv", "Line", "")),
                "ValidationException", "must not contain empty, '.' or '..' path segments");
        assertRefused(withInput("a", input("s3://mlgate-batch/in//x", "text/csv", "Line", "")),
                "ValidationException", "must not contain empty");
        assertRefused(withInput("a", input("s3://mlgate-batch/in\\\\x", "text/csv", "Line", "")),
                "ValidationException", "without backslashes");
        assertRefused(withInput("a", input("ftp://mlgate-batch/in/", "text/csv", "Line", "")),
                "ValidationException", "Member must satisfy regular expression pattern: (https|s3)://([^/]+)/?(.*)");
        assertRefused(withInput("a", INPUT.replace("S3Prefix", "ManifestFile")), "ValidationException",
                "S3DataType ManifestFile is not supported by mlgate; use S3Prefix.");
        assertRefused(withInput("a", INPUT.replace("S3Prefix", "Prefix")), "ValidationException",
                "Member must satisfy enum value set");
        assertRefused(withInput("a", input("s3://mlgate-batch/in/", "text/csv", "None", "")),
                "ValidationException", "set TransformInput.SplitType to Line (it was None)");
        assertRefused(withInput("a", INPUT.replace(", \"SplitType\": \"Line\"", "")), "ValidationException",
                "(it was not set, which means None)");
        assertRefused(withInput("a", input("s3://mlgate-batch/in/", null, "Line", "")), "ValidationException",
                "mlgate needs TransformInput.ContentType");
        assertRefused(withInput("a", input("s3://mlgate-batch/in/", "image/png", "Line", "")),
                "ValidationException", "ContentType image/png is not supported");
        assertRefused(withInput("a", input("s3://mlgate-batch/in/", "text/csv; charset=latin1", "Line", "")),
                "ValidationException", "charset latin1 is not supported");
        assertRefused(withInput("a", input("s3://mlgate-batch/in/", "text/csv; header=present", "Line", "")),
                "ValidationException", "header row");
        assertRefused(withInput("a", input("s3://mlgate-batch/in/", "text/csv", "Line",
                "\"CompressionType\": \"Gzip\",")), "ValidationException", "CompressionType Gzip is not supported");
        call("CreateTransformJob", withInput("jsonl", input("s3://mlgate-batch/in/",
                "application/jsonlines; charset=utf-8", "Line", "\"CompressionType\": \"None\",")));
        call("CreateTransformJob", withInput("csv", input("s3://mlgate-batch/in/data.csv", "text/csv", "Line", "")));
    }

    @Test
    void theOutputMustBeInTheBatchBucketAndJson() throws Exception {
        assertRefused(request("a", "", INPUT, "{\"S3OutputPath\": \"s3://elsewhere/out/\"}", RESOURCES),
                "ValidationException", "Invalid transformOutput.s3OutputPath s3://elsewhere/out/");
        assertRefused(request("a", "", INPUT, "{\"S3OutputPath\": \"s3://mlgate-batch/../x/\"}", RESOURCES),
                "ValidationException", "'..'");
        assertRefused(request("a", "", INPUT, "{\"S3OutputPath\": \"s3://mlgate-batch/o/\", \"Accept\": "
                + "\"text/csv\"}", RESOURCES), "ValidationException", "Accept text/csv is not produced by mlgate");
        assertRefused(request("a", "", INPUT, "{\"S3OutputPath\": \"s3://mlgate-batch/o/\", \"KmsKeyId\": "
                + "\"alias/x\"}", RESOURCES), "ValidationException",
                "The member transformOutput.kmsKeyId is not supported by mlgate.");
        assertRefused(request("a", "", INPUT, "{\"S3OutputPath\": \"s3://mlgate-batch/o/\", \"AssembleWith\": "
                + "\"Lines\"}", RESOURCES), "ValidationException", "Member must satisfy enum value set: [Line, None]");
        call("CreateTransformJob", request("out-ok", "", INPUT, "{\"S3OutputPath\": \"s3://mlgate-batch/o\", "
                + "\"Accept\": \"application/jsonlines\", \"AssembleWith\": \"None\"}", RESOURCES));
    }

    @Test
    void payloadAndConcurrencyFollowSageMakersLimits() throws Exception {
        assertRefused(withExtra("a", "\"MaxPayloadInMB\": 101,"), "ValidationException",
                "The value of MaxPayloadInMB cannot be greater than 100 MB.");
        assertRefused(withExtra("a", "\"MaxPayloadInMB\": 0,"), "ValidationException",
                "MaxPayloadInMB 0 (HTTP chunked encoding) is not supported");
        assertRefused(withExtra("a", "\"MaxPayloadInMB\": -1,"), "ValidationException",
                "Member must have value greater than or equal to 0");
        assertRefused(withExtra("a", "\"MaxConcurrentTransforms\": 17,"), "ValidationException",
                "The value of (MaxConcurrentTransforms * MaxPayloadInMB) cannot exceed 100 MB.");
        assertRefused(withExtra("a", "\"MaxConcurrentTransforms\": 11, \"MaxPayloadInMB\": 10,"),
                "ValidationException", "cannot exceed 100 MB");
        assertRefused(withExtra("a", "\"BatchStrategy\": \"Everything\","), "ValidationException",
                "Member must satisfy enum value set: [MultiRecord, SingleRecord]");
        assertRefused(withExtra("a", "\"ModelClientConfig\": {\"InvocationsMaxRetries\": 4},"),
                "ValidationException", "Member must have value less than or equal to 3");
        call("CreateTransformJob", withExtra("limits-ok", "\"MaxConcurrentTransforms\": 10, \"MaxPayloadInMB\": 10,"
                + " \"BatchStrategy\": \"MultiRecord\", \"ModelClientConfig\": {\"InvocationsTimeoutInSeconds\": 600,"
                + " \"InvocationsMaxRetries\": 3},"));
        call("CreateTransformJob", withExtra("unset-concurrency", "\"MaxConcurrentTransforms\": 16,"));
    }

    @Test
    void environmentResourcesTagsAndUnsupportedMembersAreChecked() throws Exception {
        assertRefused(withExtra("a", "\"Environment\": {\"MLGATE_MAX_FAILED_RECORDS\": \"ten\"},"),
                "ValidationException", "MLGATE_MAX_FAILED_RECORDS must be a whole number");
        assertRefused(withExtra("a", "\"Environment\": {\"1BAD\": \"x\"},"), "ValidationException",
                "Member must satisfy regular expression pattern: [a-zA-Z_][a-zA-Z0-9_]{0,1023}");
        StringBuilder env = new StringBuilder("\"Environment\": {");
        for (int i = 0; i < 17; i++) {
            env.append(i == 0 ? "" : ",").append("\"K").append(i).append("\": \"v\"");
        }
        assertRefused(withExtra("a", env + "},"), "ValidationException",
                "Member must have length less than or equal to 16");
        assertRefused(withExtra("a", "\"DataProcessing\": {\"JoinSource\": \"Input\"},"), "ValidationException",
                "The member dataProcessing is not supported by mlgate.");
        assertRefused(withExtra("a", "\"DataCaptureConfig\": {\"DestinationS3Uri\": \"s3://x/\"},"),
                "ValidationException", "The member dataCaptureConfig is not supported by mlgate.");
        assertRefused(request("a", "", INPUT, OUTPUT, "{\"InstanceType\": \"m5.large\", \"InstanceCount\": 1}"),
                "ValidationException", "at 'transformResources.instanceType'");
        assertRefused(request("a", "", INPUT, OUTPUT, "{\"InstanceType\": \"ml.m5.large\", \"InstanceCount\": 0}"),
                "ValidationException", "Member must have value greater than or equal to 1");
        assertRefused(request("a", "", INPUT, OUTPUT, "{\"InstanceType\": \"ml.m5.large\"}"), "ValidationException",
                "Value null at 'transformResources.instanceCount'");
        assertRefused(withExtra("a", "\"Tags\": [{\"Key\": \"aws:x\", \"Value\": \"v\"}],"), "ValidationException",
                "reserved for system use");
        assertRefused(withExtra("a", "\"Tags\": [{\"Key\": \"k\", \"Value\": \"v\"}, {\"Key\": \"k\", \"Value\": "
                + "\"w\"}],"), "ValidationException", "Duplicate tag key k");
        call("CreateTransformJob", withExtra("env-ok", "\"Environment\": {\"MLGATE_MAX_FAILED_RECORDS\": \"0\", "
                + "\"API_TOKEN\": \"s3cr3t\"}, \"Tags\": [{\"Key\": \"team\", \"Value\": \"ml\"}],"));
    }

    @Test
    void namesAreUniqueCaseInsensitivelyAndActiveJobsAreLimited() throws Exception {
        // three jobs in progress at once: a model that never finishes loading keeps them there
        models.refusal = null;
        engine.close();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        engine = new TransformEngine(engine.state(), engine.bucket(), models, clock,
                new TransformEngine.Settings(2, 1, 100), (arn, before) -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        service = new TransformJobService(engine, clock, REGION, 3);
        call("CreateTransformJob", valid("dup"));
        assertRefused(valid("DUP"), "ResourceInUse", "Transform job names must be unique within an AWS account and "
                + "region, and a transform job with this name already exists "
                + "(arn:aws:sagemaker:us-east-1:123456789012:transform-job/dup)");
        call("CreateTransformJob", valid("two"));
        call("CreateTransformJob", valid("three"));
        assertRefused(valid("four"), "ResourceLimitExceeded", "'Number of transform jobs in progress' is 3 Jobs");
        call("StopTransformJob", "{\"TransformJobName\": \"three\"}"); // waiting for the slot: Stopped at once
        call("CreateTransformJob", valid("four"));
    }

    // ------------------------------------------------------------------ target

    @Test
    void theTargetIsTheJobArnWithEnvironmentValuesHiddenFromTheAudit() throws Exception {
        JsonTarget t = service.target("CreateTransformJob", json(withExtra("Audit-Me",
                "\"Environment\": {\"API_TOKEN\": \"s3cr3t\"},")), ACCOUNT, CALLER);
        assertThat(t.action()).isEqualTo("sagemaker:CreateTransformJob");
        assertThat(t.resourceArn()).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:transform-job/audit-me");
        assertThat(t.resourceType()).isEqualTo("AWS::SageMaker::TransformJob");
        assertThat(t.readOnly()).isFalse();
        assertThat(t.requestParameters().get("environment")).isEqualTo(Map.of("API_TOKEN",
                TransformJobService.HIDDEN));
        assertThat(t.requestParameters().toString()).doesNotContain("s3cr3t")
                .contains("transformJobName=Audit-Me").contains("s3Uri=s3://mlgate-batch/in/");

        JsonTarget d = service.target("DescribeTransformJob", json("{\"TransformJobName\": \"X\"}"), ACCOUNT, CALLER);
        assertThat(d.action()).isEqualTo("sagemaker:DescribeTransformJob");
        assertThat(d.resourceArn()).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:transform-job/x");
        assertThat(d.readOnly()).isTrue();
        JsonTarget s = service.target("StopTransformJob", json("{\"TransformJobName\": \"X\"}"), ACCOUNT, CALLER);
        assertThat(s.readOnly()).isFalse();
        JsonTarget l = service.target("ListTransformJobs", json("{}"), ACCOUNT, CALLER);
        assertThat(l.resourceArn()).isEqualTo("*");
        assertThat(l.resourceType()).isNull();
        assertThat(service.operations()).containsExactlyInAnyOrder("CreateTransformJob", "DescribeTransformJob",
                "ListTransformJobs", "StopTransformJob");
    }

    // ------------------------------------------------------------------ describe, stop, list

    @Test
    void describeEchoesTheRequestAndUnknownJobsAreNotFound() throws Exception {
        String arn = call("CreateTransformJob", request("echo", """
                "BatchStrategy": "MultiRecord", "MaxPayloadInMB": 2, "MaxConcurrentTransforms": 3,
                "Environment": {"MODE": "fast"}, "ModelClientConfig": {"InvocationsTimeoutInSeconds": 60},""",
                INPUT, OUTPUT, "{\"InstanceType\": \"ml.c5.xlarge\", \"InstanceCount\": 2, "
                        + "\"TransformAmiVersion\": \"al2-ami-sagemaker-batch-gpu-470\"}"))
                .path("TransformJobArn").asString();
        awaitEnd(arn);
        JsonNode d = call("DescribeTransformJob", "{\"TransformJobName\": \"echo\"}");
        assertThat(d.path("TransformJobName").asString()).isEqualTo("echo");
        assertThat(d.path("TransformJobArn").asString()).isEqualTo(arn);
        assertThat(d.path("TransformJobStatus").asString()).isEqualTo("Completed");
        assertThat(d.has("FailureReason")).isFalse();
        assertThat(d.path("ModelName").asString()).isEqualTo("m");
        assertThat(d.path("BatchStrategy").asString()).isEqualTo("MultiRecord");
        assertThat(d.path("MaxPayloadInMB").intValue()).isEqualTo(2);
        assertThat(d.path("MaxConcurrentTransforms").intValue()).isEqualTo(3);
        assertThat(d.path("Environment").path("MODE").asString()).isEqualTo("fast");
        assertThat(d.path("ModelClientConfig").path("InvocationsTimeoutInSeconds").intValue()).isEqualTo(60);
        assertThat(d.path("TransformInput").path("DataSource").path("S3DataSource").path("S3Uri").asString())
                .isEqualTo("s3://mlgate-batch/in/");
        assertThat(d.path("TransformInput").path("ContentType").asString()).isEqualTo("text/csv");
        assertThat(d.path("TransformInput").path("SplitType").asString()).isEqualTo("Line");
        assertThat(d.path("TransformOutput").path("S3OutputPath").asString()).isEqualTo("s3://mlgate-batch/out/");
        assertThat(d.path("TransformOutput").path("AssembleWith").asString()).isEqualTo("Line");
        assertThat(d.path("TransformResources").path("InstanceType").asString()).isEqualTo("ml.c5.xlarge");
        assertThat(d.path("TransformResources").path("InstanceCount").intValue()).isEqualTo(2);
        assertThat(d.path("CreationTime").isNumber()).isTrue();
        assertThat(d.path("TransformEndTime").isNumber()).isTrue();

        JsonServiceException missing = error("DescribeTransformJob", "{\"TransformJobName\": \"nope\"}");
        assertThat(missing.code()).isEqualTo("ValidationException");
        assertThat(missing.getMessage()).isEqualTo("Could not find requested job with name nope");
        // another account does not see the job
        JsonServiceException other = org.junit.jupiter.api.Assertions.assertThrows(JsonServiceException.class,
                () -> call("DescribeTransformJob", "{\"TransformJobName\": \"echo\"}", OTHER));
        assertThat(other.getMessage()).contains("Could not find requested job");
        assertThat(error("StopTransformJob", "{\"TransformJobName\": \"nope\"}").getMessage())
                .isEqualTo("Could not find requested job with name nope");
        assertThat(error("StopTransformJob", "{\"TransformJobName\": \"echo\"}").getMessage())
                .isEqualTo("The transform job echo cannot be stopped: its status is Completed.");
        assertThat(error("DescribeTransformJob", "{\"TransformJobName\": \"x\", \"Extra\": 1}").getMessage())
                .isEqualTo("The member extra is not supported by mlgate.");
    }

    @Test
    void listFiltersSortsAndPages() throws Exception {
        List<String> arns = new ArrayList<>();
        for (String name : List.of("list-b", "list-a", "list-c")) {
            arns.add(call("CreateTransformJob", valid(name)).path("TransformJobArn").asString());
            awaitEnd(arns.get(arns.size() - 1));
            clock.advance(Duration.ofSeconds(1));
        }
        call("CreateTransformJob", withInput("list-failed", input("s3://mlgate-batch/empty/", "text/csv", "Line",
                "")));
        awaitEnd("arn:aws:sagemaker:us-east-1:123456789012:transform-job/list-failed");

        JsonNode byName = call("ListTransformJobs", "{\"SortBy\": \"Name\", \"SortOrder\": \"Ascending\", "
                + "\"NameContains\": \"LIST\"}");
        assertThat(byName.path("TransformJobSummaries").findValuesAsString("TransformJobName"))
                .containsExactly("list-a", "list-b", "list-c", "list-failed");
        JsonNode first = byName.path("TransformJobSummaries").get(0);
        assertThat(first.path("TransformJobStatus").asString()).isEqualTo("Completed");
        assertThat(first.path("LastModifiedTime").isNumber()).isTrue();
        assertThat(first.path("TransformEndTime").isNumber()).isTrue();

        JsonNode failed = call("ListTransformJobs", "{\"StatusEquals\": \"Failed\"}");
        assertThat(failed.path("TransformJobSummaries")).hasSize(1);
        assertThat(failed.path("TransformJobSummaries").get(0).path("FailureReason").asString())
                .contains("No input files found");

        JsonNode newest = call("ListTransformJobs", "{\"MaxResults\": 2}");
        assertThat(newest.path("TransformJobSummaries").findValuesAsString("TransformJobName"))
                .containsExactly("list-failed", "list-c");
        String token = newest.path("NextToken").asString();
        JsonNode rest = call("ListTransformJobs", "{\"MaxResults\": 2, \"NextToken\": \"" + token + "\"}");
        assertThat(rest.path("TransformJobSummaries").findValuesAsString("TransformJobName"))
                .containsExactly("list-a", "list-b");
        assertThat(rest.has("NextToken")).isFalse();

        assertThat(error("ListTransformJobs", "{\"NextToken\": \"" + token + "\", \"SortBy\": \"Name\"}")
                .getMessage()).isEqualTo("The NextToken is not valid for this request.");
        assertThat(error("ListTransformJobs", "{\"MaxResults\": 101}").getMessage())
                .contains("Member must have value less than or equal to 100");
        assertThat(error("ListTransformJobs", "{\"StatusEquals\": \"Done\"}").getMessage())
                .contains("Member must satisfy enum value set");
        assertThat(error("ListTransformJobs", "{\"CreationTimeAfter\": \"yesterday\"}").code())
                .isEqualTo("SerializationException");
        assertThat(call("ListTransformJobs", "{}", OTHER).path("TransformJobSummaries")).isEmpty();
        assertThat(call("ListTransformJobs", "{\"CreationTimeBefore\": 1}").path("TransformJobSummaries")).isEmpty();
    }
}
