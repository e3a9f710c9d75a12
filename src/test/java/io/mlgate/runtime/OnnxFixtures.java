package io.mlgate.runtime;

import ai.onnx.proto.OnnxMl;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real ONNX graphs for pipeline tests, built with Tribuo's ONNX writer: feature transforms that run in ONNX
 * Runtime like any model, and their descriptors.
 */
public final class OnnxFixtures {
    private OnnxFixtures() {
    }

    /** {@code y = x * scale + shift}, elementwise over {@code width} features. */
    public static byte[] affine(String name, float[] scale, float[] shift) {
        return FeatureTransforms.affine(name, scale, shift);
    }

    /**
     * Declares {@code [batch, width]} out but returns every row twice ({@code Concat(x, x)} on the batch axis): a
     * step whose output shape is wrong only when it runs.
     */
    public static byte[] rowDoubler(String name, int width) {
        ONNXContext context = new ONNXContext();
        context.setName(name);
        ONNXPlaceholder input = context.floatInput(width);
        ONNXPlaceholder output = context.floatOutput(width);
        ONNXNode doubled = input.apply(ONNXOperators.CONCAT, input, Map.of("axis", 0));
        doubled.assignTo(output);
        return model(context);
    }

    private static byte[] model(ONNXContext context) {
        return FeatureTransforms.model(context, "mlgate test fixture");
    }

    /** The descriptor of a feature-transform step whose input and output columns are {@code columns}. */
    public static ModelDescriptor featuresDescriptor(String name, int width) {
        return FeatureTransforms.descriptor(name, width);
    }
}
