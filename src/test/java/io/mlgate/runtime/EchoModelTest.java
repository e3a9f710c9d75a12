package io.mlgate.runtime;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The echo model in ONNX Runtime: a real Identity graph on a string tensor, and the text-model signature checks. */
class EchoModelTest {

    static OnnxModel echo(long... shape) {
        byte[] onnx = EchoModel.onnx("echo", shape);
        return OnnxModel.fromBytes(onnx, EchoModel.descriptor("echo", onnx));
    }

    @Test
    void echoesJsonTextExactly() {
        try (OnnxModel model = echo(1)) {
            assertThat(model.inputKind()).isEqualTo(InputKind.TEXT);
            assertThat(model.featureCount()).isZero();
            assertThat(model.generate("{\"text\":\"hello\"}")).isEqualTo("{\"text\":\"hello\"}");
        }
    }

    @Test
    void echoesNonAsciiTextToTheSameUtf8Bytes() {
        String text = "{\"name\":\"Zoë Ångström\",\"city\":\"東京\",\"note\":\"naïve café 😀 \\u00e9\",\"greek\":\"Ωμέγα\"}"
                + "\ttab\r\nnew line \u2028 \uFEFF";
        try (OnnxModel model = echo(1)) {
            String answer = model.generate(text);
            assertThat(answer).isEqualTo(text);
            assertThat(answer.getBytes(StandardCharsets.UTF_8)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
            assertThat(model.generate("x")).isEqualTo("x");
            assertThat(model.generate("nul \u0000 inside")).isEqualTo("nul \u0000 inside");
            assertThat(model.generate("")).isEqualTo("");
        }
    }

    @Test
    void echoesAMegabyteOfText() {
        String big = "abcdéfgh😀".repeat(100_000);
        try (OnnxModel model = echo(1)) {
            assertThat(model.generate(big)).isEqualTo(big);
        }
    }

    @Test
    void everyOneElementShapeIsFedAndAnswered() {
        for (long[] shape : List.of(new long[]{1, 1}, new long[]{-1}, new long[]{-1, 1}, new long[]{-1, -1})) {
            try (OnnxModel model = echo(shape)) {
                assertThat(model.generate("ünïcode")).as("shape %s", java.util.Arrays.toString(shape))
                        .isEqualTo("ünïcode");
            }
        }
    }

    @Test
    void theBuilderRefusesShapesOfMoreThanOneElement() {
        assertThatThrownBy(() -> EchoModel.onnx("echo", 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither 1 nor -1");
        assertThat(EchoModel.onnx("echo")).isNotEmpty();
        assertThatThrownBy(() -> EchoModel.onnx("echo", new long[0])).isInstanceOf(IllegalArgumentException.class);
    }

    /** The echo graph with its input (or output) shape replaced, written directly in the ONNX protobuf. */
    static byte[] reshaped(boolean input, long... dims) throws Exception {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(EchoModel.onnx("echo")).toBuilder();
        OnnxMl.ValueInfoProto.Builder value = input ? model.getGraphBuilder().getInputBuilder(0)
                : model.getGraphBuilder().getOutputBuilder(0);
        OnnxMl.TensorShapeProto.Builder shape = value.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.clearDim();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("n")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return model.build().toByteArray();
    }

    @Test
    void aTextModelWhoseTensorsHoldMoreThanOneStringIsRefused() throws Exception {
        byte[] wide = reshaped(true, 2);
        assertThatThrownBy(() -> OnnxModel.fromBytes(wide, EchoModel.descriptor("echo", wide)))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("input text has shape [2]");
        byte[] deep = reshaped(true, 1, 1, 1);
        assertThatThrownBy(() -> OnnxModel.fromBytes(deep, EchoModel.descriptor("echo", deep)))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("[1] or [1, 1]");
        byte[] fine = reshaped(false, -1);
        try (OnnxModel model = OnnxModel.fromBytes(fine, EchoModel.descriptor("echo", fine))) {
            assertThat(model.generate("ok")).isEqualTo("ok");
        }
    }

    /** Concat(text, text) on axis 0: two strings out, declared [2] (static input [1]) or unknown (dynamic input). */
    static byte[] doubled(boolean dynamicInput) throws Exception {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(dynamicInput ? EchoModel.onnx("echo", -1)
                : EchoModel.onnx("echo")).toBuilder();
        OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        graph.setNode(0, OnnxMl.NodeProto.newBuilder().setOpType("Concat").addInput(EchoModel.INPUT)
                .addInput(EchoModel.INPUT).addOutput(EchoModel.OUTPUT).addAttribute(OnnxMl.AttributeProto
                        .newBuilder().setName("axis").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
        OnnxMl.TensorShapeProto.Builder out = graph.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                .getShapeBuilder().clearDim();
        out.addDim(dynamicInput ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("m")
                : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(2));
        return model.build().toByteArray();
    }

    @Test
    void anOutputOfTwoStringsIsRefusedAtLoadOrAtTheCall() throws Exception {
        byte[] declared = doubled(false);
        assertThatThrownBy(() -> OnnxModel.fromBytes(declared, EchoModel.descriptor("echo", declared)))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("output echo has shape [2]");
        byte[] hidden = doubled(true);
        try (OnnxModel model = OnnxModel.fromBytes(hidden, EchoModel.descriptor("echo", hidden))) {
            assertThatThrownBy(() -> model.generate("twice")).isInstanceOf(ModelInvocationException.class)
                    .hasMessageContaining("shape [2]").hasMessageContaining("expected exactly one STRING");
        }
    }

    @Test
    void kindsMustMatchTheGraph() throws Exception {
        byte[] iris = DemoEndpoints.classpathArtifacts().load("iris.onnx");
        ModelDescriptor textOnIris = ModelDescriptor.text("iris", "iris.onnx", "input", "output", null, null, null);
        assertThatThrownBy(() -> OnnxModel.fromBytes(iris, textOnIris)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("needs a string tensor");
        byte[] onnx = EchoModel.onnx("echo");
        ModelDescriptor featuresOnEcho = new ModelDescriptor("echo", "echo.onnx", EchoModel.INPUT, EchoModel.OUTPUT,
                List.of("a"), List.of("b"), OutputKind.FEATURES, null, null, null, null);
        assertThatThrownBy(() -> OnnxModel.fromBytes(onnx, featuresOnEcho)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("expected a float tensor");
        ModelDescriptor wrongName = ModelDescriptor.text("echo", "echo.onnx", "input", EchoModel.OUTPUT, null, null,
                null);
        assertThatThrownBy(() -> OnnxModel.fromBytes(onnx, wrongName)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("exactly one input named input");
        ModelDescriptor wrongOutput = ModelDescriptor.text("echo", "echo.onnx", EchoModel.INPUT, "out", null, null,
                null);
        assertThatThrownBy(() -> OnnxModel.fromBytes(onnx, wrongOutput)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("names output out");
    }

    @Test
    void theDescriptorPinsTheGraphsDigest() {
        byte[] onnx = EchoModel.onnx("echo");
        ModelDescriptor d = EchoModel.descriptor("echo", onnx);
        assertThat(d.sha256()).isEqualTo(OnnxModel.sha256Hex(onnx));
        byte[] other = EchoModel.onnx("echo", 1, 1);
        assertThatThrownBy(() -> OnnxModel.fromBytes(other, d)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("SHA-256");
        // the same name and shape give the same bytes: regenerating is reproducible
        assertThat(EchoModel.onnx("echo")).isEqualTo(onnx);
    }

    @Test
    void aTextModelRefusesRowsAndAFeatureModelRefusesText() throws Exception {
        try (OnnxModel model = echo(1)) {
            assertThatThrownBy(() -> model.predict(new float[][]{{1f}})).isInstanceOf(ModelInvocationException.class)
                    .hasMessageContaining("is a text model");
            assertThatThrownBy(() -> model.transform(new float[][]{{1f}}))
                    .isInstanceOf(ModelInvocationException.class);
        }
        try (OnnxModel iris = OnnxModel.fromBytes(DemoEndpoints.classpathArtifacts().load("iris.onnx"),
                DemoEndpoints.irisDescriptor())) {
            assertThat(iris.inputKind()).isEqualTo(InputKind.FEATURES);
            assertThatThrownBy(() -> iris.generate("hello")).isInstanceOf(ModelInvocationException.class)
                    .hasMessageContaining("takes feature rows, not text");
        }
    }

    @Test
    void aClosedTextModelRefusesToAnswer() {
        OnnxModel model = echo(1);
        model.close();
        assertThatThrownBy(() -> model.generate("hi")).isInstanceOf(ModelInvocationException.class)
                .hasMessageContaining("unloaded");
    }

    @Test
    void writesTheModelAndItsDescriptorForUpload(@TempDir Path dir) throws Exception {
        EchoModel.Written w = EchoModel.write(dir.resolve("out"), "echo-2", 1, 1);
        assertThat(w.onnx()).isEqualTo(dir.resolve("out/echo-2.onnx"));
        ModelDescriptor d = ModelDescriptor.parse(Files.readAllBytes(w.descriptor()));
        assertThat(d.inputKind()).isEqualTo(InputKind.TEXT);
        assertThat(d.outputKind()).isEqualTo(OutputKind.TEXT);
        assertThat(d.artifact()).isEqualTo("echo-2.onnx");
        try (OnnxModel model = OnnxModel.fromBytes(Files.readAllBytes(w.onnx()), d)) {
            assertThat(model.generate("round trip")).isEqualTo("round trip");
        }
        assertThatThrownBy(() -> EchoModel.write(dir, "../evil")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid model name");
    }
}
