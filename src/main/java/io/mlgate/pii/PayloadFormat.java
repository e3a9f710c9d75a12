package io.mlgate.pii;

import java.util.Locale;

/** How a payload is scanned: JSON by field, CSV by column, anything else as plain text. */
public enum PayloadFormat {
    JSON, CSV, TEXT;

    /**
     * The format a content type names: {@code application/json} and {@code application/*+json} (and
     * {@code application/jsonlines}) are JSON, {@code text/csv} is CSV, anything else (including none) is TEXT.
     * Parameters such as {@code charset} are ignored.
     */
    public static PayloadFormat of(String contentType) {
        if (contentType == null) {
            return TEXT;
        }
        String t = contentType;
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi);
        }
        t = t.trim().toLowerCase(Locale.ROOT);
        if (t.equals("application/json") || t.endsWith("+json") || t.equals("application/jsonlines")
                || t.equals("application/x-ndjson")) {
            return JSON;
        }
        if (t.equals("text/csv")) {
            return CSV;
        }
        return TEXT;
    }
}
