package io.mlgate.pii.discovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import io.mlgate.pii.PiiType;

/**
 * What the scan of one file found so far: counts by type and by field, the first few locations. Memory is bounded
 * whatever the file holds: at most {@link #MAX_FIELDS} distinct fields (the rest are counted under
 * {@link #OTHER_FIELDS}) and {@link #MAX_SAMPLES} samples. Field names go through the name masker before they are
 * kept, so a field name that is itself PII (a JSON key that is an e-mail address) never reaches the report.
 */
final class FileFindings {

    /** Samples kept per type. */
    static final int SAMPLES_PER_TYPE = 5;
    /** Samples kept per file. */
    static final int MAX_SAMPLES = 50;
    /** Distinct fields counted per file. */
    static final int MAX_FIELDS = 1000;
    /** The field the findings of fields beyond {@link #MAX_FIELDS} are counted under. */
    static final String OTHER_FIELDS = "(other fields)";

    private final String path;
    private final FileFormat format;
    private final UnaryOperator<String> names;
    private final SortedMap<String, Long> counts = new TreeMap<>();
    private final Map<String, SortedMap<String, Long>> fields = new LinkedHashMap<>();
    private final Map<String, String> maskedFields = new LinkedHashMap<>();
    private final List<DiscoveryReport.Sample> samples = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long findings;
    /** The end (file byte offset) of the last counted finding: chunks overlap, a finding is counted once. */
    long lastCountedEnd;
    /** The size of an in-memory document (model store metadata), which is reported instead of bytes read. */
    long documentBytes;

    FileFindings(String path, FileFormat format, UnaryOperator<String> names) {
        this.path = path;
        this.format = format;
        this.names = names;
    }

    void add(PiiType type, String field, long line, long byteOffset, long byteEnd) {
        lastCountedEnd = byteEnd;
        findings++;
        String t = type.name();
        counts.merge(t, 1L, Long::sum);
        String shown = field == null ? null : maskedField(field);
        if (shown != null) {
            SortedMap<String, Long> byType = fields.get(shown);
            if (byType == null) {
                if (fields.size() >= MAX_FIELDS) {
                    shown = OTHER_FIELDS;
                    byType = fields.computeIfAbsent(OTHER_FIELDS, k -> new TreeMap<>());
                } else {
                    byType = new TreeMap<>();
                    fields.put(shown, byType);
                }
            }
            byType.merge(t, 1L, Long::sum);
        }
        if (samples.size() < MAX_SAMPLES && counts.get(t) <= SAMPLES_PER_TYPE) {
            samples.add(new DiscoveryReport.Sample(t, line, shown, byteOffset));
        }
    }

    private String maskedField(String field) {
        String shown = maskedFields.get(field);
        if (shown == null) {
            shown = names.apply(field);
            if (maskedFields.size() < 4 * MAX_FIELDS) {
                maskedFields.put(field, shown);
            }
        }
        return shown;
    }

    void note(String text) {
        if (!notes.contains(text)) {
            notes.add(text);
        }
    }

    long findings() {
        return findings;
    }

    SortedMap<String, Long> counts() {
        return counts;
    }

    DiscoveryReport.FileReport report(long bytes) {
        return new DiscoveryReport.FileReport(path, format, bytes, findings, counts, fields, samples, notes);
    }
}
