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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inference pipelines, instance workers with bounded queues, and resizing, on the embedded runtime. */
class PipelineAndWorkersTest {

    static final String ACCOUNT = "123456789012";
    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";
    /** An iris row and the input that two steps (x + 3, then x * 0.5) turn into it: x = 2r - 3. */
    static final float[] SETOSA = {5.1f, 3.5f, 1.4f, 0.2f};
    static final float[] VIRGINICA = {6.7f, 3.0f, 5.2f, 2.3f};

    @TempDir
    Path data;

    InMemoryDataKeys kms;
    UploadedModels uploads;
    EndpointRegistry registry;
    EmbeddedEndpointRuntime runtime;
    InferenceService inference;

    @BeforeEach
    void setUp() throws Exception {
        kms = new InMemoryDataKeys();
        kms.createKey("models");
        uploads = new UploadedModels(new ModelStore(data));
        ModelArtifacts artifacts = new ModelArtifacts(kms);
        uploads.upload("iris", DemoEndpoints.classpathArtifacts().load("iris.onnx"), DemoEndpoints.irisDescriptor(),
                artifacts, "alias/models");
        uploads.upload("plus3", OnnxFixtures.affine("plus3", new float[]{1, 1, 1, 1}, new float[]{3, 3, 3, 3}),
                OnnxFixtures.featuresDescriptor("plus3", 4), artifacts, "alias/models");
        uploads.upload("half", OnnxFixtures.affine("half", new float[]{.5f, .5f, .5f, .5f}, new float[4]),
                OnnxFixtures.featuresDescriptor("half", 4), artifacts, "alias/models");
        uploads.upload("doubler", OnnxFixtures.rowDoubler("doubler", 4), OnnxFixtures.featuresDescriptor("doubler", 4),
                artifacts, "alias/models");
        registry = new EndpointRegistry(ACCOUNT);
        runtime = new EmbeddedEndpointRuntime(registry, uploads, role -> kms, Set.of(),
                new EmbeddedEndpointRuntime.Settings(Duration.ZERO, 2, 1 << 30, 8));
        inference = new InferenceService(registry);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    static ContainerDefinition container(String hostname, String model) {
        return new ContainerDefinition(hostname, null, ContainerDefinition.Mode.SINGLE_MODEL,
                "s3://mlgate-models/" + model, Map.of());
    }

    static DeploymentPlan plan(String endpoint, int instances, ContainerDefinition... containers) {
        DeploymentPlan.Variant v = new DeploymentPlan.Variant("AllTraffic", 1, instances, "ml.m5.large", "m",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model/m", List.of(containers), containers.length > 1,
                ROLE, false);
        return new DeploymentPlan(endpoint, "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/" + endpoint,
                ACCOUNT, endpoint + "-config", null, null, List.of(v));
    }

    DeploymentOutcome deploy(DeploymentPlan plan) throws Exception {
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.deploy(plan, done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    static byte[] csv(float[]... rows) {
        StringBuilder b = new StringBuilder();
        for (float[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                b.append(i == 0 ? "" : ",").append(r[i]);
            }
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static float[] preimage(float[] r) {
        float[] x = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            x[i] = 2 * r[i] - 3;
        }
        return x;
    }

    String answer(String endpoint, byte[] body) {
        return new String(inference.invoke(endpoint, body, "text/csv", null).body(), StandardCharsets.UTF_8);
    }

    @Test
    void aThreeStepPipelineRunsItsModelsInOrder() throws Exception {
        assertThat(deploy(plan("pipe", 2, container("add", "plus3"), container("scale", "half"),
                container("classify", "iris")))).isEqualTo(DeploymentOutcome.serving());
        String piped = answer("pipe", csv(preimage(SETOSA), preimage(VIRGINICA)));
        assertThat(deploy(plan("direct", 1, container(null, "iris")))).isEqualTo(DeploymentOutcome.serving());
        // (x + 3) * 0.5 = r: the pipeline answers exactly what the classifier answers for r
        assertThat(piped).isEqualTo(answer("direct", csv(SETOSA, VIRGINICA)))
                .contains("\"predicted_label\":\"setosa\"").contains("\"predicted_label\":\"virginica\"");
        // the other order, x * 0.5 + 3, is a different function: the order matters and is kept
        assertThat(deploy(plan("reversed", 1, container(null, "half"), container(null, "plus3"),
                container(null, "iris")))).isEqualTo(DeploymentOutcome.serving());
        assertThat(answer("reversed", csv(preimage(SETOSA)))).isNotEqualTo(answer("direct", csv(SETOSA)));
    }

    @Test
    void aMalformedIntermediateShapeIsAModelErrorNamingTheStep() throws Exception {
        assertThat(deploy(plan("broken", 1, container("add", "plus3"), container("dup", "doubler"),
                container("classify", "iris")))).isEqualTo(DeploymentOutcome.serving());
        assertThatThrownBy(() -> inference.invoke("broken", csv(SETOSA), "text/csv", null))
                .isInstanceOf(ModelInvocationException.class)
                .hasMessageContaining("step 2 of 3 (container dup, model doubler)")
                .hasMessageContaining("shape [2, 4]");
    }

    @Test
    void pipelinesThatCannotFitTogetherAreRefusedAtDeployment() throws Exception {
        assertThat(deploy(plan("bad", 1, container(null, "iris"), container(null, "half"))).failureReason())
                .contains("not a valid inference pipeline").contains("step 1 of 2");
        assertThat(deploy(plan("bad2", 1, container(null, "plus3"), container(null, "half"))).failureReason())
                .contains("last step must classify");
    }

    @Test
    void instancesAreIndependentWorkersBehindABoundedQueue() throws Exception {
        assertThat(deploy(plan("w", 2, container(null, "iris")))).isEqualTo(DeploymentOutcome.serving());
        ProductionVariant v = runtime.servingVariant("w", "AllTraffic").orElseThrow();
        assertThat(v.workers().size()).isEqualTo(2);

        // hold both workers, fill the queue (2 per worker), and the next call is throttled at once
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<Object>> blocked = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            blocked.add(v.workers().submit(own -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (v.workers().queued() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<CompletableFuture<InvocationResult>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(inference.invokeAsync("w", null, null, csv(SETOSA), "text/csv", null));
        }
        assertThatThrownBy(() -> inference.invokeAsync("w", null, null, csv(SETOSA), "text/csv", null))
                .isInstanceOfSatisfying(BusyException.class, e ->
                        assertThat(e.code()).isEqualTo(BusyException.THROTTLING));
        release.countDown();
        for (CompletableFuture<InvocationResult> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS).invokedVariant()).isEqualTo("AllTraffic");
        }

        // more instances: workers are added with their own sessions; fewer: removed after their calls
        runtime.setWeights(plan("w", 1, container(null, "iris")).endpointArn(), Map.of(), Map.of("AllTraffic", 5));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (v.workers().size() != 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(v.workers().size()).isEqualTo(5);
        assertThat(runtime.instanceCount("w", "AllTraffic")).isEqualTo(5);
        runtime.setWeights(plan("w", 1, container(null, "iris")).endpointArn(), Map.of(), Map.of("AllTraffic", 1));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (v.workers().size() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(v.workers().size()).isEqualTo(1);
        assertThat(answer("w", csv(SETOSA))).contains("setosa");
    }

    @Test
    void tooManyInstancesAreRefused() throws Exception {
        assertThat(deploy(plan("big", 9, container(null, "iris"))).failureReason())
                .contains("InitialInstanceCount 9").contains("8 instances");
    }
}
