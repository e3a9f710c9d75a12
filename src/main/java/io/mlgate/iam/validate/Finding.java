package io.mlgate.iam.validate;

import java.util.Objects;

import io.mlgate.iam.json.SourcePosition;

/**
 * One result of validating a policy: its severity, a stable code (see {@link FindingCode}), a message, where it is in
 * the source and its JSON path such as {@code Statement[1].Action[0]} (empty for the whole document).
 */
public record Finding(Severity severity, String code, String message, SourcePosition position, String path) {

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(path, "path");
    }

    static Finding of(FindingCode code, SourcePosition position, String path, String message) {
        return new Finding(code.severity(), code.name(), message, position, path);
    }

    /** Renders as {@code source:line:column SEVERITY CODE path: message}, the CLI's line format. */
    @Override
    public String toString() {
        return position + " " + severity + " " + code + " " + (path.isEmpty() ? "(document)" : path) + ": " + message;
    }
}
