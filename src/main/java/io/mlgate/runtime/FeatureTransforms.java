package io.mlgate.runtime;

import ai.onnx.proto.OnnxMl;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

import java.util.ArrayList;
import java.util.List;

/**
 * Feature-transform ONNX graphs for the inner steps of inference pipelines (unit conversion, standardisation):
 * {@code y = x * scale + shift} elementwise, written with Tribuo's ONNX writer so they run in ONNX Runtime like any
 * exported model, with descriptors of {@code outputKind: features}. The demo and the benchmarks use them; any ONNX
 * graph with one float input [batch, n] and one float output [batch, m] can be such a step.
 */
public final class FeatureTransforms {
    private FeatureTransforms() {
    }

    /** The ONNX bytes of {@code y = x * scale + shift} over {@code scale.length} features. */
    public static byte[] affine(String name, float[] scale, float[] shift) {
        if (scale.length == 0 || scale.length != shift.length) {
            throw new IllegalArgumentException("scale and shift need the same, non-zero length");
        }
        ONNXContext context = new ONNXContext();
        context.setName(name);
        ONNXPlaceholder input = context.floatInput(scale.length);
        ONNXPlaceholder output = context.floatOutput(scale.length);
        ONNXNode y = input.apply(ONNXOperators.MUL, context.array(name + "_scale", scale))
                .apply(ONNXOperators.ADD, context.array(name + "_shift", shift));
        y.assignTo(output);
        return model(context, "mlgate feature transform: x * scale + shift");
    }

    /** A model proto around a graph built in {@code context} (ONNX IR 8, the default opset Tribuo writes for). */
    public static byte[] model(ONNXContext context, String doc) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("mlgate")
                .setDocString(doc)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("")
                        .setVersion(ONNXOperators.ADD.getOpVersion()))
                .setGraph(context.buildGraph())
                .build().toByteArray();
    }

    /** The descriptor of a feature step with {@code width} input and output columns {@code c0..c(width-1)}. */
    public static ModelDescriptor descriptor(String name, int width) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            columns.add("c" + i);
        }
        return new ModelDescriptor(name, name + ".onnx", "input", "output", columns, columns, OutputKind.FEATURES,
                null, null, null, null);
    }
}
