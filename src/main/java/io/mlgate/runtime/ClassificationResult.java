package io.mlgate.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One row's classification: a probability for every class label (in the model's label order) and the most likely
 * label. Immutable.
 */
public final class ClassificationResult {
    private final List<String> labels;
    private final float[] probabilities;
    private final int predictedIndex;

    private ClassificationResult(List<String> labels, float[] probabilities) {
        this.labels = labels;
        this.probabilities = probabilities;
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        this.predictedIndex = best;
    }

    /**
     * Builds a result from labels and their probabilities (same length, finite values); the array is copied.
     * Ties go to the label listed first.
     */
    public static ClassificationResult of(List<String> labels, float[] probabilities) {
        List<String> labelCopy = List.copyOf(labels);
        Objects.requireNonNull(probabilities, "probabilities");
        if (labelCopy.isEmpty() || labelCopy.size() != probabilities.length) {
            throw new IllegalArgumentException("need one probability per label: " + labelCopy.size()
                    + " labels, " + probabilities.length + " probabilities");
        }
        for (float p : probabilities) {
            if (!Float.isFinite(p)) {
                throw new IllegalArgumentException("probabilities must be finite");
            }
        }
        return new ClassificationResult(labelCopy, probabilities.clone());
    }

    /** The label with the highest probability. */
    public String predictedLabel() {
        return labels.get(predictedIndex);
    }

    /** Index of {@link #predictedLabel()} in {@link #labels()}. */
    public int predictedIndex() {
        return predictedIndex;
    }

    /** Class labels in the model's output order. */
    public List<String> labels() {
        return labels;
    }

    /** A copy of the probabilities, aligned with {@link #labels()}. */
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** Probability of the label at {@code index}. */
    public float probability(int index) {
        return probabilities[index];
    }

    /** Probability of the given label. */
    public float probability(String label) {
        int index = labels.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException("unknown label " + label);
        }
        return probabilities[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationResult other
                && labels.equals(other.labels)
                && Arrays.equals(probabilities, other.probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * labels.hashCode() + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "ClassificationResult[" + predictedLabel() + ", " + labels + "=" + Arrays.toString(probabilities) + "]";
    }
}
