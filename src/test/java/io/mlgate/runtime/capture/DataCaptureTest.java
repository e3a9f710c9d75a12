package io.mlgate.runtime.capture;

import io.mlgate.runtime.InvocationResult;
import io.mlgate.sagemaker.DataCaptureConfig;
import io.mlgate.sts.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class DataCaptureTest {

    static final byte[] ROW = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
    static final InvocationResult RESULT = new InvocationResult("{\"predictions\":[]}".getBytes(StandardCharsets.UTF_8),
            "application/json", "A", 1000);

    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";
    static final Map<String, String> ROLES = Map.of("A", ROLE);

    @TempDir
    Path root;

    AtomicBoolean sampled = new AtomicBoolean(true);
    final LocalCaptureKeys keys = LocalCaptureKeys.withKey(ROLE);
    DataCapture capture;

    @BeforeEach
    void setUp() {
        capture = capture((endpoint, payload, contentType) -> payload);
    }

    DataCapture capture(CaptureRedaction redaction) {
        return new DataCapture(root, new CaptureWriter(CaptureWriter.Limits.defaults(),
                CaptureWriter.Rolling.defaults(), new MutableClock(Instant.parse("2026-11-27T10:00:00Z")), keys),
                new MutableClock(Instant.parse("2026-11-27T10:00:00Z")), percentage -> sampled.get(), redaction,
                "alias/capture");
    }

    @AfterEach
    void tearDown() {
        capture.close();
    }

    static DataCaptureConfig config(int sampling) {
        return new DataCaptureConfig(true, sampling, "s3://mlgate-capture/x", null, List.of("InputAndOutput"),
                List.of("text/csv"), List.of("application/json"));
    }

    @Test
    void inferenceIdsFollowSageMakersConstraint() {
        for (String ok : List.of("a", "row-17#2", "x".repeat(64), "id with inner spaces", "!~")) {
            assertThat(DataCapture.validInferenceId(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", " leading-space", "x".repeat(65), "tab\there", "new\nline", "del\u007f")) {
            assertThat(DataCapture.validInferenceId(bad)).as(bad).isFalse();
        }
        assertThat(DataCapture.validInferenceId(null)).isFalse();
    }

    @Test
    void onlyConfiguredEndpointsAreCapturedAndOnlyWhileTheyAre() {
        assertThat(capture.capture("e", "1", ROW, "text/csv", RESULT)).as("not configured").isFalse();
        capture.configure("e", config(100), ROLES);
        assertThat(capture.capture("e", "2", ROW, "text/csv", RESULT)).isTrue();
        assertThat(capture.capture("other", "3", ROW, "text/csv", RESULT)).isFalse();
        capture.configure("e", new DataCaptureConfig(false, 100, "s3://mlgate-capture", null, List.of("Input"),
                null, null), ROLES);
        assertThat(capture.policy("e")).as("a disabled configuration captures nothing").isEmpty();
        assertThat(capture.capture("e", "4", ROW, "text/csv", RESULT)).isFalse();
        capture.configure("e", config(100), ROLES);
        capture.remove("e");
        assertThat(capture.capture("e", "5", ROW, "text/csv", RESULT)).isFalse();
        assertThat(capture.writer().accepted()).isEqualTo(1);
    }

    @Test
    void unsampledCallsAreSkippedAndCounted() {
        capture.configure("e", config(50), ROLES);
        sampled.set(false);
        assertThat(capture.capture("e", "1", ROW, "text/csv", RESULT)).isFalse();
        assertThat(capture.skipped()).isEqualTo(1);
        sampled.set(true);
        assertThat(capture.capture("e", "2", ROW, "text/csv", RESULT)).isTrue();
    }

    @Test
    void theRandomSamplerHonoursTheExtremes() {
        for (int i = 0; i < 1000; i++) {
            assertThat(DataCapture.Sampler.RANDOM.sample(0)).isFalse();
            assertThat(DataCapture.Sampler.RANDOM.sample(100)).isTrue();
        }
    }

    @Test
    void aCaptureNeverThrowsIntoTheCall() {
        capture.configure("e", config(100), ROLES);
        assertThat(capture.capture("e", "1", ROW, "text/csv", null)).isFalse();
        assertThat(capture.errors()).isEqualTo(1);
        assertThat(capture.capture(null, "1", ROW, "text/csv", RESULT)).isFalse();
    }

    @Test
    void refusalsExplainWhatCannotBeHonoured() {
        assertThat(capture.refusal(config(100))).isNull();
        assertThat(capture.refusal(new DataCaptureConfig(true, 100, "s3://my-bucket/capture", null,
                List.of("Input"), null, null))).contains("is not mlgate's capture folder");
    }

    @Test
    void closingWritesTheQueuedRecords() throws Exception {
        capture.configure("e", config(100), ROLES);
        capture.capture("e", "1", ROW, "text/csv", RESULT);
        capture.writer().startThread();
        assertThat(capture.writer().flush(Duration.ofSeconds(10))).isTrue();
        capture.close();
        assertThat(capture.writer().written()).isEqualTo(1);
        assertThat(CaptureWriterTest.files(root.resolve("x/e/A"))).hasSize(1);
    }

    /** Captures one call of endpoint e with the given redaction, and returns what the file holds (or null). */
    List<tools.jackson.databind.JsonNode> captureWith(CaptureRedaction redaction, byte[] input, String inputType,
                                                      InvocationResult result) throws Exception {
        capture.close();
        capture = capture(redaction);
        capture.configure("e", config(100), ROLES);
        assertThat(capture.capture("e", "id-1", input, inputType, result)).isTrue();
        capture.writer().startThread();
        assertThat(capture.writer().flush(Duration.ofSeconds(10))).isTrue();
        List<Path> files = CaptureWriterTest.files(root.resolve("x/e/A"));
        return files.isEmpty() ? null : CaptureWriterTest.lines(files.get(0), keys);
    }

    @Test
    void theWriterRedactsBothPayloadsBeforeTheyAreWritten() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CaptureRedaction hideAlice = (endpoint, payload, contentType) -> {
            seen.add(endpoint + " " + contentType + " " + Thread.currentThread().getName());
            return new String(payload, StandardCharsets.UTF_8).replace("alice@example.com", "[EMAIL]")
                    .getBytes(StandardCharsets.UTF_8);
        };
        InvocationResult answer = new InvocationResult("{\"for\":\"alice@example.com\"}"
                .getBytes(StandardCharsets.UTF_8), "application/json", "A", 1000);
        List<tools.jackson.databind.JsonNode> records = captureWith(hideAlice,
                "alice@example.com,5.1".getBytes(StandardCharsets.UTF_8), "text/csv", answer);
        assertThat(records).hasSize(1);
        tools.jackson.databind.JsonNode data = records.get(0).path("captureData");
        assertThat(data.path("endpointInput").path("data").asString()).isEqualTo("[EMAIL],5.1");
        assertThat(data.path("endpointOutput").path("data").asString()).isEqualTo("{\"for\":\"[EMAIL]\"}");
        assertThat(seen).containsExactly("e text/csv " + CaptureWriter.THREAD_NAME,
                "e application/json " + CaptureWriter.THREAD_NAME);
        assertThat(capture.writer().redactionFailed()).isZero();
    }

    @Test
    void aFailingRedactionDropsTheRecordInsteadOfWritingItUnredacted() throws Exception {
        CaptureRedaction broken = (endpoint, payload, contentType) -> {
            if (contentType.equals("application/json")) {
                throw new IllegalStateException("scanner failed on " + new String(payload, StandardCharsets.UTF_8));
            }
            return payload;
        };
        assertThat(captureWith(broken, ROW, "text/csv", RESULT)).as("no file at all").isNull();
        assertThat(capture.writer().redactionFailed()).isEqualTo(1);
        assertThat(capture.writer().written()).isZero();
        assertThat(capture.writer().failed()).isZero();

        assertThat(captureWith((endpoint, payload, contentType) -> null, ROW, "text/csv", RESULT)).isNull();
        assertThat(capture.writer().redactionFailed()).as("returning nothing fails closed too").isEqualTo(1);
    }

    @Test
    void aRenderedRecordCannotBypassItsRedaction() {
        CapturePolicy p = CapturePolicy.of(root, config(100), "alias/capture", ROLES);
        CaptureRecord r = new CaptureRecord(p, "e", "A", "ev", null, Instant.EPOCH, ROW, "text/csv",
                RESULT.body(), "application/json", (endpoint, payload, contentType) -> {
                    throw new IllegalArgumentException("5.1,3.5");
                });
        org.assertj.core.api.Assertions.assertThatThrownBy(r::toJsonLine)
                .isInstanceOf(CaptureRecord.RedactionFailedException.class)
                .hasMessageContaining("IllegalArgumentException").hasMessageNotContaining("5.1");
    }

    static io.mlgate.sagemaker.DeploymentPlan plan(DataCaptureConfig capture, String... variantRoles) {
        List<io.mlgate.sagemaker.DeploymentPlan.Variant> variants = new java.util.ArrayList<>();
        for (int i = 0; i < variantRoles.length; i++) {
            variants.add(new io.mlgate.sagemaker.DeploymentPlan.Variant(String.valueOf((char) ('A' + i)), 1, 1,
                    "ml.m5.large", "m" + i, "arn:aws:sagemaker:us-east-1:123456789012:model/m" + i,
                    List.of(new io.mlgate.sagemaker.ContainerDefinition(null, null,
                            io.mlgate.sagemaker.ContainerDefinition.Mode.SINGLE_MODEL, "s3://mlgate-models/m",
                            Map.of())), false, variantRoles[i], false));
        }
        return new io.mlgate.sagemaker.DeploymentPlan("e", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e",
                "123456789012", "c", null, capture, variants);
    }

    static DataCaptureConfig withKey(String kmsKeyId) {
        return new DataCaptureConfig(true, 100, "s3://mlgate-capture/x", kmsKeyId, List.of("Input"), null, null);
    }

    @Test
    void aDeploymentNeedsAKeyEveryVariantsRoleMayGenerateDataKeysWith() {
        String other = "arn:aws:iam::123456789012:role/other";
        assertThat(capture.keyRefusal(plan(withKey(null), ROLE))).as("the default key").isNull();
        assertThat(capture.keyRefusal(plan(withKey("alias/capture"), ROLE, ROLE))).isNull();
        assertThat(capture.keyRefusal(plan(withKey(keys.arnOf("alias/capture")), ROLE))).isNull();
        assertThat(capture.keyRefusal(plan(withKey("alias/capture"), ROLE, other)))
                .contains("KmsKeyId alias/capture cannot encrypt the capture files of variant B")
                .contains(other).contains("AccessDeniedException");
        assertThat(capture.keyRefusal(plan(withKey(null), other))).startsWith("the default capture key alias/capture");
        assertThat(capture.keyRefusal(plan(withKey("alias/missing"), ROLE))).contains("NotFoundException");
        keys.disable("alias/capture");
        assertThat(capture.keyRefusal(plan(withKey("alias/capture"), ROLE))).contains("DisabledException");
        assertThat(capture.keyRefusal(plan(null, ROLE))).as("no capture, no key").isNull();
        assertThat(capture.keyRefusal(plan(new DataCaptureConfig(false, 100, "s3://x/y", "alias/missing",
                List.of("Input"), null, null), ROLE))).as("capture off").isNull();
    }

    @Test
    void configuringAPlanRecordsEachVariantsExecutionRole() {
        String other = "arn:aws:iam::123456789012:role/other";
        capture.configure(plan(withKey("alias/capture"), ROLE, other));
        CapturePolicy p = capture.policy("e").orElseThrow();
        assertThat(p.executionRoleOf("A")).isEqualTo(ROLE);
        assertThat(p.executionRoleOf("B")).isEqualTo(other);
        assertThat(p.keyId()).isEqualTo("alias/capture");
        capture.configure(plan(null, ROLE));
        assertThat(capture.policy("e")).isEmpty();
    }

    @Test
    void withoutADefaultKeyAConfigurationMustNameOne() {
        DataCapture noDefault = new DataCapture(root, new CaptureWriter(CaptureWriter.Limits.defaults(),
                CaptureWriter.Rolling.defaults(), java.time.Clock.systemUTC(), keys), java.time.Clock.systemUTC(),
                DataCapture.Sampler.RANDOM, (e, p, c) -> p, "");
        try {
            assertThat(noDefault.refusal(withKey(null))).contains("no KmsKeyId").contains("mlgate.capture.kms-key-id");
            assertThat(noDefault.refusal(withKey("alias/capture"))).isNull();
            assertThat(noDefault.keyRefusal(plan(withKey(null), ROLE))).contains("no KmsKeyId");
        } finally {
            noDefault.close();
        }
    }
}
