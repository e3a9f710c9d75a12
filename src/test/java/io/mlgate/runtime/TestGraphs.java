package io.mlgate.runtime;

import java.util.List;

import ai.onnx.proto.OnnxMl;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/** Small hand-built ONNX graphs for tests: y = x * W + b, optionally followed by Softmax. */
final class TestGraphs {
    private TestGraphs() {
    }

    static byte[] linear(float[][] weights, float[] bias, boolean softmax) {
        int in = weights.length;
        int out = bias.length;
        ONNXContext ctx = new ONNXContext();
        ctx.setName("test-linear");
        ONNXPlaceholder x = ctx.floatInput(in);
        ONNXPlaceholder y = ctx.floatOutput(out);
        ONNXInitializer w = ctx.floatTensor("w", List.of(in, out), buf -> {
            for (float[] row : weights) {
                buf.put(row);
            }
        });
        ONNXInitializer b = ctx.array("b", bias);
        ONNXNode scores = x.apply(ONNXOperators.GEMM, List.of(w, b));
        (softmax ? scores.apply(ONNXOperators.SOFTMAX, java.util.Map.of("axis", 1)) : scores).assignTo(y);
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(6)
                .setProducerName("mlgate-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13).build())
                .setGraph(ctx.buildGraph())
                .build()
                .toByteArray();
    }

    static ModelDescriptor descriptor(int features, List<String> labels, OutputKind kind) {
        List<String> names = java.util.stream.IntStream.range(0, features).mapToObj(i -> "x" + i).toList();
        return new ModelDescriptor("test", "test.onnx", "input", "output", names, labels, kind, null, null, null,
                null);
    }
}
