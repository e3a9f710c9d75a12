package io.mlgate.pii;

import java.util.Objects;

/**
 * One piece of PII found in a payload: its type, the detector's confidence (0 to 1) and its span as byte offsets
 * {@code [start, end)} into the scanned bytes (the UTF-8 payload as received, so a redactor can replace exactly
 * those bytes). {@code field} names where it was found: the JSON field name (the nearest enclosing member name) or
 * the CSV column header (or {@code "column N"}, 1-based, without a header); {@code null} for plain text.
 * A finding never holds the value it found.
 */
public record Finding(PiiType type, double confidence, int start, int end, String field) {

    public Finding {
        Objects.requireNonNull(type, "type");
        if (!(confidence >= 0.0 && confidence <= 1.0)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1");
        }
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a finding's span must be non-empty");
        }
    }

    public int length() {
        return end - start;
    }
}
