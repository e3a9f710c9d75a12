package io.mlgate.gateway;

import io.mlgate.cli.Main;
import io.mlgate.runtime.capture.DataCapture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CaptureMode;
import software.amazon.awssdk.services.sagemaker.model.CaptureOption;
import software.amazon.awssdk.services.sagemaker.model.DataCaptureConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The A/B demo end to end with the AWS SDK v2: an endpoint with the demo's two iris models as variants 1:1 and data
 * capture on, ~300 labelled iris rows sent with inference ids, then {@code mlgate ab report} run in-process on the
 * capture files: the better model wins on accuracy and ROC AUC, and every prediction and label is accounted for.
 */
class AbTestingIntegrationTest extends RunningGateway {

    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final List<String> CLASSES = List.of("setosa", "versicolor", "virginica");

    @Autowired
    DataCapture capture;

    StaticCredentialsProvider admin() throws Exception {
        String[] keys = GatewayIntegrationTest.profiles().get("demo-admin");
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1]));
    }

    SageMakerClient control() throws Exception {
        TrustManagerFactory trust = trustDevCa();
        return SageMakerClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(admin())
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    SageMakerRuntimeClient runtime() throws Exception {
        TrustManagerFactory trust = trustDevCa();
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(admin())
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers)
                        .maxConnections(16).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** The bundled iris rows: the four measurements as CSV, and the class name. */
    static List<String[]> irisRows() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = AbTestingIntegrationTest.class.getResourceAsStream("/demo/data/iris.csv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            for (String line : lines.subList(1, lines.size())) {
                int last = line.lastIndexOf(',');
                String label = CLASSES.get(Integer.parseInt(line.substring(last + 1)));
                rows.add(new String[]{line.substring(0, last), label});
            }
        }
        return rows;
    }

    static DescribeEndpointResponse awaitSettled(SageMakerClient sm, String endpoint) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            DescribeEndpointResponse d = sm.describeEndpoint(r -> r.endpointName(endpoint));
            if (d.endpointStatus() != EndpointStatus.CREATING && d.endpointStatus() != EndpointStatus.UPDATING) {
                return d;
            }
            assertThat(System.nanoTime()).as("endpoint %s settles within 60 s", endpoint).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static DataCaptureConfig captureConfig(String destination) {
        return DataCaptureConfig.builder().enableCapture(true).initialSamplingPercentage(100)
                .destinationS3Uri(destination)
                .captureOptions(CaptureOption.builder().captureMode(CaptureMode.INPUT).build(),
                        CaptureOption.builder().captureMode(CaptureMode.OUTPUT).build())
                .captureContentTypeHeader(h -> h.csvContentTypes("text/csv").jsonContentTypes("application/json"))
                .build();
    }

    @Test
    void theBetterVariantWinsOnAccuracyAndAucAndEveryRowIsAccountedFor() throws Exception {
        List<String[]> iris = irisRows();
        assertThat(iris).hasSize(150);
        try (SageMakerClient sm = control(); SageMakerRuntimeClient rt = runtime()) {
            for (String[] m : new String[][]{{"ab-iris-a", "iris"}, {"ab-iris-b", "iris-b"}}) {
                sm.createModel(r -> r.modelName(m[0]).executionRoleArn(ROLE)
                        .primaryContainer(c -> c.image("mlgate/onnx").modelDataUrl("s3://mlgate-models/" + m[1])));
            }
            sm.createEndpointConfig(r -> r.endpointConfigName("iris-ab-sdk-config")
                    .productionVariants(
                            v -> v.variantName("A").modelName("ab-iris-a").initialInstanceCount(1)
                                    .instanceType("ml.m5.large").initialVariantWeight(1f),
                            v -> v.variantName("B").modelName("ab-iris-b").initialInstanceCount(1)
                                    .instanceType("ml.m5.large").initialVariantWeight(1f))
                    .dataCaptureConfig(captureConfig("s3://mlgate-capture/abtest")));
            sm.createEndpoint(r -> r.endpointName("iris-ab-sdk").endpointConfigName("iris-ab-sdk-config"));
            DescribeEndpointResponse d = awaitSettled(sm, "iris-ab-sdk");
            assertThat(d.endpointStatus()).as(d.failureReason()).isEqualTo(EndpointStatus.IN_SERVICE);
            assertThat(d.dataCaptureConfig().captureStatusAsString()).isEqualTo("Started");

            // 300 labelled rows: every iris row twice, each call with its own inference id
            StringBuilder labels = new StringBuilder("inference_id,label\n");
            Map<String, Integer> served = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int pass = 1; pass <= 2; pass++) {
                    for (int i = 0; i < iris.size(); i++) {
                        String id = "p" + pass + "-row-" + (i + 1);
                        String[] row = iris.get(i);
                        labels.append(id).append(',').append(row[1]).append('\n');
                        calls.add(pool.submit(() -> {
                            InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName("iris-ab-sdk")
                                    .inferenceId(id).contentType("text/csv")
                                    .body(SdkBytes.fromString(row[0], StandardCharsets.UTF_8)));
                            served.merge(r.invokedProductionVariant(), 1, Integer::sum);
                            return null;
                        }));
                    }
                }
                for (Future<?> f : calls) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(served.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(300);
            // one call of three rows: its predictions are batch#1..batch#3
            rt.invokeEndpoint(b -> b.endpointName("iris-ab-sdk").inferenceId("batch").contentType("text/csv")
                    .body(SdkBytes.fromString(iris.get(0)[0] + "\n" + iris.get(50)[0] + "\n" + iris.get(100)[0],
                            StandardCharsets.UTF_8)));
            labels.append("batch#1,setosa\nbatch#2,versicolor\nbatch#3,virginica\n");
            // two calls without an inference id (joined by eventId, which no label names) and two labels never sent
            for (int i = 0; i < 2; i++) {
                rt.invokeEndpoint(b -> b.endpointName("iris-ab-sdk").contentType("text/csv")
                        .body(SdkBytes.fromString(iris.get(0)[0], StandardCharsets.UTF_8)));
            }
            labels.append("never-sent-1,setosa\nnever-sent-2,virginica\n");
            // an inference id SageMaker would refuse fails the call before it runs
            assertThatThrownBy(() -> rt.invokeEndpoint(b -> b.endpointName("iris-ab-sdk")
                    .inferenceId("x".repeat(65)).contentType("text/csv")
                    .body(SdkBytes.fromString(iris.get(0)[0], StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                        assertThat(e.getMessage()).contains("inferenceId");
                    });

            assertThat(capture.writer().flush(Duration.ofSeconds(30))).isTrue();
            assertThat(capture.writer().dropped()).isZero();
            Path captureDir = home.resolve("data/capture/abtest");
            Path labelsFile = home.resolve("iris-ab-labels.csv");
            Files.writeString(labelsFile, labels);

            // the files are SageMaker's layout, encrypted under the default capture key; the records SageMaker's format
            List<Path> files;
            try (Stream<Path> s = Files.walk(captureDir.resolve("iris-ab-sdk"))) {
                files = s.filter(Files::isRegularFile).toList();
            }
            assertThat(files).isNotEmpty().allSatisfy(f -> assertThat(captureDir.relativize(f).toString())
                    .matches("iris-ab-sdk/[AB]/\\d{4}/\\d{2}/\\d{2}/\\d{2}/"
                            + "\\d{2}-\\d{2}-\\d{3}-[0-9a-f-]{36}\\.jsonl\\.mlgc"));
            String defaultKey = CaptureEncryptionIntegrationTest.kms(port, "demo-admin")
                    .describeKey(r -> r.keyId(CaptureProperties.DEFAULT_KEY_ALIAS)).keyMetadata().arn();
            assertThat(io.mlgate.runtime.capture.CaptureFileReader.header(files.get(0)).keyArn()).isEqualTo(defaultKey);
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> records = new ArrayList<>();
            io.mlgate.runtime.capture.CaptureFileReader.read(files.get(0), null,
                    CaptureEncryptionIntegrationTest.kmsClient(port, "demo-admin").captureFileKeys(),
                    r -> records.add(json.readTree(r)));
            JsonNode first = records.get(0);
            assertThat(first.path("captureData").path("endpointInput").path("encoding").asString()).isEqualTo("CSV");
            assertThat(first.path("captureData").path("endpointOutput").path("encoding").asString()).isEqualTo("JSON");
            assertThat(first.path("eventVersion").asString()).isEqualTo("0");
            assertThat(first.path("eventMetadata").path("eventId").asString()).isNotEmpty();

            // the report, in-process
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute(withGateway("ab", "report", "--endpoint", "iris-ab-sdk", "--labels",
                            labelsFile.toString(), "--capture-dir", captureDir.toString(), "--format", "json"));
            assertThat(exit).as(err.toString()).isZero();
            JsonNode report = json.readTree(out.toString());
            JsonNode a = variant(report, "A");
            JsonNode b = variant(report, "B");
            int joined = a.path("joined").asInt() + b.path("joined").asInt();
            assertThat(joined).as("300 single rows and the 3 rows of the batch").isEqualTo(303);
            assertThat(a.path("unlabelled").asInt() + b.path("unlabelled").asInt()).isEqualTo(2);
            assertThat(report.path("labelsWithoutPrediction").asInt()).isEqualTo(2);
            assertThat(report.path("labels").asInt()).isEqualTo(305);
            assertThat(report.path("capture").path("records").asInt()).isEqualTo(303);
            assertThat(a.path("joined").asInt() + a.path("unlabelled").asInt() - (served.getOrDefault("A", 0)))
                    .as("A's predictions are the calls it served, plus its share of the batch and the unlabelled")
                    .isBetween(0, 5);
            // iris (all four measurements) against iris-b (sepals only): 0.97 against about 0.8 held out
            assertThat(a.path("accuracy").asDouble()).isGreaterThan(0.9);
            assertThat(b.path("accuracy").asDouble()).isLessThan(0.9);
            assertThat(a.path("accuracy").asDouble() - b.path("accuracy").asDouble()).isGreaterThan(0.1);
            assertThat(a.path("rocAuc").asDouble()).isGreaterThan(b.path("rocAuc").asDouble());
            assertThat(a.path("f1").asDouble()).isGreaterThan(b.path("f1").asDouble());

            StringWriter table = new StringWriter();
            new CommandLine(new Main()).setOut(new PrintWriter(table)).execute(withGateway("ab", "report",
                    "--endpoint", "iris-ab-sdk", "--labels", labelsFile.toString(), "--capture-dir",
                    captureDir.toString()));
            assertThat(table.toString()).contains("highest accuracy: A; highest ROC AUC: A");

            sm.deleteEndpoint(r -> r.endpointName("iris-ab-sdk"));
            assertThat(capture.policy("iris-ab-sdk")).as("a deleted endpoint captures nothing").isEmpty();
        }
    }

    /** The arguments plus the options that point a command at this gateway and its home's keys. */
    String[] withGateway(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "https://localhost:" + port, "--profile", "demo-admin", "--credentials",
                home.resolve("keys/demo-credentials").toString(), "--ca", home.resolve("keys/dev-ca.pem").toString()));
        return all.toArray(String[]::new);
    }

    static JsonNode variant(JsonNode report, String name) {
        for (JsonNode v : report.path("variants")) {
            if (v.path("variant").asString().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no variant " + name + " in " + report);
    }

    @Test
    void aDestinationOutsideTheCaptureFolderFailsTheEndpointWithItsReason() throws Exception {
        try (SageMakerClient sm = control()) {
            sm.createModel(r -> r.modelName("ab-elsewhere").executionRoleArn(ROLE)
                    .primaryContainer(c -> c.modelDataUrl("s3://mlgate-models/iris")));
            sm.createEndpointConfig(r -> r.endpointConfigName("ab-elsewhere-config")
                    .productionVariants(v -> v.variantName("A").modelName("ab-elsewhere").initialInstanceCount(1)
                            .instanceType("ml.m5.large").initialVariantWeight(1f))
                    .dataCaptureConfig(captureConfig("s3://my-bucket/capture")));
            sm.createEndpoint(r -> r.endpointName("ab-elsewhere").endpointConfigName("ab-elsewhere-config"));
            DescribeEndpointResponse d = awaitSettled(sm, "ab-elsewhere");
            assertThat(d.endpointStatus()).isEqualTo(EndpointStatus.FAILED);
            assertThat(d.failureReason()).contains("DataCaptureConfig").contains("s3://my-bucket/capture")
                    .contains("s3://mlgate-capture/");
        }
    }

    /**
     * The README's A/B commands, run as written with the AWS CLI {@code /usr/bin/aws} (on the first 4 rows instead
     * of 150, against this gateway's port and keys; without {@code --cli-binary-format} for a v1 CLI), then its
     * report command in-process.
     */
    @Test
    void theReadmeCommandsWork() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aws")),
                "the AWS CLI (/usr/bin/aws) is not installed");
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```sh\nexport AWS_SHARED_CREDENTIALS_FILE");
        assertThat(start).as("the README's A/B block").isNotNegative();
        String block = readme.substring(start + "```sh\n".length(), readme.indexOf("```", start + 5));
        List<String> lines = new ArrayList<>(block.lines().toList());
        String report = lines.remove(lines.size() - 1);
        assertThat(report).isEqualTo("./mlgate ab report --endpoint iris-ab --labels docs/ab-testing/iris-labels.csv"
                + " --capture-dir data/capture/demo");
        String script = String.join("\n", lines)
                .replace("keys/", home.resolve("keys") + "/")
                .replace("127.0.0.1:8443", "127.0.0.1:" + port)
                .replace("src/main/resources/demo/data/iris.csv",
                        Path.of("src/main/resources/demo/data/iris.csv").toAbsolutePath().toString())
                .replace("nl -w1 -s' ' |", "nl -w1 -s' ' | head -4 |")
                .replace("aws $EP", "/usr/bin/aws $EP");
        String version = GatewayIntegrationTest.runCli("/usr/bin/aws --version").output();
        if (!version.startsWith("aws-cli/2")) {
            script = script.replace("--cli-binary-format raw-in-base64-out ", "");
        }
        assertThat(script).contains("head -4").contains(home.resolve("keys").toString());
        GatewayIntegrationTest.CliRun run = GatewayIntegrationTest.runCli("set -euo pipefail\n" + script);
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("\\s+\\d+ [AB]");
        assertThat(capture.writer().flush(Duration.ofSeconds(30))).isTrue();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the README's report command with this gateway's URL and the home's keys (its defaults when run there)
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(withGateway("ab", "report", "--endpoint", "iris-ab", "--labels",
                        "docs/ab-testing/iris-labels.csv", "--capture-dir", home.resolve("data/capture/demo").toString()));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("A/B report for endpoint iris-ab")
                .contains("labels: 150, without a captured prediction: 146").contains("capture: ")
                .contains("4 records");
        try (SageMakerClient sm = control()) {
            sm.deleteEndpoint(r -> r.endpointName("iris-ab"));
        }
    }
}
