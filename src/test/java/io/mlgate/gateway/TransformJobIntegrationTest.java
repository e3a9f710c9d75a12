package io.mlgate.gateway;

import io.mlgate.runtime.UploadedModels;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.AssemblyType;
import software.amazon.awssdk.services.sagemaker.model.BatchStrategy;
import software.amazon.awssdk.services.sagemaker.model.CreateTransformJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeTransformJobResponse;
import software.amazon.awssdk.services.sagemaker.model.S3DataType;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.SplitType;
import software.amazon.awssdk.services.sagemaker.model.TransformInstanceType;
import software.amazon.awssdk.services.sagemaker.model.TransformJobStatus;
import software.amazon.awssdk.services.sagemaker.model.TransformJobSummary;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batch transform end to end with the AWS SDK v2 {@link SageMakerClient} as the client: jobs over 10,000 lines of
 * iris rows with injected bad lines (SingleRecord and MultiRecord give the same output), JSON Lines input, jobs that
 * fail with a reason, refused requests, authorization on the job ARN and the audit record.
 */
class TransformJobIntegrationTest extends RunningGateway {

    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final List<String> ROWS = List.of("5.1,3.5,1.4,0.2", "6.7,3.0,5.2,2.3", "5.9,3.0,4.2,1.5");
    static final JsonMapper JSON = JsonMapper.builder().build();

    SageMakerClient control(String profile) throws Exception {
        String[] keys = GatewayIntegrationTest.profiles().get(profile);
        TrustManagerFactory trust = trustDevCa();
        return SageMakerClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    static Path batch(String key) {
        return home.resolve("data/batch").resolve(key);
    }

    /** 10,000 iris rows; every 1000th line (from 500) is not a number, every 1000th (from 900) has 3 values. */
    static List<String> irisLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 10_000; i++) {
            lines.add(i % 1000 == 500 ? "abc,1.0,2.0,3.0" : i % 1000 == 900 ? "1.0,2.0,3.0" : ROWS.get(i % 3));
        }
        return lines;
    }

    static void write(String key, List<String> lines) throws IOException {
        Files.createDirectories(batch(key).getParent());
        Files.writeString(batch(key), String.join("\n", lines) + "\n");
    }

    static void ensureModel(SageMakerClient sm, String name, String role) {
        try {
            sm.describeModel(r -> r.modelName(name));
        } catch (SageMakerException missing) {
            sm.createModel(r -> r.modelName(name).executionRoleArn(role)
                    .primaryContainer(c -> c.image("mlgate/onnx").modelDataUrl(UploadedModels.urlOf("iris"))));
        }
    }

    static CreateTransformJobRequest.Builder job(String name, String model, String input, String contentType,
                                                 String output) {
        return CreateTransformJobRequest.builder().transformJobName(name).modelName(model)
                .transformInput(i -> i.contentType(contentType).splitType(SplitType.LINE)
                        .dataSource(d -> d.s3DataSource(s -> s.s3DataType(S3DataType.S3_PREFIX).s3Uri(input))))
                .transformOutput(o -> o.s3OutputPath(output).assembleWith(AssemblyType.LINE))
                .transformResources(r -> r.instanceType(TransformInstanceType.ML_M5_LARGE).instanceCount(1));
    }

    static DescribeTransformJobResponse awaitEnd(SageMakerClient sm, String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            DescribeTransformJobResponse d = sm.describeTransformJob(r -> r.transformJobName(name));
            if (d.transformJobStatus() != TransformJobStatus.IN_PROGRESS
                    && d.transformJobStatus() != TransformJobStatus.STOPPING) {
                return d;
            }
            assertThat(System.nanoTime()).as("job %s ends within 120 s", name).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static void assertRefused(Runnable call, String code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SageMakerException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).contains(messagePart);
        });
    }

    @Test
    void singleAndMultiRecordJobsAnswerTenThousandLinesAndReportTheBadOnes() throws Exception {
        List<String> lines = irisLines();
        write("it/iris.csv", lines);
        try (SageMakerClient sm = control("demo-admin")) {
            ensureModel(sm, "transform-iris", ROLE);
            String arn = sm.createTransformJob(job("iris-single", "transform-iris", "s3://mlgate-batch/it/iris.csv",
                    "text/csv", "s3://mlgate-batch/it-out/single/").maxConcurrentTransforms(2).build())
                    .transformJobArn();
            assertThat(arn).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:transform-job/iris-single");
            sm.createTransformJob(job("iris-multi", "transform-iris", "s3://mlgate-batch/it/iris.csv", "text/csv",
                    "s3://mlgate-batch/it-out/multi/").batchStrategy(BatchStrategy.MULTI_RECORD).maxPayloadInMB(1)
                    .maxConcurrentTransforms(2).build());

            DescribeTransformJobResponse single = awaitEnd(sm, "iris-single");
            assertThat(single.transformJobStatus()).isEqualTo(TransformJobStatus.COMPLETED);
            assertThat(single.failureReason()).isEqualTo("20 of 10000 records failed; line numbers, error codes and "
                    + "messages are in s3://mlgate-batch/it-out/single/iris.csv.out.errors.");
            assertThat(single.transformStartTime()).isNotNull();
            assertThat(single.transformEndTime()).isAfterOrEqualTo(single.transformStartTime());
            assertThat(single.transformInput().splitType()).isEqualTo(SplitType.LINE);
            assertThat(single.maxConcurrentTransforms()).isEqualTo(2);

            List<String> out = Files.readAllLines(batch("it-out/single/iris.csv.out"));
            assertThat(out).hasSize(10_000);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("abc") || line.split(",").length == 3) {
                    assertThat(out.get(i)).isEqualTo("{\"error\":{\"code\":\"ValidationError\",\"line\":" + (i + 1)
                            + "}}");
                } else {
                    JsonNode prediction = JSON.readTree(out.get(i));
                    assertThat(prediction.path("predicted_label").asString()).isEqualTo(
                            line.equals("5.1,3.5,1.4,0.2") ? "setosa" : line.equals("6.7,3.0,5.2,2.3")
                                    ? "virginica" : "versicolor");
                    assertThat(prediction.path("probabilities").size()).isEqualTo(3);
                }
            }
            List<String> errors = Files.readAllLines(batch("it-out/single/iris.csv.out.errors"));
            assertThat(errors).hasSize(20);
            JsonNode first = JSON.readTree(errors.get(0));
            assertThat(first.path("line").asLong()).isEqualTo(500);
            assertThat(first.path("code").asString()).isEqualTo("ValidationError");
            assertThat(first.path("message").asString()).isEqualTo("value \"***\" in column 1 is not a number");
            JsonNode second = JSON.readTree(errors.get(1));
            assertThat(second.path("line").asLong()).isEqualTo(900);
            assertThat(second.path("message").asString()).isEqualTo("the record has 3 values but the model expects 4");
            assertThat(String.join("\n", errors)).doesNotContain("abc");

            DescribeTransformJobResponse multi = awaitEnd(sm, "iris-multi");
            assertThat(multi.transformJobStatus()).isEqualTo(TransformJobStatus.COMPLETED);
            assertThat(multi.batchStrategy()).isEqualTo(BatchStrategy.MULTI_RECORD);
            assertThat(Files.readString(batch("it-out/multi/iris.csv.out")))
                    .isEqualTo(Files.readString(batch("it-out/single/iris.csv.out")));
            assertThat(Files.readString(batch("it-out/multi/iris.csv.out.errors")))
                    .isEqualTo(Files.readString(batch("it-out/single/iris.csv.out.errors")));

            List<TransformJobSummary> listed = sm.listTransformJobs(r -> r.nameContains("iris-")
                    .statusEquals(TransformJobStatus.COMPLETED)).transformJobSummaries();
            assertThat(listed).extracting(TransformJobSummary::transformJobName).contains("iris-single", "iris-multi");
            assertRefused(() -> sm.stopTransformJob(r -> r.transformJobName("iris-single")), "ValidationException",
                    "its status is Completed");
            assertRefused(() -> sm.createTransformJob(job("iris-single", "transform-iris",
                    "s3://mlgate-batch/it/iris.csv", "text/csv", "s3://mlgate-batch/x/").build()), "ResourceInUse",
                    "a transform job with this name already exists");
        }
    }

    @Test
    void jsonLinesRecordsAreJsonValues() throws Exception {
        write("jsonl/iris.jsonl", List.of("[5.1,3.5,1.4,0.2]", "{\"features\":[6.7,3.0,5.2,2.3]}",
                "[[1,2,3,4],[5,6,7,8]]", "{\"features\":\"no\"}"));
        try (SageMakerClient sm = control("demo-admin")) {
            ensureModel(sm, "transform-iris", ROLE);
            sm.createTransformJob(job("iris-jsonl", "transform-iris", "s3://mlgate-batch/jsonl/",
                    "application/jsonlines", "s3://mlgate-batch/jsonl-out/").build());
            assertThat(awaitEnd(sm, "iris-jsonl").failureReason()).startsWith("2 of 4 records failed");
            List<String> out = Files.readAllLines(batch("jsonl-out/iris.jsonl.out"));
            assertThat(JSON.readTree(out.get(0)).path("predicted_label").asString()).isEqualTo("setosa");
            assertThat(JSON.readTree(out.get(1)).path("predicted_label").asString()).isEqualTo("virginica");
            assertThat(out.get(2)).isEqualTo("{\"error\":{\"code\":\"ValidationError\",\"line\":3}}");
            assertThat(Files.readAllLines(batch("jsonl-out/iris.jsonl.out.errors")).get(0))
                    .contains("the record holds more than one row");
        }
    }

    @Test
    void jobsThatCannotRunFailWithAReasonAndBadRequestsAreRefused() throws Exception {
        write("fail/iris.csv", List.of(ROWS.get(0)));
        try (SageMakerClient sm = control("demo-admin")) {
            ensureModel(sm, "transform-no-key", "arn:aws:iam::123456789012:role/nobody");
            sm.createTransformJob(job("no-key", "transform-no-key", "s3://mlgate-batch/fail/", "text/csv",
                    "s3://mlgate-batch/fail-out/").build());
            DescribeTransformJobResponse d = awaitEnd(sm, "no-key");
            assertThat(d.transformJobStatus()).isEqualTo(TransformJobStatus.FAILED);
            assertThat(d.failureReason()).contains("refused the data key").contains("AccessDeniedException");
            assertThat(batch("fail-out/iris.csv.out")).doesNotExist();

            ensureModel(sm, "transform-iris", ROLE);
            assertRefused(() -> sm.createTransformJob(job("no-model", "no-such-model", "s3://mlgate-batch/fail/",
                    "text/csv", "s3://mlgate-batch/o/").build()), "ValidationException",
                    "Could not find model \"arn:aws:sagemaker:us-east-1:123456789012:model/no-such-model\"");
            assertRefused(() -> sm.createTransformJob(job("elsewhere", "transform-iris", "s3://my-bucket/in/",
                    "text/csv", "s3://mlgate-batch/o/").build()), "ValidationException", "s3://mlgate-batch/ only");
            assertRefused(() -> sm.createTransformJob(job("escape", "transform-iris", "s3://mlgate-batch/../../keys/",
                    "text/csv", "s3://mlgate-batch/o/").build()), "ValidationException", "'..'");
            assertRefused(() -> sm.createTransformJob(job("too-big", "transform-iris", "s3://mlgate-batch/fail/",
                    "text/csv", "s3://mlgate-batch/o/").maxPayloadInMB(101).build()), "ValidationException",
                    "cannot be greater than 100 MB");
            Consumer<CreateTransformJobRequest.Builder> noSplit = b -> b.transformInput(i -> i.contentType("text/csv")
                    .dataSource(s -> s.s3DataSource(x -> x.s3DataType(S3DataType.S3_PREFIX)
                            .s3Uri("s3://mlgate-batch/fail/"))));
            assertRefused(() -> sm.createTransformJob(job("no-split", "transform-iris", "", "", "s3://mlgate-batch/o/")
                    .applyMutation(noSplit).build()), "ValidationException", "SplitType to Line");
            assertRefused(() -> sm.describeTransformJob(r -> r.transformJobName("never-created")),
                    "ValidationException", "Could not find requested job with name never-created");
        }
    }

    @Test
    void transformCallsAreAuthorizedOnTheJobArnAndAuditedWithoutEnvironmentValues() throws Exception {
        write("auth/iris.csv", List.of(ROWS.get(1)));
        try (SageMakerClient sm = control("demo-analyst")) {
            assertThatThrownBy(() -> sm.listTransformJobs(r -> r.maxResults(5)))
                    .isInstanceOfSatisfying(SageMakerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("sagemaker:ListTransformJobs");
                    });
            assertThatThrownBy(() -> sm.createTransformJob(job("denied", "transform-iris", "s3://mlgate-batch/auth/",
                    "text/csv", "s3://mlgate-batch/auth-out/").build()))
                    .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.awsErrorDetails()
                            .errorMessage()).contains("arn:aws:sagemaker:us-east-1:123456789012:transform-job/denied"));
        }
        try (SageMakerClient sm = control("demo-admin")) {
            ensureModel(sm, "transform-iris", ROLE);
            String requestId = sm.createTransformJob(job("Audited", "transform-iris", "s3://mlgate-batch/auth/",
                    "text/csv", "s3://mlgate-batch/auth-out/").environment(java.util.Map.of("API_TOKEN", "s3cr3t"))
                    .build()).responseMetadata().requestId();
            awaitEnd(sm, "Audited");
            JsonNode event = auditEvent(requestId);
            assertThat(event.path("eventName").asString()).isEqualTo("CreateTransformJob");
            assertThat(event.path("eventSource").asString()).isEqualTo("sagemaker.amazonaws.com");
            assertThat(event.path("resources").get(0).path("ARN").asString())
                    .isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:transform-job/audited");
            assertThat(event.path("resources").get(0).path("type").asString())
                    .isEqualTo("AWS::SageMaker::TransformJob");
            // the audit record renders nested request members as text, as for every JSON service
            assertThat(event.path("requestParameters").path("environment").asString())
                    .isEqualTo("{API_TOKEN=HIDDEN_DUE_TO_SECURITY_REASONS}");
            assertThat(event.toString()).doesNotContain("s3cr3t");
            assertThat(CloudTrailRecordSchema.violations(event)).isEmpty();
            assertThat(Files.readString(batch("auth-out/iris.csv.out"))).contains("virginica");
        }
    }

    private JsonNode aws(String args) throws Exception {
        String[] k = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        GatewayIntegrationTest.CliRun run = GatewayIntegrationTest.runCli("AWS_ACCESS_KEY_ID=" + k[0]
                + " AWS_SECRET_ACCESS_KEY=" + k[1] + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE="
                + home.resolve("keys/dev-ca.pem") + " /usr/bin/aws --endpoint-url https://localhost:" + port
                + " --output json " + args);
        assertThat(run.exit()).as(run.output()).isZero();
        return JSON.readTree(run.output().isBlank() ? "{}" : run.output());
    }

    @Test
    void theAwsCliCreatesDescribesAndListsTransformJobs() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aws")),
                "AWS CLI v2 (/usr/bin/aws) not installed");
        write("cli/iris.csv", ROWS);
        try (SageMakerClient sm = control("demo-admin")) {
            ensureModel(sm, "transform-iris", ROLE);
        }
        String arn = aws("sagemaker create-transform-job --transform-job-name cli-job --model-name transform-iris "
                + "--batch-strategy MultiRecord --max-payload-in-mb 1 --transform-input '{\"DataSource\":{"
                + "\"S3DataSource\":{\"S3DataType\":\"S3Prefix\",\"S3Uri\":\"s3://mlgate-batch/cli/\"}},"
                + "\"ContentType\":\"text/csv\",\"SplitType\":\"Line\"}' --transform-output "
                + "S3OutputPath=s3://mlgate-batch/cli-out/,AssembleWith=Line --transform-resources "
                + "InstanceType=ml.m5.large,InstanceCount=1").path("TransformJobArn").asString();
        assertThat(arn).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:transform-job/cli-job");
        String status = "";
        for (int i = 0; i < 600 && !status.equals("Completed") && !status.equals("Failed"); i++) {
            status = aws("sagemaker describe-transform-job --transform-job-name cli-job")
                    .path("TransformJobStatus").asString();
            Thread.sleep(50);
        }
        assertThat(status).isEqualTo("Completed");
        assertThat(Files.readAllLines(batch("cli-out/iris.csv.out"))).hasSize(3);
        assertThat(aws("sagemaker list-transform-jobs --name-contains cli-job").path("TransformJobSummaries")
                .get(0).path("TransformJobName").asString()).isEqualTo("cli-job");
    }
}
