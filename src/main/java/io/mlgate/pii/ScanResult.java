package io.mlgate.pii;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one scan found: the findings in payload order with non-overlapping spans (where detectors overlap, the more
 * confident finding, then the longer one, wins), and the format the payload was scanned as, which the
 * {@link Redactor} needs to keep the payload well-formed. Holds spans, never values.
 */
public final class ScanResult {

    private static final ScanResult[] EMPTY = new ScanResult[PayloadFormat.values().length];

    static {
        for (PayloadFormat f : PayloadFormat.values()) {
            EMPTY[f.ordinal()] = new ScanResult(f, List.of());
        }
    }

    private final PayloadFormat format;
    private final List<Finding> findings;

    ScanResult(PayloadFormat format, List<Finding> findings) {
        this.format = Objects.requireNonNull(format, "format");
        this.findings = Collections.unmodifiableList(findings);
    }

    /** A result with no findings (shared instances). */
    public static ScanResult empty(PayloadFormat format) {
        return EMPTY[format.ordinal()];
    }

    public PayloadFormat format() {
        return format;
    }

    public List<Finding> findings() {
        return findings;
    }

    public boolean detected() {
        return !findings.isEmpty();
    }

    /** The distinct types found, sorted by name. */
    public SortedSet<PiiType> types() {
        SortedSet<PiiType> types = new TreeSet<>();
        for (Finding f : findings) {
            types.add(f.type());
        }
        return types;
    }

    /** How many findings of each type, sorted by type name. */
    public SortedMap<PiiType, Integer> countsByType() {
        SortedMap<PiiType, Integer> counts = new TreeMap<>();
        for (Finding f : findings) {
            counts.merge(f.type(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public String toString() {
        return "ScanResult[" + format + ", " + countsByType() + "]";
    }
}
