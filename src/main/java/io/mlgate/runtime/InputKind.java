package io.mlgate.runtime;

import java.util.Locale;

/**
 * What a model takes as input, and so how an InvokeEndpoint body is decoded for it: rows of numeric features (the
 * classifiers and feature steps; {@link InvocationInput#parse}) or one UTF-8 text ({@link InvocationInput#text}), fed
 * to the graph as a one-element ONNX string tensor. A descriptor without {@code inputKind} takes features, so
 * descriptors written before text models existed keep their meaning.
 */
public enum InputKind {
    /** CSV or JSON rows of numbers into a float tensor {@code [batch, featureCount]}. */
    FEATURES("features"),
    /** The request body as one UTF-8 string into a string tensor of shape {@code [1]} or {@code [1, 1]}. */
    TEXT("text");

    private final String wireName;

    InputKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in model descriptors ({@code "features"} or {@code "text"}). */
    public String wireName() {
        return wireName;
    }

    /** Looks up a kind by its descriptor name, case-insensitively. */
    public static InputKind fromWireName(String name) {
        if (name != null) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (InputKind kind : values()) {
                if (kind.wireName.equals(lower)) {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("unknown input kind " + name + "; expected features or text");
    }
}
