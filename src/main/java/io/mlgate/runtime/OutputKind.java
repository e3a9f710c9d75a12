package io.mlgate.runtime;

import java.util.Locale;

/**
 * What a graph's output tensor holds: class probabilities already, raw scores (logits), features for the next
 * model of an inference pipeline (the descriptor's {@code labels} then name the output columns), or the one string
 * a text model answers with ({@link InputKind#TEXT} models only).
 */
public enum OutputKind {
    /** Each row is a probability distribution over the labels (e.g. the graph ends in Softmax). */
    PROBABILITIES("probabilities"),
    /** Each row holds unnormalised scores; serving applies a softmax. */
    LOGITS("logits"),
    /** Each row is a feature vector for the next step of an inference pipeline; not a classification. */
    FEATURES("features"),
    /** One string (a string tensor of one element), returned as the response body; the output of text models. */
    TEXT("text");

    private final String wireName;

    OutputKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in model descriptors: {@code probabilities}, {@code logits}, {@code features} or {@code text}. */
    public String wireName() {
        return wireName;
    }

    /** True for the kinds whose rows are classifications. */
    public boolean classifies() {
        return this == PROBABILITIES || this == LOGITS;
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
        throw new IllegalArgumentException("unknown output kind " + name
                + "; expected probabilities, logits, features or text");
    }
}
