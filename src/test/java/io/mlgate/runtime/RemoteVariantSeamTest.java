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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime's seam for variants on runtime nodes: placement, routing, resize, retirement, multi-model stays here. */
class RemoteVariantSeamTest {

    @TempDir
    Path data;

    EndpointRegistry registry;
    EmbeddedEndpointRuntime runtime;
    InferenceService inference;
    final List<FakeRemote> placed = new CopyOnWriteArrayList<>();
    volatile String refuseWith;

    /** A remote variant that answers with what it was sent, and records resizes and closing. */
    static final class FakeRemote implements RemoteVariant {
        final String key;
        volatile int instances;
        final AtomicBoolean closed = new AtomicBoolean();

        FakeRemote(String key, int instances) {
            this.key = key;
            this.instances = instances;
        }

        @Override
        public CompletableFuture<InvocationResult> invoke(byte[] body, String contentType, String accept,
                                                          String requestId) {
            return CompletableFuture.completedFuture(new InvocationResult(body, "text/plain", "node-side-name", 42));
        }

        @Override
        public int instances() {
            return instances;
        }

        @Override
        public long completed() {
            return 0;
        }

        @Override
        public void resize(int n) {
            instances = n;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        InMemoryDataKeys kms = new InMemoryDataKeys();
        kms.createKey("models");
        UploadedModels uploads = new UploadedModels(new ModelStore(data));
        uploads.upload("m1", DemoEndpoints.classpathArtifacts().load("iris.onnx"), DemoEndpoints.irisDescriptor(),
                new ModelArtifacts(kms), "alias/models");
        registry = new EndpointRegistry(EmbeddedEndpointRuntimeTest.ACCOUNT);
        VariantPlacement placement = (plan, v, generation) -> {
            if (refuseWith != null) {
                throw new VariantPlacement.PlacementException(refuseWith);
            }
            FakeRemote r = new FakeRemote(plan.endpointName() + "." + v.variantName() + "." + generation,
                    v.instanceCount());
            placed.add(r);
            return r;
        };
        runtime = new EmbeddedEndpointRuntime(registry, uploads, role -> kms, Set.of(),
                EmbeddedEndpointRuntime.Settings.defaults().withGrace(Duration.ZERO),
                io.mlgate.runtime.capture.EndpointCapture.NONE, placement);
        inference = new InferenceService(registry);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    DeploymentOutcome deploy(DeploymentPlan plan) throws Exception {
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.deploy(plan, done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void variantsArePlacedRoutedUnderTheirOwnNameResizedAndClosedWhenRetired() throws Exception {
        DeploymentPlan plan = EmbeddedEndpointRuntimeTest.plan("e",
                EmbeddedEndpointRuntimeTest.variant("A", 1, "s3://mlgate-models/m1"));
        assertThat(deploy(plan).inService()).isTrue();
        assertThat(placed).hasSize(1);
        ProductionVariant served = registry.require("e").variant("A").orElseThrow();
        assertThat(served.remote()).isSameAs(placed.get(0));
        assertThat(served.workers()).isNull();

        byte[] body = "anything the node decodes".getBytes(StandardCharsets.UTF_8);
        InvocationResult r = inference.invoke("e", body, "text/csv", null);
        assertThat(r.invokedVariant()).isEqualTo("A");
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.modelLatencyNanos()).isEqualTo(42);

        runtime.setWeights(plan.endpointArn(), Map.of(), Map.of("A", 3));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (placed.get(0).instances() != 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(served.instanceCount()).isEqualTo(3);

        runtime.undeploy(plan.endpointArn());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!placed.get(0).closed.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(placed.get(0).closed.get()).as("retired after the (zero) grace").isTrue();
    }

    @Test
    void aPlacementRefusalIsTheFailureReasonAndMultiModelVariantsStayInProcess() throws Exception {
        refuseWith = "no healthy runtime node can host it (0 known).";
        DeploymentOutcome failed = deploy(EmbeddedEndpointRuntimeTest.plan("e",
                EmbeddedEndpointRuntimeTest.variant("A", 1, "s3://mlgate-models/m1")));
        assertThat(failed.failureReason()).isEqualTo("Variant A: no healthy runtime node can host it (0 known).");
        assertThat(registry.find("e")).isEmpty();

        DeploymentPlan.Variant multi = new DeploymentPlan.Variant("M", 1, 1, null, "mm", "arn:mm",
                List.of(new ContainerDefinition(null, null, ContainerDefinition.Mode.MULTI_MODEL,
                        "s3://mlgate-models/", Map.of())), false, EmbeddedEndpointRuntimeTest.ROLE, false);
        assertThat(deploy(EmbeddedEndpointRuntimeTest.plan("mm", multi)).inService()).isTrue();
        ProductionVariant m = registry.require("mm").variant("M").orElseThrow();
        assertThat(m.remote()).isNull();
        assertThat(m.multiModel()).isNotNull();
        assertThat(placed).isEmpty();
    }
}
