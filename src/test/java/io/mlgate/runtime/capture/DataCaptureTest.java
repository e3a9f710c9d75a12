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
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class DataCaptureTest {

    static final byte[] ROW = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
    static final InvocationResult RESULT = new InvocationResult("{\"predictions\":[]}".getBytes(StandardCharsets.UTF_8),
            "application/json", "A", 1000);

    @TempDir
    Path root;

    AtomicBoolean sampled = new AtomicBoolean(true);
    DataCapture capture;

    @BeforeEach
    void setUp() {
        capture = new DataCapture(root, new CaptureWriter(CaptureWriter.Limits.defaults(),
                new MutableClock(Instant.parse("2026-11-27T10:00:00Z"))), new MutableClock(
                Instant.parse("2026-11-27T10:00:00Z")), percentage -> sampled.get());
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
        capture.configure("e", config(100));
        assertThat(capture.capture("e", "2", ROW, "text/csv", RESULT)).isTrue();
        assertThat(capture.capture("other", "3", ROW, "text/csv", RESULT)).isFalse();
        capture.configure("e", new DataCaptureConfig(false, 100, "s3://mlgate-capture", null, List.of("Input"),
                null, null));
        assertThat(capture.policy("e")).as("a disabled configuration captures nothing").isEmpty();
        assertThat(capture.capture("e", "4", ROW, "text/csv", RESULT)).isFalse();
        capture.configure("e", config(100));
        capture.remove("e");
        assertThat(capture.capture("e", "5", ROW, "text/csv", RESULT)).isFalse();
        assertThat(capture.writer().accepted()).isEqualTo(1);
    }

    @Test
    void unsampledCallsAreSkippedAndCounted() {
        capture.configure("e", config(50));
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
        capture.configure("e", config(100));
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
        capture.configure("e", config(100));
        capture.capture("e", "1", ROW, "text/csv", RESULT);
        capture.writer().startThread();
        assertThat(capture.writer().flush(Duration.ofSeconds(10))).isTrue();
        capture.close();
        assertThat(capture.writer().written()).isEqualTo(1);
        assertThat(CaptureWriterTest.files(root.resolve("x/e/A"))).hasSize(1);
    }
}
