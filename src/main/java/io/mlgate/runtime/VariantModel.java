package io.mlgate.runtime;

/**
 * What a production variant runs on a batch of rows: one ONNX classifier ({@link OnnxModel}) or an inference
 * pipeline of them ({@link ModelPipeline}). Thread-safe; {@link #close} waits for running predictions.
 */
public interface VariantModel extends AutoCloseable {

    /** Number of values each input row must have. */
    int featureCount();

    /**
     * Classifies each row.
     *
     * @throws IllegalArgumentException if there are no rows or a row has the wrong length
     * @throws ModelInvocationException if a model fails or returns something it should not, or is closed
     */
    ClassificationResult[] predict(float[][] rows);

    /** True once closed. */
    boolean isClosed();

    @Override
    void close();
}
