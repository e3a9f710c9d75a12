package io.mlgate.runtime;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The echo model: a real ONNX graph, one {@code Identity} node on a string tensor, that answers every text with the
 * same text. It is the test model of the PII layer (issue 8): whatever an endpoint serving it returns is exactly
 * what the model received, so a test can see whether the model got the caller's input or a redacted one. Built here
 * from ONNX's protobuf classes (shipped with Tribuo's ONNX writer), never committed: {@code ./mlgate demo
 * echo-model --out DIR} and the tests write it on demand.
 *
 * <p>Graph: input {@value #INPUT} (string, shape [1] by default, or another shape of one element such as [1, 1];
 * -1 makes a dimension dynamic), node {@code Identity}, output {@value #OUTPUT} of the same shape. Its descriptor
 * ({@link #descriptor}) has {@code inputKind} and {@code outputKind} {@code text} and pins the artifact's SHA-256.
 */
public final class EchoModel {
    /** The default model name (files {@code echo.onnx} and {@code echo.model.json}). */
    public static final String NAME = "echo";
    /** The graph's input tensor. */
    public static final String INPUT = "text";
    /** The graph's output tensor. */
    public static final String OUTPUT = "echo";
    /** The command that writes the files. */
    public static final String COMMAND = "./mlgate demo echo-model --out DIR";

    private static final long ONNX_IR_VERSION = 8;
    private static final long OPSET = 13;

    private EchoModel() {
    }

    /** The model and its descriptor as written to disk. */
    public record Written(Path onnx, Path descriptor) {
    }

    /** The ONNX bytes of the echo graph with input and output shape [1]. */
    public static byte[] onnx(String name) {
        return onnx(name, 1);
    }

    /**
     * The ONNX bytes of the echo graph, input and output of the given shape (each dimension 1, or -1 for a dynamic
     * dimension named {@code dN}).
     *
     * @throws IllegalArgumentException if the name is blank, the shape empty or a dimension neither 1 nor -1
     */
    public static byte[] onnx(String name, long... shape) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the model needs a name");
        }
        Objects.requireNonNull(shape, "shape");
        if (shape.length == 0) {
            throw new IllegalArgumentException("the shape needs at least one dimension");
        }
        OnnxMl.TensorShapeProto.Builder dims = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                dims.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1));
            } else if (shape[i] == -1) {
                dims.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
            } else {
                throw new IllegalArgumentException("dimension " + shape[i] + " is neither 1 nor -1 (dynamic)");
            }
        }
        OnnxMl.TypeProto stringTensor = OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.STRING_VALUE)
                        .setShape(dims))
                .build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName(name)
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName(INPUT).setType(stringTensor))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(OUTPUT).setType(stringTensor))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("echo").setOpType("Identity")
                        .addInput(INPUT).addOutput(OUTPUT))
                .build();
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(ONNX_IR_VERSION)
                .setProducerName("mlgate")
                .setDocString("mlgate echo model: Identity on a string tensor (the test model of the PII layer)")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build().toByteArray();
    }

    /** The descriptor of echo model bytes {@code onnx} named {@code name}: text in and out, SHA-256 pinned. */
    public static ModelDescriptor descriptor(String name, byte[] onnx) {
        return ModelDescriptor.text(name, name + ".onnx", INPUT, OUTPUT, OnnxModel.sha256Hex(onnx),
                "none: ONNX Identity on a string tensor, built by io.mlgate.runtime.EchoModel", COMMAND);
    }

    /**
     * Writes {@code NAME.onnx} and {@code NAME.model.json} into {@code dir} (created if needed), replacing earlier
     * files; the graph is checked in ONNX Runtime against its descriptor first.
     *
     * @throws IllegalArgumentException if the name is not a model name (letters, digits, inner hyphens, at most 63)
     *                                  or the shape is not one of one element
     * @throws InvalidModelException    if ONNX Runtime does not accept the graph (a bug here, not an input error)
     */
    public static Written write(Path dir, String name, long... shape) throws IOException {
        if (!UploadedModels.validName(name)) {
            throw new IllegalArgumentException("invalid model name " + name
                    + ": letters, digits and inner hyphens, at most 63");
        }
        byte[] onnx = onnx(name, shape);
        ModelDescriptor descriptor = descriptor(name, onnx);
        try (OnnxModel checked = OnnxModel.fromBytes(onnx, descriptor)) {
            Objects.requireNonNull(checked);
        }
        Files.createDirectories(dir);
        Path model = dir.resolve(descriptor.artifact());
        Path json = dir.resolve(name + ".model.json");
        Files.write(model, onnx);
        Files.write(json, descriptor.toJson());
        return new Written(model, json);
    }
}
