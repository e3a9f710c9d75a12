package io.mlgate.iam.json;

import java.util.Objects;

/** One thing wrong with a configuration source, with where it is; renders as {@code file:line:column: message}. */
public record ConfigurationProblem(SourcePosition position, String message) {

    public ConfigurationProblem {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return position + ": " + message;
    }
}
