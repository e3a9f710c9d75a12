package io.mlgate.sagemaker.transform;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transform engine with a fake model: 10,000 lines with injected bad lines, MultiRecord batching within
 * MaxPayloadInMB and MaxConcurrentTransforms, StopTransformJob, the gateway closing mid-job and resuming, and a crash
 * (the engine dies between writing a batch and checkpointing it, leaving a torn tail) followed by a new engine on the
 * same files: in every case the output holds each record exactly once, in order.
 */
class TransformEngineTest {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final PrincipalContext CALLER = PrincipalContext.builder(
            "arn:aws:iam::" + ACCOUNT + ":user/ml", ACCOUNT, PrincipalType.USER).build();
    static final String MODEL_ARN = "arn:aws:sagemaker:" + REGION + ":" + ACCOUNT + ":model/m";
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a crashed process leaves behind: nothing after this point runs. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash", null, false, false);
        }
    }

    @TempDir
    Path dataDir;

    FakeModels models;
    List<TransformEngine> engines = new ArrayList<>();
    TransformEngine engine;
    TransformJobService service;

    @BeforeEach
    void setUp() throws IOException {
        models = new FakeModels(MODEL_ARN);
        start((arn, before) -> { }, 2);
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(TransformEngine::close);
    }

    void start(TransformEngine.BatchHook hook, int jobSlots) throws IOException {
        engine = new TransformEngine(TransformJobState.open(dataDir), BatchBucket.open(dataDir), models,
                Clock.systemUTC(), new TransformEngine.Settings(4, jobSlots, 100), hook);
        engines.add(engine);
        engine.start();
        service = new TransformJobService(engine, Clock.systemUTC(), REGION, 8);
    }

    // ------------------------------------------------------------------ helpers

    Path bucketFile(String key) {
        return dataDir.resolve("batch").resolve(key);
    }

    void writeInput(String key, List<String> lines) throws IOException {
        Path file = bucketFile(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    static List<String> lines(int n, int badEvery) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            lines.add(badEvery > 0 && i % badEvery == 7 ? "bad-" + i : i + ".5,2.0,3.0,4.0");
        }
        return lines;
    }

    /** The output the job must write for {@code lines}: one record per line, a marker in place of a bad one. */
    static String expectedOutput(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            out.append(l.contains("bad")
                    ? "{\"error\":{\"code\":\"ValidationError\",\"line\":" + (i + 1) + "}}"
                    : new String(FakeModels.output(l), StandardCharsets.UTF_8)).append('\n');
        }
        return out.toString();
    }

    static String expectedErrors(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("bad")) {
                out.append("{\"line\":").append(i + 1).append(",\"code\":\"ValidationError\",\"message\":"
                        + "\"value \\\"***\\\" in row 1 column 1 is not a number\"}\n");
            }
        }
        return out.toString();
    }

    JsonNode call(String op, String body) throws JsonServiceException {
        JsonNode parsed = JsonBodies.read(body.getBytes(StandardCharsets.UTF_8));
        service.target(op, parsed, ACCOUNT, CALLER);
        return service.invoke(op, parsed, CALLER, RequestContext.empty());
    }

    String create(String name, String input, String output, String extra) throws JsonServiceException {
        return call("CreateTransformJob", """
                {"TransformJobName": "%s", "ModelName": "m", %s
                 "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                    "S3Uri": "s3://mlgate-batch/%s"}},
                                    "ContentType": "text/csv", "SplitType": "Line"},
                 "TransformOutput": {"S3OutputPath": "s3://mlgate-batch/%s", "AssembleWith": "Line"},
                 "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1}}
                """.formatted(name, extra, input, output)).path("TransformJobArn").asString();
    }

    JsonNode describe(String name) throws JsonServiceException {
        return call("DescribeTransformJob", "{\"TransformJobName\": \"" + name + "\"}");
    }

    TransformJob awaitEnd(String arn) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            TransformJob j = engine.state().job(arn).orElseThrow();
            if (j.status().terminal()) {
                return j;
            }
            assertThat(System.nanoTime()).as("job %s ends within 120 s", arn).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    String read(String key) throws IOException {
        return Files.readString(bucketFile(key));
    }

    // ------------------------------------------------------------------ tests

    @Test
    void tenThousandLinesWithBadLinesAreAllAnsweredInOrderAndTheBadOnesReportedPerLine() throws Exception {
        List<String> lines = lines(10_000, 1000);
        writeInput("in/data.csv", lines);
        String arn = create("ten-k", "in/", "out/", "\"MaxConcurrentTransforms\": 4,");
        TransformJob job = awaitEnd(arn);

        assertThat(job.status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(read("out/data.csv.out")).isEqualTo(expectedOutput(lines));
        String errors = read("out/data.csv.out.errors");
        assertThat(errors).isEqualTo(expectedErrors(lines));
        assertThat(errors).as("no record content in the errors file").doesNotContain("bad-");
        assertThat(errors.lines()).hasSize(10);
        assertThat(job.progress().records()).isEqualTo(10_000);
        assertThat(job.progress().failed()).isEqualTo(10);
        assertThat(job.failureReason()).isEqualTo("10 of 10000 records failed; line numbers, error codes and "
                + "messages are in s3://mlgate-batch/out/data.csv.out.errors.");
        assertThat(models.callSizes).hasSize(10_000).containsOnly(1); // SingleRecord: one record per call
        assertThat(models.maxInFlight.get()).isBetween(1, 4);
        assertThat(models.open.get()).as("the model is closed when the job ends").isZero();

        JsonNode d = describe("ten-k");
        assertThat(d.path("TransformJobStatus").asString()).isEqualTo("Completed");
        assertThat(d.path("TransformStartTime").isNumber()).isTrue();
        assertThat(d.path("TransformEndTime").decimalValue()).isGreaterThanOrEqualTo(
                d.path("TransformStartTime").decimalValue());
    }

    @Test
    void aJobWithoutFailedRecordsHasNoErrorsFileAndNoFailureReason() throws Exception {
        List<String> lines = lines(500, 0);
        writeInput("clean/data.csv", lines);
        // an errors file from an earlier run with the same output is not left behind
        Files.createDirectories(bucketFile("clean-out"));
        Files.writeString(bucketFile("clean-out/data.csv.out.errors"), "stale\n");
        TransformJob job = awaitEnd(create("clean", "clean/data.csv", "clean-out", ""));
        assertThat(job.status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(job.failureReason()).isNull();
        assertThat(read("clean-out/data.csv.out")).isEqualTo(expectedOutput(lines));
        assertThat(bucketFile("clean-out/data.csv.out.errors")).doesNotExist();
    }

    @Test
    void multiRecordFillsMiniBatchesUpToAThousandRecordsAndMaxConcurrentTransformsBoundsTheCallsInFlight()
            throws Exception {
        List<String> lines = lines(5_000, 0);
        writeInput("multi/data.csv", lines);
        String arn = create("multi", "multi/", "multi-out/", """
                "BatchStrategy": "MultiRecord", "MaxPayloadInMB": 1, "MaxConcurrentTransforms": 2,""");
        assertThat(awaitEnd(arn).status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(read("multi-out/data.csv.out")).isEqualTo(expectedOutput(lines));
        assertThat(models.callSizes).containsExactly(1000, 1000, 1000, 1000, 1000);
        assertThat(models.maxInFlight.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void multiRecordMiniBatchesStayWithinMaxPayloadInMBAndALargerRecordFailsAlone() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("r" + i + "," + "9".repeat(100_000)); // ~100 KB: 10 fit in 1 MiB, 11 do not
        }
        lines.add(15, "huge," + "1".repeat(2 * 1024 * 1024));
        writeInput("payload/data.csv", lines);
        String arn = create("payload", "payload/", "payload-out/", """
                "BatchStrategy": "MultiRecord", "MaxPayloadInMB": 1,""");
        TransformJob job = awaitEnd(arn);
        assertThat(job.status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(models.callSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
        assertThat(models.callSizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
        assertThat(models.callSizes.get(0)).isEqualTo(10);
        List<String> out = read("payload-out/data.csv.out").lines().toList();
        assertThat(out).hasSize(31);
        assertThat(out.get(15)).isEqualTo("{\"error\":{\"code\":\"ValidationError\",\"line\":16}}");
        assertThat(out.get(16)).startsWith("{\"echo\":\"r15,");
        assertThat(read("payload-out/data.csv.out.errors")).isEqualTo("{\"line\":16,\"code\":\"ValidationError\","
                + "\"message\":\"The record is " + (5 + 2 * 1024 * 1024)
                + " bytes, more than MaxPayloadInMB (1 MB).\"}\n");
    }

    @Test
    void singleRecordWithoutAssembleWithConcatenatesTheRecords() throws Exception {
        writeInput("concat/d.csv", List.of("a", "b"));
        String arn = call("CreateTransformJob", """
                {"TransformJobName": "concat", "ModelName": "m",
                 "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                    "S3Uri": "s3://mlgate-batch/concat/"}},
                                    "ContentType": "text/csv", "SplitType": "Line"},
                 "TransformOutput": {"S3OutputPath": "s3://mlgate-batch/concat-out"},
                 "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1}}
                """).path("TransformJobArn").asString();
        awaitEnd(arn);
        assertThat(read("concat-out/d.csv.out")).isEqualTo("{\"echo\":\"a\"}{\"echo\":\"b\"}");
    }

    @Test
    void everyFileUnderThePrefixGetsItsOwnOutputNamedLikeSageMaker() throws Exception {
        writeInput("set/a.csv", List.of("a1", "a2"));
        writeInput("set/sub/b.csv", List.of("b1"));
        writeInput("setting/c.csv", List.of("c1")); // matches the prefix "set" but not "set/"
        writeInput("other/x.csv", List.of("x1"));
        TransformJob job = awaitEnd(create("prefix", "set/", "prefix-out", ""));
        assertThat(job.progress().inputs()).containsExactly("set/a.csv", "set/sub/b.csv");
        assertThat(read("prefix-out/a.csv.out")).isEqualTo("{\"echo\":\"a1\"}\n{\"echo\":\"a2\"}\n");
        assertThat(read("prefix-out/sub/b.csv.out")).isEqualTo("{\"echo\":\"b1\"}\n");
        assertThat(bucketFile("prefix-out/c.csv.out")).doesNotExist();

        TransformJob partial = awaitEnd(create("partial-prefix", "set", "partial-out/", ""));
        assertThat(partial.progress().inputs()).containsExactly("set/a.csv", "set/sub/b.csv", "setting/c.csv");
        assertThat(read("partial-out/setting/c.csv.out")).isEqualTo("{\"echo\":\"c1\"}\n");
    }

    @Test
    void aJobFailsWithAReasonWhenTheModelCannotBeServedOrThereIsNoInputOrTheOutputWouldOverwriteAnInput()
            throws Exception {
        TransformJob empty = awaitEnd(create("empty", "nothing-here/", "o/", ""));
        assertThat(empty.status()).isEqualTo(TransformJobStatus.FAILED);
        assertThat(empty.failureReason()).isEqualTo("No input files found under s3://mlgate-batch/nothing-here/.");

        writeInput("clash/a", List.of("1"));
        writeInput("clash/a.out", List.of("2"));
        TransformJob clash = awaitEnd(create("clash", "clash/", "clash/", ""));
        assertThat(clash.status()).isEqualTo(TransformJobStatus.FAILED);
        assertThat(clash.failureReason()).contains("would overwrite an input file");
        assertThat(read("clash/a.out")).isEqualTo("2\n");

        writeInput("refused/a.csv", List.of("1"));
        models.refusal = "Model m is an inference pipeline, which the transform runtime does not serve yet.";
        TransformJob refused = awaitEnd(create("refused", "refused/", "refused-out/", ""));
        assertThat(refused.status()).isEqualTo(TransformJobStatus.FAILED);
        assertThat(refused.failureReason()).isEqualTo(models.refusal);
        assertThat(bucketFile("refused-out/a.csv.out")).doesNotExist();
    }

    @Test
    void moreFailedRecordsThanTheJobAllowsFailIt() throws Exception {
        List<String> lines = lines(2_000, 100); // 20 bad lines, 7, 107, 207, ...
        writeInput("strict/data.csv", lines);
        TransformJob failed = awaitEnd(create("strict", "strict/", "strict-out/",
                "\"Environment\": {\"MLGATE_MAX_FAILED_RECORDS\": \"3\"},"));
        assertThat(failed.status()).isEqualTo(TransformJobStatus.FAILED);
        assertThat(failed.failureReason()).startsWith("4 records failed, more than MLGATE_MAX_FAILED_RECORDS=3 "
                + "allows; line numbers, error codes and messages are in "
                + "s3://mlgate-batch/strict-out/data.csv.out.errors");
        // it stopped at the checkpoint where the fourth failure was seen, output durable up to there
        assertThat(failed.progress().records()).isEqualTo(400);
        assertThat(read("strict-out/data.csv.out")).isEqualTo(expectedOutput(lines.subList(0, 400)));

        TransformJob tolerated = awaitEnd(create("tolerant", "strict/", "tolerant-out/",
                "\"Environment\": {\"MLGATE_MAX_FAILED_RECORDS\": \"20\"},"));
        assertThat(tolerated.status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(tolerated.failureReason()).startsWith("20 of 2000 records failed");
    }

    @Test
    void stopTransformJobStopsAfterTheBatchInFlightAndKeepsThePartialOutput() throws Exception {
        List<String> lines = lines(3_000, 500);
        writeInput("stop/data.csv", lines);
        AtomicBoolean stopped = new AtomicBoolean();
        engines.forEach(TransformEngine::close);
        start((arn, before) -> {
            if (before.records() >= 1000 && stopped.compareAndSet(false, true)) {
                try {
                    call("StopTransformJob", "{\"TransformJobName\": \"stop-me\"}");
                } catch (JsonServiceException e) {
                    throw new AssertionError(e);
                }
            }
        }, 2);
        String arn = create("stop-me", "stop/", "stop-out/", "");
        TransformJob job = awaitEnd(arn);

        assertThat(job.status()).isEqualTo(TransformJobStatus.STOPPED);
        assertThat(job.endTime()).isNotNull();
        assertThat(job.progress().records()).isEqualTo(1100); // the batch in flight (records 1001-1100) was kept
        assertThat(read("stop-out/data.csv.out")).isEqualTo(expectedOutput(lines.subList(0, 1100)));
        assertThat(read("stop-out/data.csv.out.errors")).isEqualTo(expectedErrors(lines.subList(0, 1100)));

        // a stopped job is final: a restart does not resume it, and it cannot be stopped again
        start((arn2, before) -> { }, 2);
        Thread.sleep(200);
        assertThat(engine.state().job(arn).orElseThrow().status()).isEqualTo(TransformJobStatus.STOPPED);
        assertThat(read("stop-out/data.csv.out")).isEqualTo(expectedOutput(lines.subList(0, 1100)));
        JsonServiceException again = org.junit.jupiter.api.Assertions.assertThrows(JsonServiceException.class,
                () -> call("StopTransformJob", "{\"TransformJobName\": \"stop-me\"}"));
        assertThat(again.getMessage()).contains("its status is Stopped");
    }

    @Test
    void aJobWaitingForASlotIsStoppedAtOnce() throws Exception {
        writeInput("slot/data.csv", lines(500, 0));
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        engines.forEach(TransformEngine::close);
        start((arn, before) -> {
            inHook.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 1);
        String first = create("first", "slot/", "first-out/", "");
        assertThat(inHook.await(30, TimeUnit.SECONDS)).isTrue();
        String second = create("second", "slot/", "second-out/", "");
        assertThat(engine.state().job(second).orElseThrow().status()).isEqualTo(TransformJobStatus.IN_PROGRESS);
        call("StopTransformJob", "{\"TransformJobName\": \"second\"}");
        assertThat(engine.state().job(second).orElseThrow().status()).isEqualTo(TransformJobStatus.STOPPED);
        release.countDown();
        assertThat(awaitEnd(first).status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(bucketFile("second-out/data.csv.out")).doesNotExist();
        assertThat(describe("second").has("TransformStartTime")).isFalse();
    }

    @Test
    void aGatewayThatClosesMidJobResumesItFromTheCheckpointWithoutDuplicates() throws Exception {
        List<String> lines = lines(10_000, 1000);
        writeInput("resume/data.csv", lines);
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        engines.forEach(TransformEngine::close);
        start((arn, before) -> {
            if (before.records() >= 4000) {
                inHook.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the engine closes: this batch is written, not durable
                }
            }
        }, 2);
        String arn = create("resume", "resume/", "resume-out/", "\"MaxConcurrentTransforms\": 2,");
        assertThat(inHook.await(60, TimeUnit.SECONDS)).isTrue();
        engine.close();
        TransformJob interrupted = TransformJobState.open(dataDir).job(arn).orElseThrow();
        assertThat(interrupted.status()).isEqualTo(TransformJobStatus.IN_PROGRESS);
        assertThat(interrupted.progress().records()).isEqualTo(4000);
        assertThat(Files.size(bucketFile("resume-out/data.csv.out")))
                .as("the batch after the checkpoint was written before the close")
                .isGreaterThan(interrupted.progress().outputOffset());

        start((a, before) -> { }, 2);
        TransformJob job = awaitEnd(arn);
        assertThat(job.status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(read("resume-out/data.csv.out")).isEqualTo(expectedOutput(lines));
        assertThat(read("resume-out/data.csv.out.errors")).isEqualTo(expectedErrors(lines));
        assertThat(job.progress().records()).isEqualTo(10_000);
        assertThat(job.progress().failed()).isEqualTo(10);
    }

    @Test
    void aCrashBetweenWritingAndCheckpointingLeavesATornTailThatTheNextEngineCutsOff() throws Exception {
        List<String> lines = lines(10_000, 1000);
        writeInput("crash/data.csv", lines);
        CountDownLatch crashed = new CountDownLatch(1);
        engines.forEach(TransformEngine::close);
        start((arn, before) -> {
            if (before.records() >= 9000 && crashed.getCount() > 0) {
                crashed.countDown();
                throw new SimulatedCrash();
            }
        }, 2);
        String arn = create("crash", "crash/", "crash-out/", "\"BatchStrategy\": \"MultiRecord\", "
                + "\"MaxConcurrentTransforms\": 3, \"MaxPayloadInMB\": 1,");
        assertThat(crashed.await(60, TimeUnit.SECONDS)).isTrue();
        // the process is gone; the disk holds the written batch (beyond the checkpoint) and half a record more
        Files.writeString(bucketFile("crash-out/data.csv.out"), "{\"echo\":\"torn", StandardOpenOption.APPEND);
        Files.writeString(bucketFile("crash-out/data.csv.out.errors"), "{\"line\":99", StandardOpenOption.APPEND);

        TransformJobState reopened = TransformJobState.open(dataDir);
        TransformJob atCrash = reopened.job(arn).orElseThrow();
        assertThat(atCrash.status()).isEqualTo(TransformJobStatus.IN_PROGRESS);
        // 3 mini-batches of 1000 per checkpoint; the crash hit the last batch, so the rerun writes no more than it
        assertThat(atCrash.progress().records()).isEqualTo(9000);
        assertThat(Files.size(bucketFile("crash-out/data.csv.out"))).isGreaterThan(atCrash.progress().outputOffset());

        TransformEngine next = new TransformEngine(reopened, BatchBucket.open(dataDir), models, Clock.systemUTC(),
                new TransformEngine.Settings(4, 2, 100));
        engines.add(next);
        engine = next;
        next.start();
        TransformJob job = awaitEnd(arn);
        assertThat(job.status()).isEqualTo(TransformJobStatus.COMPLETED);
        assertThat(read("crash-out/data.csv.out")).isEqualTo(expectedOutput(lines));
        assertThat(read("crash-out/data.csv.out.errors")).isEqualTo(expectedErrors(lines));
        assertThat(job.progress().records()).isEqualTo(10_000);
    }

    @Test
    void aStopThatARestartInterruptedEndsStoppedWithTheOutputCutBackToTheCheckpoint() throws Exception {
        List<String> lines = lines(2_000, 0);
        writeInput("stopping/data.csv", lines);
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        engines.forEach(TransformEngine::close);
        start((arn, before) -> {
            if (before.records() >= 500) {
                inHook.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, 2);
        String arn = create("stopping", "stopping/", "stopping-out/", "");
        assertThat(inHook.await(60, TimeUnit.SECONDS)).isTrue();
        call("StopTransformJob", "{\"TransformJobName\": \"stopping\"}");
        assertThat(describe("stopping").path("TransformJobStatus").asString()).isEqualTo("Stopping");
        engine.close();
        assertThat(TransformJobState.open(dataDir).job(arn).orElseThrow().status())
                .isEqualTo(TransformJobStatus.STOPPING);

        start((a, before) -> { }, 2);
        TransformJob job = engine.state().job(arn).orElseThrow();
        assertThat(job.status()).isEqualTo(TransformJobStatus.STOPPED);
        assertThat(read("stopping-out/data.csv.out")).isEqualTo(expectedOutput(lines.subList(0, 500)));
    }

    @Test
    void theStateFileSurvivesARestartAndACorruptOneIsRefused() throws Exception {
        writeInput("persist/data.csv", lines(10, 0));
        String arn = create("persist", "persist/", "persist-out/",
                "\"Tags\": [{\"Key\": \"team\", \"Value\": \"ml\"}],");
        TransformJob done = awaitEnd(arn);
        TransformJob reread = TransformJobState.open(dataDir).job(arn).orElseThrow();
        assertThat(reread).isEqualTo(done);
        assertThat(reread.tags()).containsEntry("team", "ml");

        Path file = dataDir.resolve("sagemaker/transform-jobs.json");
        Files.writeString(file, "{\"format\":\"mlgate-transform-jobs\",\"version\":1,\"jobs\":[{\"name\":1}]}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TransformJobState.open(dataDir))
                .isInstanceOf(IOException.class).hasMessageContaining("corrupt transform jobs file");
    }

    @Test
    void errorMessagesLoseQuotedValuesAndControlCharacters() {
        assertThat(FailedRecords.safeMessage("value \"secret-ssn\" in row 1 is not a number"))
                .isEqualTo("value \"***\" in row 1 is not a number");
        assertThat(FailedRecords.safeMessage("unterminated \"abc")).isEqualTo("unterminated \"***\"");
        assertThat(FailedRecords.safeMessage("line\nbreak\u0000")).isEqualTo("linebreak");
        assertThat(FailedRecords.safeMessage("x".repeat(2000))).hasSize(512);
        assertThat(new String(FailedRecords.errorLine(3, "ModelError", "boom \"v\""), StandardCharsets.UTF_8))
                .isEqualTo("{\"line\":3,\"code\":\"ModelError\",\"message\":\"boom \\\"***\\\"\"}\n");
    }

    static JsonNode parse(String json) {
        return JSON.readTree(json);
    }
}
