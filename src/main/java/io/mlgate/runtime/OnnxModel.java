package io.mlgate.runtime;

import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * A loaded ONNX model: an ONNX Runtime session created from in-memory bytes, checked against its
 * {@link ModelDescriptor}. A feature model classifies rows ({@link #predict}) or transforms them for the next
 * pipeline step ({@link #transform}); a text model ({@link InputKind#TEXT}) answers one string with one string
 * ({@link #generate}). Safe to call from many threads; {@link #close} waits for running calls and frees the native
 * session.
 */
public final class OnnxModel implements VariantModel {
    private static final float PROBABILITY_TOLERANCE = 1e-3f;

    private final ModelDescriptor descriptor;
    private final OrtSession session;
    private final Set<String> requestedOutputs;
    /** A text model's input shape, [1] or [1, 1] after the graph's declared rank; null for feature models. */
    private final long[] textShape;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxModel(ModelDescriptor descriptor, OrtSession session, long[] textShape) {
        this.descriptor = descriptor;
        this.session = session;
        this.requestedOutputs = Set.of(descriptor.outputName());
        this.textShape = textShape;
    }

    /**
     * Creates a session from the model bytes (never from a file) and checks that the graph has exactly one float
     * input named {@code descriptor.inputName()} of shape [batch, featureCount] and a float output named
     * {@code descriptor.outputName()} of shape [batch, labelCount] (a text model: exactly one string input of shape
     * [1] or [1, 1] and a string output of at most one element, each dimension 1 or dynamic); also checks the
     * SHA-256 digest when the descriptor pins one.
     *
     * @throws InvalidModelException if the bytes are not a loadable model or do not match the descriptor
     */
    public static OnnxModel fromBytes(byte[] onnx, ModelDescriptor descriptor) {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(descriptor, "descriptor");
        if (onnx.length == 0) {
            throw new InvalidModelException("model artifact " + descriptor.artifact() + " is empty");
        }
        if (descriptor.sha256() != null && !descriptor.sha256().equals(sha256Hex(onnx))) {
            throw new InvalidModelException("model artifact " + descriptor.artifact()
                    + " does not match the SHA-256 digest in its descriptor");
        }
        OrtSession session = OnnxSessions.open(onnx);
        try {
            if (descriptor.inputKind() == InputKind.TEXT) {
                long[] textShape = checkTextSignature(session, descriptor);
                return new OnnxModel(descriptor, session, textShape);
            }
            checkSignature(session, descriptor);
            return new OnnxModel(descriptor, session, null);
        } catch (RuntimeException e) {
            closeQuietly(session, e);
            throw e;
        }
    }

    /** The descriptor this model was checked against. */
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public InputKind inputKind() {
        return descriptor.inputKind();
    }

    /** Number of values each input row must have (0 for a text model). */
    @Override
    public int featureCount() {
        return descriptor.featureCount();
    }

    /** Class labels in output order. */
    public List<String> labels() {
        return descriptor.labels();
    }

    /**
     * Classifies each row (one float per feature, in descriptor order). Logits are turned into probabilities
     * with a softmax; probability outputs are checked to be distributions.
     *
     * @throws IllegalArgumentException if there are no rows or a row has the wrong length
     * @throws ModelInvocationException if ONNX Runtime fails, the output breaks the descriptor, or the model is closed
     */
    @Override
    public ClassificationResult[] predict(float[][] rows) {
        requireFeatures();
        if (!descriptor.outputKind().classifies()) {
            throw new ModelInvocationException("model " + descriptor.name()
                    + " outputs features, not classifications: it can only be an inner step of a pipeline");
        }
        int rowCount = rows.length;
        float[] scores = runChecked(rows);
        int labelCount = descriptor.labels().size();
        ClassificationResult[] results = new ClassificationResult[rowCount];
        float[] row = new float[labelCount];
        for (int r = 0; r < rowCount; r++) {
            System.arraycopy(scores, r * labelCount, row, 0, labelCount);
            results[r] = ClassificationResult.of(descriptor.labels(), toProbabilities(row, r));
        }
        return results;
    }

    /**
     * Runs the graph and returns its output rows as they are (one row per input row, one value per output column):
     * the step of an inference pipeline that feeds the next.
     *
     * @throws IllegalArgumentException if there are no rows or a row has the wrong length
     * @throws ModelInvocationException if ONNX Runtime fails, the output has another shape or holds NaN/Infinity
     */
    public float[][] transform(float[][] rows) {
        requireFeatures();
        int columns = descriptor.labels().size();
        float[] flat = runChecked(rows);
        float[][] out = new float[rows.length][columns];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(flat, r * columns, out[r], 0, columns);
            for (float v : out[r]) {
                if (!Float.isFinite(v)) {
                    throw new ModelInvocationException("model output row " + (r + 1) + " contains NaN or Infinity");
                }
            }
        }
        return out;
    }

    private void requireFeatures() {
        if (descriptor.inputKind() != InputKind.FEATURES) {
            throw new ModelInvocationException("model " + descriptor.name() + " is a text model: it takes one text, "
                    + "not feature rows");
        }
    }

    /**
     * Runs a text model: feeds {@code text} as a one-element string tensor (shape [1] or [1, 1], as the graph
     * declares) and returns the one string of its output.
     *
     * @throws ModelInvocationException if this is not a text model, ONNX Runtime fails, the output is not exactly one
     *                                  string, or the model is closed
     */
    @Override
    public String generate(String text) {
        Objects.requireNonNull(text, "text");
        if (textShape == null) {
            throw new ModelInvocationException("model " + descriptor.name() + " takes feature rows, not text");
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new ModelInvocationException("model " + descriptor.name() + " has been unloaded");
            }
            return runText(text);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private String runText(String text) {
        String outputName = descriptor.outputName();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OnnxSessions.environment(), new String[] {text},
                textShape.clone());
             OrtSession.Result result = session.run(Map.of(descriptor.inputName(), tensor), requestedOutputs)) {
            Optional<OnnxValue> value = result.get(outputName);
            if (value.isEmpty() || !(value.get() instanceof OnnxTensor output)) {
                throw new ModelInvocationException("model output " + outputName + " is missing or not a tensor");
            }
            TensorInfo info = output.getInfo();
            if (info.type != OnnxJavaType.STRING || info.getNumElements() != 1) {
                throw new ModelInvocationException("model output " + outputName + " has type " + info.type
                        + " and shape " + Arrays.toString(info.getShape()) + "; expected exactly one STRING");
            }
            return firstString(output.getValue());
        } catch (OrtException e) {
            throw new ModelInvocationException("ONNX Runtime failed to run model " + descriptor.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The single string of a one-element string tensor's value (a String, String[] or String[][]...). */
    private static String firstString(Object value) {
        Object current = value;
        while (current instanceof Object[] array && array.length == 1) {
            current = array[0];
        }
        if (current instanceof String s) {
            return s;
        }
        throw new ModelInvocationException("model output is not a single string");
    }

    private float[] runChecked(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        int featureCount = featureCount();
        if (rows.length == 0) {
            throw new IllegalArgumentException("at least one row is required");
        }
        FloatBuffer input = FloatBuffer.allocate(rows.length * featureCount);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != featureCount) {
                throw new IllegalArgumentException("row " + (r + 1) + " must have " + featureCount + " values");
            }
            input.put(rows[r]);
        }
        input.flip();
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new ModelInvocationException("model " + descriptor.name() + " has been unloaded");
            }
            return run(input, rows.length);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** True once {@link #close} has been called. */
    @Override
    public boolean isClosed() {
        lifecycle.readLock().lock();
        try {
            return closed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Frees the native session after in-flight predictions finish; later predictions fail. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close the session: " + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private float[] run(FloatBuffer input, int rowCount) {
        String inputName = descriptor.inputName();
        String outputName = descriptor.outputName();
        int labelCount = descriptor.labels().size();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OnnxSessions.environment(), input,
                new long[] {rowCount, featureCount()});
             OrtSession.Result result = session.run(Map.of(inputName, tensor), requestedOutputs)) {
            Optional<OnnxValue> value = result.get(outputName);
            if (value.isEmpty() || !(value.get() instanceof OnnxTensor output)) {
                throw new ModelInvocationException("model output " + outputName + " is missing or not a tensor");
            }
            TensorInfo info = output.getInfo();
            long[] shape = info.getShape();
            if (info.type != OnnxJavaType.FLOAT || shape.length != 2 || shape[0] != rowCount
                    || shape[1] != labelCount) {
                throw new ModelInvocationException("model output " + outputName + " has type " + info.type
                        + " and shape " + Arrays.toString(shape) + "; expected FLOAT [" + rowCount + ", "
                        + labelCount + "]");
            }
            FloatBuffer scores = output.getFloatBuffer();
            float[] flat = new float[rowCount * labelCount];
            scores.get(flat);
            return flat;
        } catch (OrtException e) {
            throw new ModelInvocationException("ONNX Runtime failed to run model " + descriptor.name() + ": "
                    + e.getMessage(), e);
        }
    }

    private float[] toProbabilities(float[] row, int rowIndex) {
        for (float v : row) {
            if (!Float.isFinite(v)) {
                throw new ModelInvocationException("model output row " + (rowIndex + 1) + " contains NaN or Infinity");
            }
        }
        if (descriptor.outputKind() == OutputKind.LOGITS) {
            return softmax(row);
        }
        float sum = 0f;
        for (float p : row) {
            if (p < -PROBABILITY_TOLERANCE || p > 1f + PROBABILITY_TOLERANCE) {
                throw new ModelInvocationException("model output row " + (rowIndex + 1)
                        + " is not a probability distribution (value " + p + ")");
            }
            sum += p;
        }
        if (Math.abs(sum - 1f) > PROBABILITY_TOLERANCE) {
            throw new ModelInvocationException("model output row " + (rowIndex + 1)
                    + " is not a probability distribution (sum " + sum + ")");
        }
        return row.clone();
    }

    private static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] exp = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            exp[i] = Math.exp((double) logits[i] - max);
            sum += exp[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (exp[i] / sum);
        }
        return out;
    }

    private static void checkSignature(OrtSession session, ModelDescriptor descriptor) {
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot describe the model: " + e.getMessage(), e);
        }
        if (inputs.size() != 1 || !inputs.containsKey(descriptor.inputName())) {
            throw new InvalidModelException("model " + descriptor.name() + " has inputs " + inputs.keySet()
                    + " but the descriptor expects exactly one input named " + descriptor.inputName());
        }
        checkMatrix(inputs.get(descriptor.inputName()), "input", descriptor.featureCount(),
                "the descriptor lists " + descriptor.featureCount() + " features", descriptor);
        NodeInfo output = outputs.get(descriptor.outputName());
        if (output == null) {
            throw new InvalidModelException("model " + descriptor.name() + " has outputs " + outputs.keySet()
                    + " but the descriptor names output " + descriptor.outputName());
        }
        checkMatrix(output, "output", descriptor.labels().size(),
                "the descriptor lists " + descriptor.labels().size() + " labels", descriptor);
    }

    private static void checkMatrix(NodeInfo node, String role, int columns, String expectation,
            ModelDescriptor descriptor) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new InvalidModelException("model " + descriptor.name() + " " + role + " " + node.getName()
                    + " is " + node.getInfo() + "; expected a float tensor");
        }
        long[] shape = tensor.getShape();
        if (shape.length != 2 || shape[0] > 0 || shape[1] != columns) {
            throw new InvalidModelException("model " + descriptor.name() + " " + role + " " + node.getName()
                    + " has shape " + Arrays.toString(shape) + " but " + expectation
                    + " (expected [-1, " + columns + "], a dynamic batch dimension)");
        }
    }

    /**
     * Checks a text model's graph: exactly one input, named as the descriptor says, a string tensor of rank 1 or 2
     * whose dimensions are 1 or dynamic; the named output a string tensor of rank at most 2, dimensions 1 or dynamic.
     *
     * @return the shape the text is fed in: [1] or [1, 1]
     */
    private static long[] checkTextSignature(OrtSession session, ModelDescriptor descriptor) {
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot describe the model: " + e.getMessage(), e);
        }
        if (inputs.size() != 1 || !inputs.containsKey(descriptor.inputName())) {
            throw new InvalidModelException("model " + descriptor.name() + " has inputs " + inputs.keySet()
                    + " but the descriptor expects exactly one input named " + descriptor.inputName());
        }
        long[] in = checkOneString(inputs.get(descriptor.inputName()), "input", descriptor);
        if (in.length != 1 && in.length != 2) {
            throw new InvalidModelException("model " + descriptor.name() + " input " + descriptor.inputName()
                    + " has shape " + Arrays.toString(in) + "; a text model's input is [1] or [1, 1]");
        }
        NodeInfo output = outputs.get(descriptor.outputName());
        if (output == null) {
            throw new InvalidModelException("model " + descriptor.name() + " has outputs " + outputs.keySet()
                    + " but the descriptor names output " + descriptor.outputName());
        }
        long[] out = checkOneString(output, "output", descriptor);
        if (out.length > 2) {
            throw new InvalidModelException("model " + descriptor.name() + " output " + descriptor.outputName()
                    + " has shape " + Arrays.toString(out) + "; a text model's output is one string");
        }
        long[] feed = new long[in.length];
        Arrays.fill(feed, 1);
        return feed;
    }

    /** The shape of a string tensor whose dimensions are all 1 or dynamic (-1); refuses anything else. */
    private static long[] checkOneString(NodeInfo node, String role, ModelDescriptor descriptor) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.STRING) {
            throw new InvalidModelException("model " + descriptor.name() + " " + role + " " + node.getName()
                    + " is " + node.getInfo() + "; a text model (inputKind text) needs a string tensor");
        }
        long[] shape = tensor.getShape();
        for (long d : shape) {
            if (d != 1 && d >= 0) {
                throw new InvalidModelException("model " + descriptor.name() + " " + role + " " + node.getName()
                        + " has shape " + Arrays.toString(shape) + "; a text model's " + role
                        + " holds one string (every dimension 1 or dynamic)");
            }
        }
        return shape;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void closeQuietly(OrtSession session, RuntimeException primary) {
        try {
            session.close();
        } catch (OrtException e) {
            primary.addSuppressed(e);
        }
    }
}
