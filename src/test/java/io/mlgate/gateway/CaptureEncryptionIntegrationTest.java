package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.cli.Main;
import io.mlgate.runtime.capture.CaptureFileHeader;
import io.mlgate.runtime.capture.CaptureFileReader;
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
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CaptureMode;
import software.amazon.awssdk.services.sagemaker.model.CaptureOption;
import software.amazon.awssdk.services.sagemaker.model.DataCaptureConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encrypted data capture end to end with the AWS SDK v2: an endpoint whose DataCaptureConfig names a KMS key, calls
 * whose inference ids are marker strings, capture files that hold none of the calls' bytes in the clear, and
 * {@code mlgate capture read} / {@code mlgate ab report} decrypting them through the running gateway's KMS as the
 * demo users: demo-admin may (kms:Decrypt through its IAM policy and the key's default policy), demo-analyst may not
 * (AccessDenied, exit 1); every Decrypt is in the audit trail with the file it opened. Keys the execution role
 * cannot use fail the deployment with a {@code DataCaptureConfig:} reason.
 */
class CaptureEncryptionIntegrationTest extends RunningGateway {

    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final String MARKER = "marker-alice.pii@example.com-";

    @Autowired
    DataCapture capture;

    static String[] keysOf(String profile) throws Exception {
        return DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get(profile);
    }

    /** The AWS SDK's KMS client as a demo profile. */
    static KmsClient kms(int port, String profile) throws Exception {
        String[] k = keysOf(profile);
        return KmsClient.builder().endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k[0], k[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** mlgate's own KMS client (the one the CLI uses) as a demo profile. */
    static io.mlgate.client.KmsClient kmsClient(int port, String profile) throws Exception {
        String[] k = keysOf(profile);
        SSLContext ssl = clientContext("TLS");
        return new io.mlgate.client.KmsClient(URI.create("https://localhost:" + port), SigV4Signer.builder()
                .credentials(k[0], k[1].toCharArray()).region("us-east-1").service("kms").build(), ssl);
    }

    StaticCredentialsProvider admin() throws Exception {
        String[] keys = keysOf("demo-admin");
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1]));
    }

    SageMakerClient control() throws Exception {
        return SageMakerClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(admin())
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    SageMakerRuntimeClient runtime() throws Exception {
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(admin())
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    record Cli(int exit, String out, String err) {
    }

    /** Runs {@code mlgate ARGS} in-process against this gateway and its home (the demo's keys and data). */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "https://localhost:" + port, "--home", home.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Cli(exit, out.toString(), err.toString());
    }

    static DataCaptureConfig captureConfig(String kmsKeyId) {
        DataCaptureConfig.Builder b = DataCaptureConfig.builder().enableCapture(true).initialSamplingPercentage(100)
                .destinationS3Uri("s3://mlgate-capture/kmstest")
                .captureOptions(CaptureOption.builder().captureMode(CaptureMode.INPUT_AND_OUTPUT).build())
                .captureContentTypeHeader(h -> h.csvContentTypes("text/csv").jsonContentTypes("application/json"));
        return kmsKeyId == null ? b.build() : b.kmsKeyId(kmsKeyId).build();
    }

    DescribeEndpointResponse deploy(SageMakerClient sm, String endpoint, String kmsKeyId) throws Exception {
        sm.createModel(r -> r.modelName(endpoint + "-model").executionRoleArn(ROLE)
                .primaryContainer(c -> c.image("mlgate/onnx").modelDataUrl("s3://mlgate-models/iris")));
        sm.createEndpointConfig(r -> r.endpointConfigName(endpoint + "-config")
                .productionVariants(v -> v.variantName("AllTraffic").modelName(endpoint + "-model")
                        .initialInstanceCount(1).instanceType("ml.m5.large").initialVariantWeight(1f))
                .dataCaptureConfig(captureConfig(kmsKeyId)));
        sm.createEndpoint(r -> r.endpointName(endpoint).endpointConfigName(endpoint + "-config"));
        return AbTestingIntegrationTest.awaitSettled(sm, endpoint);
    }

    @Test
    void capturesAreEncryptedUnderTheConfiguredKeyAndReadOnlyByWhomKmsAllows() throws Exception {
        String keyArn;
        try (KmsClient kms = kms(port, "demo-admin")) {
            keyArn = kms.createKey(r -> r.description("capture key of the encryption test")).keyMetadata().arn();
        }
        try (SageMakerClient sm = control(); SageMakerRuntimeClient rt = runtime()) {
            DescribeEndpointResponse d = deploy(sm, "capture-kms", keyArn);
            assertThat(d.endpointStatus()).as(d.failureReason()).isEqualTo(EndpointStatus.IN_SERVICE);
            assertThat(d.dataCaptureConfig().kmsKeyId()).isEqualTo(keyArn);
            for (int i = 1; i <= 3; i++) {
                String id = MARKER + i;
                assertThat(rt.invokeEndpoint(b -> b.endpointName("capture-kms").inferenceId(id)
                        .contentType("text/csv").body(SdkBytes.fromString("5.1,3.5,1.4,0.2", StandardCharsets.UTF_8)))
                        .invokedProductionVariant()).isEqualTo("AllTraffic");
            }
            assertThat(capture.writer().flush(Duration.ofSeconds(30))).isTrue();

            // the files hold none of the calls' bytes in the clear, and name their key and where they belong
            Path endpointDir = home.resolve("data/capture/kmstest/capture-kms");
            List<Path> files;
            try (Stream<Path> s = Files.walk(endpointDir)) {
                files = s.filter(Files::isRegularFile).toList();
            }
            assertThat(files).isNotEmpty();
            for (Path f : files) {
                String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(raw).doesNotContain("marker-alice").doesNotContain("5.1,3.5,1.4,0.2")
                        .doesNotContain("predicted_label").doesNotContain("captureData").doesNotContain("setosa");
                CaptureFileHeader header = CaptureFileReader.header(f);
                assertThat(header.keyArn()).isEqualTo(keyArn);
                assertThat(header.context()).containsEntry(CaptureFileHeader.ENDPOINT, "capture-kms")
                        .containsEntry(CaptureFileHeader.VARIANT, "AllTraffic")
                        .containsEntry(CaptureFileHeader.FILE, endpointDir.resolve("AllTraffic").relativize(f)
                                .toString());
            }

            // demo-admin reads them: the JSON-lines records on stdout
            Cli read = cli("capture", "read", "--endpoint", "capture-kms", "--prefix", "kmstest",
                    "--profile", "demo-admin");
            assertThat(read.exit()).as(read.err()).isZero();
            ObjectMapper json = new ObjectMapper();
            List<String> ids = new ArrayList<>();
            for (String line : read.out().lines().toList()) {
                JsonNode r = json.readTree(line);
                ids.add(r.path("eventMetadata").path("inferenceId").asString());
                assertThat(r.path("captureData").path("endpointInput").path("data").asString())
                        .isEqualTo("5.1,3.5,1.4,0.2");
            }
            assertThat(ids).containsExactlyInAnyOrder(MARKER + 1, MARKER + 2, MARKER + 3);
            assertThat(read.err()).contains("3 records of endpoint capture-kms from " + files.size() + " files");

            // filters: variant and time window
            Instant now = Instant.now();
            Cli window = cli("capture", "read", "--endpoint", "capture-kms", "--prefix", "kmstest", "--variant",
                    "AllTraffic", "--from", now.minus(Duration.ofHours(1)).toString(), "--to",
                    now.plus(Duration.ofHours(1)).toString(), "--profile", "demo-admin");
            assertThat(window.exit()).as(window.err()).isZero();
            assertThat(window.out().lines()).hasSize(3);
            Cli before = cli("capture", "read", "--endpoint", "capture-kms", "--prefix", "kmstest", "--to",
                    now.minus(Duration.ofHours(2)).toString(), "--profile", "demo-admin");
            assertThat(before.exit()).as(before.err()).isZero();
            assertThat(before.out()).isEmpty();
            assertThat(before.err()).contains("0 records");

            // --out: an owner-only file, never written over
            Path out = home.resolve("capture-kms-records.jsonl");
            Cli toFile = cli("capture", "read", "--endpoint", "capture-kms", "--prefix", "kmstest", "--out",
                    out.toString(), "--profile", "demo-admin");
            assertThat(toFile.exit()).as(toFile.err()).isZero();
            assertThat(Files.readAllLines(out)).hasSize(3);
            if (Files.getFileStore(out).supportsFileAttributeView("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
            }
            assertThat(cli("capture", "read", "--endpoint", "capture-kms", "--prefix", "kmstest", "--out",
                    out.toString(), "--profile", "demo-admin").exit()).isEqualTo(2);
            Files.delete(out);

            // demo-analyst may invoke iris, but not decrypt capture files: AccessDenied naming the key, exit 1
            Cli denied = cli("capture", "read", "--endpoint", "capture-kms", "--prefix", "kmstest",
                    "--profile", "demo-analyst");
            assertThat(denied.exit()).isEqualTo(1);
            assertThat(denied.out()).isEmpty();
            assertThat(denied.err()).contains("access denied").contains("profile demo-analyst").contains(keyArn)
                    .contains("kms:Decrypt").doesNotContain("\tat ").doesNotContain("Exception:\n");

            // the same for the A/B report over these captures
            Path labels = home.resolve("capture-kms-labels.csv");
            Files.writeString(labels, "inference_id,label\n" + MARKER + "1,setosa\n" + MARKER + "2,setosa\n");
            Cli report = cli("ab", "report", "--endpoint", "capture-kms", "--labels", labels.toString(),
                    "--capture-dir", home.resolve("data/capture/kmstest").toString(), "--profile", "demo-admin");
            assertThat(report.exit()).as(report.err()).isZero();
            assertThat(report.out()).contains("capture: " + files.size() + " files, 3 records");
            Cli reportDenied = cli("ab", "report", "--endpoint", "capture-kms", "--labels", labels.toString(),
                    "--capture-dir", home.resolve("data/capture/kmstest").toString(), "--profile", "demo-analyst");
            assertThat(reportDenied.exit()).isEqualTo(1);
            assertThat(reportDenied.err()).contains("access denied").doesNotContain("\tat ");

            // every read is a Decrypt in the audit trail, by whom and of which file
            String file = endpointDir.resolve("AllTraffic").relativize(files.get(0)).toString();
            List<JsonNode> decrypts = auditEvents().stream()
                    .filter(e -> e.path("eventSource").asString().equals("kms.amazonaws.com")
                            && e.path("eventName").asString().equals("Decrypt")
                            && contextNames(e.path("requestParameters").path("encryptionContext"), file))
                    .toList();
            assertThat(decrypts).anySatisfy(e -> {
                assertThat(e.path("userIdentity").path("userName").asString()).isEqualTo("demo-admin");
                assertThat(e.has("errorCode")).isFalse();
                assertThat(e.path("requestParameters").path("keyId").asString()).isEqualTo(keyArn);
            });
            assertThat(decrypts).anySatisfy(e -> {
                assertThat(e.path("userIdentity").path("userName").asString()).isEqualTo("demo-analyst");
                assertThat(e.path("errorCode").asString()).contains("AccessDenied");
            });

            sm.deleteEndpoint(r -> r.endpointName("capture-kms"));
        }
    }

    /** Whether an audited encryption context (an object, or the text the audit log writes today) names the file. */
    static boolean contextNames(JsonNode context, String file) {
        return context.isObject() ? file.equals(context.path(CaptureFileHeader.FILE).asString())
                : context.asString("").contains(CaptureFileHeader.FILE + "=" + file);
    }

    @Test
    void aCaptureKeyThatDoesNotExistOrTheRoleCannotUseFailsTheDeployment() throws Exception {
        String adminOnly = """
                {"Version":"2012-10-17","Statement":[{"Sid":"AdminOnly","Effect":"Allow",
                 "Principal":{"AWS":"arn:aws:iam::123456789012:user/demo-admin"},"Action":"kms:*","Resource":"*"}]}""";
        String lockedKey;
        String disabledKey;
        try (KmsClient kms = kms(port, "demo-admin")) {
            lockedKey = kms.createKey(r -> r.policy(adminOnly).bypassPolicyLockoutSafetyCheck(true)).keyMetadata()
                    .arn();
            disabledKey = kms.createKey(r -> r.description("disabled capture key")).keyMetadata().arn();
            kms.disableKey(r -> r.keyId(disabledKey));
        }
        try (SageMakerClient sm = control()) {
            DescribeEndpointResponse missing = deploy(sm, "capture-missing-key", "alias/no-such-capture-key");
            assertThat(missing.endpointStatus()).isEqualTo(EndpointStatus.FAILED);
            assertThat(missing.failureReason()).startsWith("DataCaptureConfig: KmsKeyId alias/no-such-capture-key")
                    .contains("NotFoundException");

            DescribeEndpointResponse locked = deploy(sm, "capture-locked-key", lockedKey);
            assertThat(locked.endpointStatus()).isEqualTo(EndpointStatus.FAILED);
            assertThat(locked.failureReason()).startsWith("DataCaptureConfig: KmsKeyId " + lockedKey)
                    .contains("execution role " + ROLE).contains("AccessDeniedException");

            DescribeEndpointResponse disabled = deploy(sm, "capture-disabled-key", disabledKey);
            assertThat(disabled.endpointStatus()).isEqualTo(EndpointStatus.FAILED);
            assertThat(disabled.failureReason()).startsWith("DataCaptureConfig:").contains("DisabledException");

            DescribeEndpointResponse malformed = deploy(sm, "capture-malformed-key", "not-a-key");
            assertThat(malformed.endpointStatus()).isEqualTo(EndpointStatus.FAILED);
            assertThat(malformed.failureReason())
                    .startsWith("DataCaptureConfig: KmsKeyId not-a-key is not a KMS key ID");

            DescribeEndpointResponse byDefault = deploy(sm, "capture-default-key", null);
            assertThat(byDefault.endpointStatus()).as(byDefault.failureReason()).isEqualTo(EndpointStatus.IN_SERVICE);
            assertThat(capture.policy("capture-default-key").orElseThrow().keyId())
                    .isEqualTo(CaptureProperties.DEFAULT_KEY_ALIAS);
            sm.deleteEndpoint(r -> r.endpointName("capture-default-key"));
        }
    }
}
