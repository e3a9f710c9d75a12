package io.mlgate.audit.integrity;

import java.util.Objects;

/** One problem found by trail validation: its kind, the file (relative to the audit folder) and what was wrong. */
public record TrailProblem(ProblemType type, String file, String detail) {

    public TrailProblem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return type + " " + file + ": " + detail;
    }
}
