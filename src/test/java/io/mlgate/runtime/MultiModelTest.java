package io.mlgate.runtime;

import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.store.ModelStore;
import io.mlgate.sagemaker.ContainerDefinition;
import io.mlgate.sagemaker.DeploymentOutcome;
import io.mlgate.sagemaker.DeploymentPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Multi-model endpoints: load on first call, LRU under a memory budget, eviction and reload, busy loaders. */
class MultiModelTest {

    static final String ACCOUNT = "123456789012";
    static final byte[] SETOSA = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path data;

    InMemoryDataKeys kms;
    UploadedModels uploads;
    EndpointRegistry registry;
    EmbeddedEndpointRuntime runtime;
    InferenceService inference;
    long modelBytes;

    @BeforeEach
    void setUp() throws Exception {
        kms = new InMemoryDataKeys();
        kms.createKey("models");
        uploads = new UploadedModels(new ModelStore(data));
        byte[] onnx = DemoEndpoints.classpathArtifacts().load("iris.onnx");
        modelBytes = onnx.length;
        for (int i = 1; i <= 5; i++) {
            uploads.upload("mm-" + i, onnx, DemoEndpoints.irisDescriptor(), new ModelArtifacts(kms), "alias/models");
        }
        registry = new EndpointRegistry(ACCOUNT);
        // the budget holds two models, not three
        runtime = new EmbeddedEndpointRuntime(registry, uploads, role -> kms, Set.of(),
                new EmbeddedEndpointRuntime.Settings(Duration.ZERO, 64, modelBytes * 5 / 2, 8));
        inference = new InferenceService(registry);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    DeploymentOutcome deployMultiModel(String endpoint, String url) throws Exception {
        DeploymentPlan.Variant v = new DeploymentPlan.Variant("AllTraffic", 1, 2, "ml.m5.large", "mm",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model/mm",
                List.of(new ContainerDefinition(null, null, ContainerDefinition.Mode.MULTI_MODEL, url, Map.of())),
                false, "arn:aws:iam::123456789012:role/runtime", false);
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.deploy(new DeploymentPlan(endpoint, "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/"
                + endpoint, ACCOUNT, "c", null, null, List.of(v)), done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    InvocationResult call(String endpoint, String target) throws Exception {
        try {
            return inference.invokeAsync(endpoint, null, target, SETOSA, "text/csv", null).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) InferenceService.unwrap(e);
        }
    }

    @Test
    void moreModelsThanTheBudgetHoldsAllAnswerWithEvictionsAndReloads() throws Exception {
        assertThat(deployMultiModel("mme", "s3://mlgate-models/mm-")).isEqualTo(DeploymentOutcome.serving());
        MultiModelCache cache = runtime.servingVariant("mme", "AllTraffic").orElseThrow().multiModel();

        InvocationResult first = call("mme", "1");
        assertThat(first.cacheHit()).isFalse();
        assertThat(first.targetModel()).isEqualTo("1");
        InvocationResult again = call("mme", "1.mlga");
        assertThat(call("mme", "1").cacheHit()).isTrue();
        assertThat(new String(again.body(), StandardCharsets.UTF_8)).contains("setosa");

        for (int round = 0; round < 3; round++) {
            for (int i = 1; i <= 5; i++) {
                InvocationResult r = call("mme", String.valueOf(i));
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"predicted_label\":\"setosa\"");
            }
        }
        assertThat(cache.loadedCount()).isLessThanOrEqualTo(2);
        assertThat(cache.usedBytes()).isLessThanOrEqualTo(cache.budgetBytes());
        assertThat(cache.evictions()).as("evictions").isGreaterThanOrEqualTo(13);
        assertThat(cache.loads()).as("loads, reloads included").isGreaterThanOrEqualTo(16);
        assertThat(cache.hits()).isGreaterThanOrEqualTo(1);
        assertThat(cache.loadWaitNanos()).isPositive();
    }

    @Test
    void evictionUnderConcurrentThrashNeverFailsACall() throws Exception {
        assertThat(deployMultiModel("mme", "s3://mlgate-models/mm-")).isEqualTo(DeploymentOutcome.serving());
        MultiModelCache cache = runtime.servingVariant("mme", "AllTraffic").orElseThrow().multiModel();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        String target = String.valueOf(1 + (i + offset) % 5);
                        try {
                            InvocationResult r = call("mme", target);
                            if (new String(r.body(), StandardCharsets.UTF_8).contains("setosa")) {
                                answered.incrementAndGet();
                            }
                        } catch (BusyException e) {
                            // a full loader queue is the one refusal allowed: it is not a failed model call
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures.get()).as("calls that failed because their model was evicted").isZero();
        assertThat(answered.get()).isGreaterThan(600);
        assertThat(cache.evictions()).isPositive();
        assertThat(cache.usedBytes()).isLessThanOrEqualTo(cache.budgetBytes());
    }

    @Test
    void targetsAreCheckedAndMissingModelsAreValidationErrors() throws Exception {
        deployMultiModel("mme", "s3://mlgate-models/mm-");
        assertThatThrownBy(() -> call("mme", "9")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is not in s3://mlgate-models/mm-");
        assertThatThrownBy(() -> call("mme", "../secret")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> call("mme", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("X-Amzn-SageMaker-Target-Model");
        assertThat(call("mme", "2").invokedVariant()).isEqualTo("AllTraffic");
    }

    static OnnxModel iris() throws Exception {
        return OnnxModel.fromBytes(DemoEndpoints.classpathArtifacts().load("iris.onnx"), DemoEndpoints.irisDescriptor());
    }

    @Test
    void aColdLoadDoesNotHoldUpLoadedModelsAndABacklogIsNotReady() throws Exception {
        CountDownLatch slowGate = new CountDownLatch(1);
        CountDownLatch slowStarted = new CountDownLatch(1);
        MultiModelCache cache = new MultiModelCache("e/v", 1 << 30, target -> {
            if (target.startsWith("slow")) {
                slowStarted.countDown();
                slowGate.await();
            }
            return new MultiModelCache.Loaded(iris(), 1000);
        }, 1, 1);
        try {
            assertThat(cache.acquire("fast").get(10, TimeUnit.SECONDS).cacheHit()).isFalse();
            CompletableFuture<MultiModelCache.Lease> slow = cache.acquire("slow");      // the loader thread
            assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<MultiModelCache.Lease> queued = cache.acquire("slow-2"); // the one queued load
            // a loaded model is served at once while the loader is busy
            MultiModelCache.Lease hit = cache.acquire("fast").get(1, TimeUnit.SECONDS);
            assertThat(hit.cacheHit()).isTrue();
            assertThat(hit.model().predict(new float[][]{{5.1f, 3.5f, 1.4f, 0.2f}})[0].predictedLabel())
                    .isEqualTo("setosa");
            assertThatThrownBy(() -> cache.acquire("slow-3")).isInstanceOfSatisfying(BusyException.class,
                    e -> assertThat(e.code()).isEqualTo(BusyException.NOT_READY));
            assertThat(slow).isNotDone();
            slowGate.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS).loadWaitNanos()).isPositive();
            assertThat(queued.get(10, TimeUnit.SECONDS).model()).isNotNull();
        } finally {
            slowGate.countDown();
            cache.close();
        }
    }

    @Test
    void aModelLargerThanTheBudgetIsRefused() throws Exception {
        MultiModelCache cache = new MultiModelCache("e/v", 100, t -> new MultiModelCache.Loaded(iris(), 101), 1, 4);
        try {
            assertThatThrownBy(() -> cache.acquire("big").get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(InvalidInputException.class).hasMessageContaining("larger than");
            assertThat(cache.loadedCount()).isZero();
        } finally {
            cache.close();
        }
    }
}
