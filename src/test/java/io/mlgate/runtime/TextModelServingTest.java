package io.mlgate.runtime;

import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.store.ModelStore;
import io.mlgate.sagemaker.ContainerDefinition;
import io.mlgate.sagemaker.DeploymentOutcome;
import io.mlgate.sagemaker.DeploymentPlan;
import io.mlgate.sagemaker.transform.RecordOutcome;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Text models on every path a model is served by: an inline endpoint (as the built-in demo endpoint runs), an
 * uploaded model on instance workers, a multi-model endpoint beside a classifier, a batch transform, and the
 * refusal of text models as pipeline steps. The model is the echo model, so the answer is what the model received.
 */
class TextModelServingTest {

    static final String ACCOUNT = "123456789012";
    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";
    static final String JSON = "application/json";
    static final byte[] HELLO = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);

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
        byte[] echo = EchoModel.onnx("echo");
        uploads.upload("echo", echo, EchoModel.descriptor("echo", echo), artifacts, "alias/models");
        uploads.upload("txt-echo", echo, EchoModel.descriptor("echo", echo), artifacts, "alias/models");
        uploads.upload("txt-iris", DemoEndpoints.classpathArtifacts().load("iris.onnx"),
                DemoEndpoints.irisDescriptor(), artifacts, "alias/models");
        uploads.upload("iris", DemoEndpoints.classpathArtifacts().load("iris.onnx"), DemoEndpoints.irisDescriptor(),
                artifacts, "alias/models");
        registry = new EndpointRegistry(ACCOUNT);
        runtime = new EmbeddedEndpointRuntime(registry, uploads, role -> kms, Set.of(),
                new EmbeddedEndpointRuntime.Settings(Duration.ZERO, 64, 1 << 30, 8));
        inference = new InferenceService(registry);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
        registry.remove("inline").ifPresent(Endpoint::close);
    }

    static ContainerDefinition container(String model) {
        return new ContainerDefinition(null, null, ContainerDefinition.Mode.SINGLE_MODEL, "s3://mlgate-models/" + model,
                Map.of());
    }

    DeploymentOutcome deploy(String endpoint, int instances, ContainerDefinition... containers) throws Exception {
        DeploymentPlan.Variant v = new DeploymentPlan.Variant("AllTraffic", 1, instances, "ml.m5.large", "m",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model/m", List.of(containers), containers.length > 1,
                ROLE, false);
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.deploy(new DeploymentPlan(endpoint, "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/"
                + endpoint, ACCOUNT, endpoint + "-config", null, null, List.of(v)), done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    InvocationResult invoke(String endpoint, String target, byte[] body, String contentType, String accept)
            throws Exception {
        try {
            return inference.invokeAsync(endpoint, null, target, body, contentType, accept).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) InferenceService.unwrap(e);
        }
    }

    @Test
    void anInlineEndpointEchoesTheBodyInTheRequestsContentType() throws Exception {
        byte[] onnx = EchoModel.onnx("echo", 1, 1);
        registry.register(Endpoint.singleVariant("inline", ACCOUNT, "AllTraffic",
                OnnxModel.fromBytes(onnx, EchoModel.descriptor("echo", onnx))));
        InvocationResult r = invoke("inline", null, HELLO, "application/json; charset=utf-8", null);
        assertThat(r.body()).isEqualTo(HELLO);
        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(r.invokedVariant()).isEqualTo("AllTraffic");
        byte[] greek = "Καλημέρα, 東京 😀".getBytes(StandardCharsets.UTF_8);
        InvocationResult plain = invoke("inline", null, greek, "application/x-custom", "text/plain");
        assertThat(plain.body()).isEqualTo(greek);
        assertThat(plain.contentType()).isEqualTo(InvocationOutput.TEXT_PLAIN);
        // the text rules, not the CSV/JSON rules: a CSV line is just text, invalid UTF-8 and bad Accept are refused
        assertThat(invoke("inline", null, "5.1,abc".getBytes(StandardCharsets.UTF_8), "text/csv", null).body())
                .asString(StandardCharsets.UTF_8).isEqualTo("5.1,abc");
        assertThatThrownBy(() -> invoke("inline", null, new byte[]{'{', (byte) 0xC3, '}'}, JSON, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid UTF-8 (byte offset 1)");
        assertThatThrownBy(() -> invoke("inline", null, HELLO, JSON, "image/png"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("text/plain");
    }

    @Test
    void anUploadedEchoModelServesOnInstanceWorkers() throws Exception {
        assertThat(deploy("echo-ep", 3, container("echo"))).isEqualTo(DeploymentOutcome.serving());
        assertThat(runtime.servingVariant("echo-ep", "AllTraffic").orElseThrow().workers().size()).isEqualTo(3);
        List<CompletableFuture<InvocationResult>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] body = ("{\"text\":\"call " + i + " ü\"}").getBytes(StandardCharsets.UTF_8);
            calls.add(inference.invokeAsync("echo-ep", null, null, body, JSON, null));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).get(30, TimeUnit.SECONDS).body()).asString(StandardCharsets.UTF_8)
                    .isEqualTo("{\"text\":\"call " + i + " ü\"}");
        }
        assertThatThrownBy(() -> invoke("echo-ep", null, new byte[0], JSON, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
    }

    @Test
    void aMultiModelEndpointDecodesEachCallForItsTargetModelsKind() throws Exception {
        DeploymentPlan.Variant v = new DeploymentPlan.Variant("AllTraffic", 1, 2, "ml.m5.large", "mm",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model/mm",
                List.of(new ContainerDefinition(null, null, ContainerDefinition.Mode.MULTI_MODEL,
                        "s3://mlgate-models/txt-", Map.of())), false, ROLE, false);
        CompletableFuture<DeploymentOutcome> done = new CompletableFuture<>();
        runtime.deploy(new DeploymentPlan("mme", "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/mme",
                ACCOUNT, "c", null, null, List.of(v)), done::complete);
        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo(DeploymentOutcome.serving());

        InvocationResult echoed = invoke("mme", "echo", HELLO, JSON, null);
        assertThat(echoed.body()).isEqualTo(HELLO);
        assertThat(echoed.contentType()).isEqualTo(JSON);
        assertThat(echoed.targetModel()).isEqualTo("echo");
        InvocationResult classified = invoke("mme", "iris", "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8),
                "text/csv", null);
        assertThat(classified.body()).asString(StandardCharsets.UTF_8).contains("\"predicted_label\":\"setosa\"");
        // the same JSON body is text for the echo model and not rows for the classifier
        assertThatThrownBy(() -> invoke("mme", "iris", HELLO, JSON, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unexpected field");
    }

    @Test
    void aTextModelCannotBeAPipelineStep() throws Exception {
        assertThat(deploy("pipe", 1, container("echo"), container("iris")).failureReason())
                .contains("not a valid inference pipeline")
                .contains("step 1 of 2").contains("is a text model");
        assertThat(registry.find("pipe")).isEmpty();
    }

    @Test
    void aBatchTransformAnswersEachLineWithTheModelsText() throws Exception {
        try (EmbeddedTransformModels.Loaded loaded = new EmbeddedTransformModels.Loaded(uploads.load("echo", kms,
                1 << 20))) {
            List<RecordOutcome> out = loaded.transform(List.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                    new byte[]{(byte) 0xFF}, "{\"b\":\"é\"}".getBytes(StandardCharsets.UTF_8), new byte[0]),
                    "application/jsonlines");
            assertThat(out.get(0).output()).asString(StandardCharsets.UTF_8).isEqualTo("{\"a\":1}");
            assertThat(out.get(1).errorCode()).isEqualTo("ValidationError");
            assertThat(out.get(1).errorMessage()).isEqualTo("the record is not valid UTF-8 (byte offset 0)");
            assertThat(out.get(2).output()).asString(StandardCharsets.UTF_8).isEqualTo("{\"b\":\"é\"}");
            assertThat(out.get(3).errorMessage()).isEqualTo("the record is empty");
        }
    }
}
