package io.mlgate.runtime;

import java.util.Locale;

/**
 * What a graph's output tensor holds: class probabilities already, raw scores (logits), or features for the next
 * model of an inference pipeline (the descriptor's {@code labels} then name the output columns).
 */
public enum OutputKind {
    /** Each row is a probability distribution over the labels (e.g. the graph ends in Softmax). */
    PROBABILITIES("probabilities"),
    /** Each row holds unnormalised scores; serving applies a softmax. */
    LOGITS("logits"),
    /** Each row is a feature vector for the next step of an inference pipeline; not a classification. */
    FEATURES("features");

    private final String wireName;

    OutputKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in model descriptors ({@code "probabilities"} or {@code "logits"}). */
    public String wireName() {
        return wireName;
    }

    /** True for the kinds whose rows are classifications. */
    public boolean classifies() {
        return this != FEATURES;
    }

    /** Looks up a kind by its descriptor name, case-insensitively. */
    public static OutputKind fromWireName(String name) {
        if (name != null) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (OutputKind kind : values()) {
                if (kind.wireName.equals(lower)) {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("unknown output kind " + name + "; expected probabilities, logits or features");
    }
}
