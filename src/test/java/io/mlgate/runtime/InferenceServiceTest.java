package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class InferenceServiceTest {
    private static final String ACCOUNT = "123456789012";
    private static EndpointRegistry registry;
    private static InferenceService service;

    @BeforeAll
    static void setUp() throws IOException {
        registry = new EndpointRegistry(ACCOUNT);
        registry.register(DemoEndpoints.iris(DemoEndpoints.classpathArtifacts(), ACCOUNT));
        service = new InferenceService(registry);
    }

    @AfterAll
    static void tearDown() {
        for (String name : registry.names()) {
            registry.remove(name).ifPresent(Endpoint::close);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void invokesTheDemoIrisEndpointWithCsv() {
        InvocationResult result = service.invoke("iris",
                bytes("5.1,3.5,1.4,0.2\n7.0,3.2,4.7,1.4\n6.3,3.3,6.0,2.5\n"), "text/csv", "application/json");
        assertThat(result.contentType()).isEqualTo("application/json");
        assertThat(result.invokedVariant()).isEqualTo("AllTraffic");
        assertThat(result.modelLatencyNanos()).isPositive();
        JsonNode predictions = JsonMapper.shared().readTree(result.body()).get("predictions");
        assertThat(predictions.values()).extracting(p -> p.get("predicted_label").stringValue())
                .containsExactly("setosa", "versicolor", "virginica");
    }

    @Test
    void invokesWithJsonAndNoAccept() {
        InvocationResult result = service.invoke("iris",
                bytes("{\"instances\":[{\"features\":[6.3,3.3,6.0,2.5]}]}"), "application/json", null);
        JsonNode p = JsonMapper.shared().readTree(result.body()).get("predictions").get(0);
        assertThat(p.get("predicted_label").stringValue()).isEqualTo("virginica");
    }

    @Test
    void unknownEndpoint() {
        assertThatThrownBy(() -> service.invoke("iris2", bytes("1,2,3,4"), "text/csv", null))
                .isInstanceOf(EndpointNotFoundException.class)
                .hasMessage("Endpoint iris2 of account 123456789012 not found.");
    }

    @Test
    void invalidInputAndAccept() {
        assertThatThrownBy(() -> service.invoke("iris", bytes("1,2,3"), "text/csv", null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("row 1 has 3 values but the model expects 4");
        assertThatThrownBy(() -> service.invoke("iris", bytes("1,2,3,4"), "text/csv", "text/csv"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unsupported Accept");
    }

    @Test
    void targetVariant() {
        assertThat(service.invoke("iris", "AllTraffic", bytes("1,2,3,4"), "text/csv", null).invokedVariant())
                .isEqualTo("AllTraffic");
        assertThatThrownBy(() -> service.invoke("iris", "Canary", bytes("1,2,3,4"), "text/csv", null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("variant \"Canary\" is not part of endpoint iris");
    }

    @Test
    void misbehavingModelIsAModelError() {
        byte[] logits = TestGraphs.linear(new float[][] {{1, 0}, {0, 1}}, new float[] {0, 0}, false);
        OnnxModel liar = OnnxModel.fromBytes(logits,
                TestGraphs.descriptor(2, List.of("a", "b"), OutputKind.PROBABILITIES));
        registry.register(Endpoint.singleVariant("liar", ACCOUNT, "AllTraffic", liar));
        assertThat(service.invoke("liar", bytes("0.4,0.6"), "text/csv", null).invokedVariant())
                .isEqualTo("AllTraffic");
        assertThatThrownBy(() -> service.invoke("liar", bytes("2,5"), "text/csv", null))
                .isInstanceOf(ModelInvocationException.class)
                .hasMessageContaining("not a probability distribution");
    }

    @Test
    void demoEndpointNeedsTheLoaderToSupplyTheArtifact() {
        assertThatThrownBy(() -> DemoEndpoints.iris(name -> {
            throw new NoSuchFileException(name);
        }, ACCOUNT)).isInstanceOf(NoSuchFileException.class);
        byte[] tampered = IrisRows.resource("iris.onnx");
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> DemoEndpoints.iris(name -> tampered, ACCOUNT))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("SHA-256");
    }

    @Test
    void classpathLoaderRefusesPathsOutsideItsFolder() throws IOException {
        ModelLoader loader = DemoEndpoints.classpathArtifacts();
        assertThat(loader.load("iris.onnx")).isEqualTo(IrisRows.resource("iris.onnx"));
        assertThatThrownBy(() -> loader.load("../application.properties"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> loader.load("missing.onnx")).isInstanceOf(NoSuchFileException.class);
    }
}
