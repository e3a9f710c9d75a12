package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class ModelDescriptorTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final String MINIMAL = """
            {"name":"m","artifact":"m.onnx","inputName":"in","outputName":"out",
             "featureNames":["a","b"],"labels":["x","y","z"],"outputKind":"logits","future":"ignored"}
            """;

    @Test
    void parsesMinimalDescriptorAndIgnoresUnknownFields() {
        ModelDescriptor d = ModelDescriptor.parse(json(MINIMAL));
        assertThat(d.featureCount()).isEqualTo(2);
        assertThat(d.labels()).containsExactly("x", "y", "z");
        assertThat(d.outputKind()).isEqualTo(OutputKind.LOGITS);
        assertThat(d.heldOutAccuracy()).isNull();
        assertThat(d.sha256()).isNull();
    }

    @Test
    void roundTripsThroughJson() {
        ModelDescriptor d = DemoEndpoints.irisDescriptor();
        assertThat(ModelDescriptor.parse(d.toJson())).isEqualTo(d);
        assertThat(d.heldOutAccuracy()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void missingRequiredFieldIsRejected() {
        assertThatThrownBy(() -> ModelDescriptor.parse(json(MINIMAL.replace("\"inputName\":\"in\",", ""))))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("inputName is required");
    }

    @Test
    void duplicateLabelsAreRejected() {
        assertThatThrownBy(() -> ModelDescriptor.parse(json(MINIMAL.replace("\"z\"", "\"x\""))))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("labels contains duplicates");
    }

    @Test
    void unknownOutputKindIsRejected() {
        assertThatThrownBy(() -> ModelDescriptor.parse(json(MINIMAL.replace("logits", "scores"))))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("unknown output kind scores");
    }

    @Test
    void malformedDigestAndAccuracyAreRejected() {
        assertThatThrownBy(() -> ModelDescriptor.parse(json(MINIMAL.replace("\"future\"", "\"sha256\""))))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("sha256 must be 64 hex digits");
        assertThatThrownBy(() -> ModelDescriptor.parse(json(MINIMAL.replace("\"future\":\"ignored\"",
                "\"heldOutAccuracy\":1.5"))))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("heldOutAccuracy");
    }

    @Test
    void invalidJsonNamesTheLocation() {
        assertThatThrownBy(() -> ModelDescriptor.parse(json("{\"name\": }")))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("not valid JSON (line 1");
        assertThatThrownBy(() -> ModelDescriptor.parse(json("[1]")))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("must be a JSON object");
    }

    @Test
    void listsAreImmutableCopies() {
        List<String> labels = new java.util.ArrayList<>(List.of("x", "y"));
        ModelDescriptor d = TestGraphs.descriptor(2, labels, OutputKind.LOGITS);
        labels.add("z");
        assertThat(d.labels()).containsExactly("x", "y");
        assertThatThrownBy(() -> d.labels().add("w")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------ text models

    private static final String TEXT = """
            {"name":"echo","artifact":"echo.onnx","inputKind":"text","inputName":"text","outputName":"echo",
             "outputKind":"text"}
            """;

    @Test
    void parsesATextDescriptorWithoutFeaturesOrLabels() {
        ModelDescriptor d = ModelDescriptor.parse(json(TEXT));
        assertThat(d.inputKind()).isEqualTo(InputKind.TEXT);
        assertThat(d.outputKind()).isEqualTo(OutputKind.TEXT);
        assertThat(d.featureCount()).isZero();
        assertThat(d.featureNames()).isEmpty();
        assertThat(d.labels()).isEmpty();
        // empty lists mean the same as absent ones
        assertThat(ModelDescriptor.parse(json(TEXT.replace("\"outputKind\"",
                "\"featureNames\":[],\"labels\":[],\"outputKind\"")))).isEqualTo(d);
        assertThat(ModelDescriptor.parse(json(TEXT.replace("\"text\",\"inputName", "\"TEXT\",\"inputName"))))
                .isEqualTo(d);
    }

    @Test
    void aTextDescriptorRoundTripsAndSaysItsKind() {
        ModelDescriptor d = ModelDescriptor.parse(json(TEXT)).withSha256("ab".repeat(32));
        String written = new String(d.toJson(), StandardCharsets.UTF_8);
        assertThat(written).contains("\"inputKind\" : \"text\"").contains("\"outputKind\" : \"text\"")
                .doesNotContain("featureNames").doesNotContain("labels");
        assertThat(ModelDescriptor.parse(d.toJson())).isEqualTo(d);
    }

    @Test
    void descriptorsWithoutInputKindTakeFeaturesAndAreWrittenAsBefore() throws Exception {
        assertThat(ModelDescriptor.parse(json(MINIMAL)).inputKind()).isEqualTo(InputKind.FEATURES);
        assertThat(ModelDescriptor.parse(json(MINIMAL.replace("\"future\"", "\"inputKind\"")
                .replace("\"ignored\"", "\"features\""))).inputKind()).isEqualTo(InputKind.FEATURES);
        // the shipped iris descriptor (written before text models existed) is regenerated byte for byte
        byte[] shipped;
        try (java.io.InputStream in = getClass().getResourceAsStream("/demo/iris.model.json")) {
            shipped = in.readAllBytes();
        }
        assertThat(new String(shipped, StandardCharsets.UTF_8)).doesNotContain("inputKind");
        assertThat(DemoEndpoints.irisDescriptor().toJson()).isEqualTo(shipped);
    }

    @Test
    void kindsThatDoNotGoTogetherAreRejected() {
        assertThatThrownBy(() -> ModelDescriptor.parse(json(TEXT.replace("\"outputKind\":\"text\"",
                "\"outputKind\":\"probabilities\""))))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("must have outputKind text");
        assertThatThrownBy(() -> ModelDescriptor.parse(json(MINIMAL.replace("logits", "text"))))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("outputKind text needs inputKind text");
        assertThatThrownBy(() -> ModelDescriptor.parse(json(TEXT.replace("\"outputKind\"",
                "\"featureNames\":[\"a\"],\"outputKind\""))))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("has no featureNames");
        assertThatThrownBy(() -> ModelDescriptor.parse(json(TEXT.replace("\"outputKind\"",
                "\"labels\":[\"a\"],\"outputKind\""))))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("has no labels");
        assertThatThrownBy(() -> ModelDescriptor.parse(json(TEXT.replace("\"text\",\"inputName",
                "\"image\",\"inputName"))))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("unknown input kind image");
        assertThatThrownBy(() -> ModelDescriptor.parse(json(TEXT.replace("\"text\",\"inputName", "7,\"inputName"))))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("inputKind must be a string");
        // a feature model still needs its feature names and labels
        assertThatThrownBy(() -> ModelDescriptor.parse(json(MINIMAL.replace("\"featureNames\":[\"a\",\"b\"],", ""))))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("featureNames must be an array");
    }
}
