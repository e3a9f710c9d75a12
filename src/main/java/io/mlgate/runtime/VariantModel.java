package io.mlgate.runtime;

/**
 * What a production variant runs: one ONNX model ({@link OnnxModel}), a classifier on a batch of rows or a text
 * model on one text, or an inference pipeline of classifiers ({@link ModelPipeline}). Thread-safe; {@link #close}
 * waits for running predictions.
 */
public interface VariantModel extends AutoCloseable {

    /** What the model takes: feature rows ({@link #predict}) or one text ({@link #generate}). */
    InputKind inputKind();

    /** Number of values each input row must have (0 for a text model). */
    int featureCount();

    /**
     * Runs a text model ({@link InputKind#TEXT}) on one text and returns the text it answers.
     *
     * @throws ModelInvocationException if the model is not a text model, fails, returns something else than one
     *                                  string, or is closed
     */
    String generate(String text);

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
