package io.mlgate.pii.discovery;

import java.util.Locale;

/**
 * How a discovery job reads a file, chosen by its name: {@code .csv} by column (the first row is the header, kept
 * for every batch of rows), {@code .jsonl}/{@code .ndjson} line by line as JSON, {@code .json} as one JSON document
 * (by field), anything else as text.
 */
public enum FileFormat {
    CSV, JSONL, JSON, TEXT;

    /** The format of a file called {@code fileName}. */
    public static FileFormat of(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        if (name.endsWith(".json")) {
            return JSON;
        }
        return TEXT;
    }
}
