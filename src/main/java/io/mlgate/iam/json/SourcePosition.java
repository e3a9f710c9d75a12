package io.mlgate.iam.json;

import java.util.Objects;

/** A place in a configuration source: the source name (usually a file path relative to policies/), line and column, both 1-based. */
public record SourcePosition(String source, int line, int column) {

    public SourcePosition {
        Objects.requireNonNull(source, "source");
    }

    /** A position for problems that concern a whole source (line and column unknown, reported as 0). */
    public static SourcePosition wholeSource(String source) {
        return new SourcePosition(source, 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column : source;
    }
}
