package io.mlgate.audit.export;

import java.util.Locale;

/** The format of the derived events file of a bundle, with the name of its zip entry. */
public enum ExportFormat {
    /** The records exactly as stored, one compact JSON object per line. */
    JSONL("jsonl", "events.jsonl"),
    /** RFC 4180 CSV with a fixed header (see {@link CsvEvents#COLUMNS}), CRLF line ends. */
    CSV("csv", "events.csv"),
    /** One OCSF 1.1 API Activity (class 6003) event per line. */
    OCSF("ocsf", "events.ocsf.jsonl");

    private final String wireName;
    private final String entryName;

    ExportFormat(String wireName, String entryName) {
        this.wireName = wireName;
        this.entryName = entryName;
    }

    /** The name used on the command line and in the manifest: {@code jsonl}, {@code csv} or {@code ocsf}. */
    public String wireName() {
        return wireName;
    }

    /** The zip entry holding the derived events. */
    public String entryName() {
        return entryName;
    }

    /**
     * The format named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static ExportFormat fromWireName(String name) {
        if (name != null) {
            String n = name.toLowerCase(Locale.ROOT);
            for (ExportFormat f : values()) {
                if (f.wireName.equals(n)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("unknown export format '" + name + "' (expected jsonl, csv or ocsf)");
    }
}
