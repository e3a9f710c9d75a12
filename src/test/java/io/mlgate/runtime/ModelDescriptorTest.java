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
}
