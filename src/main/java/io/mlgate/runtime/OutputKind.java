package io.mlgate.runtime;

import java.util.Locale;

/** What a classifier graph's output tensor holds: class probabilities already, or raw scores (logits). */
public enum OutputKind {
    /** Each row is a probability distribution over the labels (e.g. the graph ends in Softmax). */
    PROBABILITIES("probabilities"),
    /** Each row holds unnormalised scores; serving applies a softmax. */
    LOGITS("logits");

    private final String wireName;

    OutputKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in model descriptors ({@code "probabilities"} or {@code "logits"}). */
    public String wireName() {
        return wireName;
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
        throw new IllegalArgumentException("unknown output kind " + name + "; expected probabilities or logits");
    }
}
