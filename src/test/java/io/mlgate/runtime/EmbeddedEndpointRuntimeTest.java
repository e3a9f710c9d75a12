package io.mlgate.runtime;

import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.capture.CaptureWriter;
import io.mlgate.runtime.capture.DataCapture;
import io.mlgate.runtime.capture.LocalCaptureKeys;
import io.mlgate.runtime.store.ModelStore;
import io.mlgate.sagemaker.DataCaptureConfig;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedEndpointRuntimeTest {

    static final String ACCOUNT = "123456789012";
    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";
    static final byte[] SETOSA = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path data;

    InMemoryDataKeys kms;
    String keyArn;
    UploadedModels uploads;
    EndpointRegistry registry;
    EmbeddedEndpointRuntime runtime;
    InferenceService inference;

    @BeforeEach
    void setUp() throws Exception {
        kms = new InMemoryDataKeys();
        keyArn = kms.createKey("models");
        uploads = new UploadedModels(new ModelStore(data));
        byte[] onnx = DemoEndpoints.classpathArtifacts().load("iris.onnx");
        for (String name : List.of("m1", "m2")) {
            uploads.upload(name, onnx, DemoEndpoints.irisDescriptor(), new ModelArtifacts(kms), "alias/models");
        }
        registry = new EndpointRegistry(ACCOUNT);
        runtime = new EmbeddedEndpointRuntime(registry, uploads, role -> kms, Set.of("iris"), Duration.ZERO);
        inference = new InferenceService(registry);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    static DeploymentPlan plan(String endpoint, DeploymentPlan.Variant... variants) {
        return new DeploymentPlan(endpoint, "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/" + endpoint,
                ACCOUNT, endpoint + "-config", null, null, List.of(variants));
    }

    static DeploymentPlan.Variant variant(String name, double weight, String url) {
        return new DeploymentPlan.Variant(name, weight, 1, "ml.m5.large", "model-" + name,
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model/model-" + name,
                List.of(new ContainerDefinition(null, null, ContainerDefinition.Mode.SINGLE_MODEL, url, Map.of())),
                false, ROLE, false);
    }

    DeploymentOutcome deploy(DeploymentPlan plan) throws Exception {
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.deploy(plan, done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void servesWeightedVariantsAndReweightsOverTheSameModels() throws Exception {
        assertThat(deploy(plan("e", variant("A", 1, "s3://mlgate-models/m1"),
                variant("B", 0, "mlgate://models/m2")))).isEqualTo(DeploymentOutcome.serving());
        for (int i = 0; i < 50; i++) {
            assertThat(inference.invoke("e", SETOSA, "text/csv", null).invokedVariant()).isEqualTo("A");
        }
        assertThat(inference.invoke("e", "B", SETOSA, "text/csv", null).invokedVariant()).isEqualTo("B");
        VariantModel a = registry.require("e").variant("A").orElseThrow().model();

        runtime.setWeights(plan("e", variant("A", 1, "x"), variant("B", 1, "x")).endpointArn(),
                Map.of("A", 0.0, "B", 1.0), Map.of("B", 3));
        for (int i = 0; i < 50; i++) {
            assertThat(inference.invoke("e", SETOSA, "text/csv", null).invokedVariant()).isEqualTo("B");
        }
        assertThat(registry.require("e").variant("A").orElseThrow().model()).isSameAs(a);
        assertThat(a.isClosed()).isFalse();
        assertThat(runtime.instanceCount("e", "B")).isEqualTo(3);
        assertThat(runtime.instanceCount("e", "Z")).isZero();
    }

    @Test
    void anUpdateSwapsModelsAndRetiresTheOldOnes() throws Exception {
        DeploymentPlan first = plan("e", variant("A", 1, "s3://mlgate-models/m1"));
        deploy(first);
        VariantModel old = registry.require("e").variants().get(0).model();
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.update(plan("e", variant("C", 1, "s3://mlgate-models/m2")), done::complete);
        assertThat(done.get(30, TimeUnit.SECONDS).inService()).isTrue();
        assertThat(inference.invoke("e", SETOSA, "text/csv", null).invokedVariant()).isEqualTo("C");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!old.isClosed() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(old.isClosed()).as("the replaced model is closed after the (zero) grace period").isTrue();
    }

    @Test
    void aFailedUpdateKeepsTheOldDeploymentServing() throws Exception {
        deploy(plan("e", variant("A", 1, "s3://mlgate-models/m1")));
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.update(plan("e", variant("A", 1, "s3://mlgate-models/absent")), done::complete);
        DeploymentOutcome outcome = done.get(30, TimeUnit.SECONDS);
        assertThat(outcome.inService()).isFalse();
        assertThat(outcome.failureReason()).contains("no such model");
        assertThat(inference.invoke("e", SETOSA, "text/csv", null).invokedVariant()).isEqualTo("A");
    }

    @Test
    void refusesWhatItCannotServeWithAReason() throws Exception {
        assertThat(deploy(plan("iris", variant("A", 1, "s3://mlgate-models/m1"))).failureReason())
                .contains("reserved");
        assertThat(deploy(plan("e", variant("A", 0, "s3://mlgate-models/m1"))).failureReason())
                .contains("weight greater than 0");
        assertThat(deploy(plan("e", variant("A", 1, "s3://other/m1"))).failureReason())
                .contains("does not name an artifact in mlgate's model store");
        DeploymentPlan.Variant noRole = new DeploymentPlan.Variant("A", 1, 1, null, "m", "arn:m",
                List.of(new ContainerDefinition(null, null, ContainerDefinition.Mode.SINGLE_MODEL,
                        "s3://mlgate-models/m1", Map.of())), false, null, false);
        assertThat(deploy(plan("e", noRole)).failureReason()).contains("no ExecutionRoleArn");
        DeploymentPlan.Variant multiInPipeline = new DeploymentPlan.Variant("A", 1, 1, null, "m", "arn:m",
                List.of(new ContainerDefinition(null, null, ContainerDefinition.Mode.MULTI_MODEL,
                        "s3://mlgate-models/", Map.of()), new ContainerDefinition(null, null,
                        ContainerDefinition.Mode.SINGLE_MODEL, "s3://mlgate-models/m1", Map.of())), true, ROLE, false);
        assertThat(deploy(plan("e", multiInPipeline)).failureReason()).contains("pipeline with a MultiModel");
        DeploymentPlan other = new DeploymentPlan("e", "arn:aws:sagemaker:us-east-1:111122223333:endpoint/e",
                "111122223333", "c", null, null, List.of(variant("A", 1, "s3://mlgate-models/m1")));
        assertThat(deploy(other).failureReason()).contains("account " + ACCOUNT + " only");
        assertThat(registry.names()).isEmpty();
    }

    @Test
    void aRefusedKeyFailsTheDeployment() throws Exception {
        kms.disable(keyArn);
        DeploymentOutcome outcome = deploy(plan("e", variant("A", 1, "s3://mlgate-models/m1")));
        assertThat(outcome.failureReason()).contains("refused the data key").contains(ROLE);
        assertThat(registry.find("e")).isEmpty();
    }

    @Test
    void aDeploymentThatFinishesAfterTheEndpointWasDeletedIsDiscarded() throws Exception {
        DeploymentPlan p = plan("e", variant("A", 1, "s3://mlgate-models/m1"));
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.deploy(p, done::complete);
        runtime.undeploy(p.endpointArn());
        DeploymentOutcome outcome = done.get(30, TimeUnit.SECONDS);
        // either it finished before the delete (then the delete removed it) or it was discarded: never served after
        assertThat(registry.find("e")).isEmpty();
        if (!outcome.inService()) {
            assertThat(outcome.failureReason()).contains("superseded");
        }
    }

    @Test
    void undeployRemovesTheEndpointAndCloseReleasesEverything() throws Exception {
        DeploymentPlan p = plan("e", variant("A", 1, "s3://mlgate-models/m1"));
        deploy(p);
        deploy(plan("f", variant("A", 1, "s3://mlgate-models/m2")));
        VariantModel f = registry.require("f").variants().get(0).model();
        runtime.undeploy(p.endpointArn());
        assertThatThrownBy(() -> inference.invoke("e", SETOSA, "text/csv", null))
                .isInstanceOf(EndpointNotFoundException.class);
        runtime.close();
        assertThat(registry.names()).isEmpty();
        assertThat(f.isClosed()).isTrue();
        CompletableFuture<DeploymentOutcome> late = new CompletableFuture<>();
        runtime.deploy(p, late::complete);
        assertThat(late.get(5, TimeUnit.SECONDS).failureReason()).contains("shutting down");
    }

    static DeploymentPlan withCapture(DeploymentPlan p, DataCaptureConfig capture) {
        return new DeploymentPlan(p.endpointName(), p.endpointArn(), p.accountId(), p.endpointConfigName(), null,
                capture, p.variants());
    }

    static DataCaptureConfig capture(String uri) {
        return new DataCaptureConfig(true, 100, uri, null, List.of("InputAndOutput"), List.of("text/csv"), null);
    }

    @Test
    void dataCaptureFollowsDeployUpdateAndDelete() throws Exception {
        runtime.close();
        LocalCaptureKeys captureKeys = LocalCaptureKeys.withKey(ROLE);
        try (DataCapture capture = new DataCapture(data.resolve("capture"), CaptureWriter.start(
                CaptureWriter.Limits.defaults(), CaptureWriter.Rolling.defaults(), java.time.Clock.systemUTC(),
                captureKeys), java.time.Clock.systemUTC(), DataCapture.Sampler.RANDOM,
                (endpoint, payload, contentType) -> payload, "alias/capture")) {
            runtime = new EmbeddedEndpointRuntime(registry, uploads, role -> kms, Set.of("iris"),
                    EmbeddedEndpointRuntime.Settings.defaults().withGrace(Duration.ZERO), capture);
            DeploymentPlan p = plan("e", variant("A", 1, "s3://mlgate-models/m1"));
            assertThat(deploy(withCapture(p, capture("s3://mlgate-capture/one"))).inService()).isTrue();
            assertThat(capture.policy("e").orElseThrow().folder()).isEqualTo(capture.root().resolve("one"));
            assertThat(capture.policy("e").orElseThrow().executionRoleOf("A")).isEqualTo(ROLE);

            CompletableFuture<DeploymentOutcome> moved = new CompletableFuture<>();
            runtime.update(withCapture(p, capture("s3://mlgate-capture/two")), moved::complete);
            assertThat(moved.get(30, TimeUnit.SECONDS).inService()).isTrue();
            assertThat(capture.policy("e").orElseThrow().folder()).isEqualTo(capture.root().resolve("two"));

            CompletableFuture<DeploymentOutcome> off = new CompletableFuture<>();
            runtime.update(p, off::complete);
            assertThat(off.get(30, TimeUnit.SECONDS).inService()).isTrue();
            assertThat(capture.policy("e")).as("a configuration without DataCaptureConfig captures nothing").isEmpty();

            // a destination mlgate cannot write fails the update before anything loads; the old one keeps serving
            CompletableFuture<DeploymentOutcome> refused = new CompletableFuture<>();
            runtime.update(withCapture(p, capture("s3://some-bucket/x")), refused::complete);
            assertThat(refused.get(30, TimeUnit.SECONDS).failureReason())
                    .startsWith("DataCaptureConfig: DestinationS3Uri s3://some-bucket/x is not mlgate's capture");
            assertThat(inference.invoke("e", SETOSA, "text/csv", null).invokedVariant()).isEqualTo("A");

            // so does a capture key the execution role may not use, or one that does not exist
            captureKeys.forbid(ROLE);
            CompletableFuture<DeploymentOutcome> denied = new CompletableFuture<>();
            runtime.update(withCapture(p, capture("s3://mlgate-capture/three")), denied::complete);
            assertThat(denied.get(30, TimeUnit.SECONDS).failureReason())
                    .startsWith("DataCaptureConfig: the default capture key alias/capture")
                    .contains("GenerateDataKey as its execution role " + ROLE + " fails with AccessDeniedException");
            captureKeys.allow(ROLE);
            CompletableFuture<DeploymentOutcome> missing = new CompletableFuture<>();
            runtime.update(withCapture(p, new DataCaptureConfig(true, 100, "s3://mlgate-capture/three",
                    "alias/missing", List.of("Input"), null, null)), missing::complete);
            assertThat(missing.get(30, TimeUnit.SECONDS).failureReason())
                    .startsWith("DataCaptureConfig: KmsKeyId alias/missing").contains("NotFoundException");
            assertThat(capture.policy("e")).as("the refused updates changed nothing").isEmpty();
            assertThat(inference.invoke("e", SETOSA, "text/csv", null).invokedVariant()).isEqualTo("A");

            deploy(withCapture(plan("f", variant("A", 1, "s3://mlgate-models/m2")), capture("s3://mlgate-capture")));
            assertThat(capture.policy("f")).isPresent();
            runtime.undeploy(plan("f", variant("A", 1, "x")).endpointArn());
            assertThat(capture.policy("f")).isEmpty();
        }
    }
}
