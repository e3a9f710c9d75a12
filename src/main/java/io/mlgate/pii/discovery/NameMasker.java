package io.mlgate.pii.discovery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.Redactor;

/**
 * Masks PII inside the names a report shows: file paths, JSON field names, CSV headers. A report locates PII and must
 * not contain it, yet a file may be called {@code jane.doe@example.com.csv} or a JSON object may be keyed by e-mail
 * addresses; such names are shown with the value replaced by its type ({@code [EMAIL].csv}). A path is masked
 * segment by segment, and a file name also without its extension (detectors rightly do not take
 * {@code x@example.com.csv} or {@code /x@example.com} for addresses as they stand). A name the scanner fails on is
 * withheld. Results are cached (least recently used, {@value #CACHE} names). Not thread-safe.
 */
final class NameMasker implements UnaryOperator<String> {

    static final String WITHHELD = "[name withheld: PII scan failed]";
    private static final int CACHE = 4096;

    private final PiiScanner scanner;
    private final Redactor redactor;
    private final Map<String, String> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHE;
        }
    };

    NameMasker(PiiScanner scanner, Redactor redactor) {
        this.scanner = scanner;
        this.redactor = redactor;
    }

    /** A path with PII in any of its segments (or a segment without its extension) masked. */
    String path(String path) {
        if (path == null || path.isEmpty()) {
            return path;
        }
        String[] segments = path.split("/", -1);
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            String segment = segments[i];
            String masked = apply(segment);
            int dot = segment.lastIndexOf('.');
            if (masked.equals(segment) && dot > 0) {
                String stem = apply(segment.substring(0, dot));
                if (!stem.equals(segment.substring(0, dot))) {
                    masked = stem + segment.substring(dot);
                }
            }
            out.append(masked);
        }
        return out.toString();
    }

    @Override
    public String apply(String name) {
        if (name == null || name.isEmpty()) {
            return name;
        }
        String masked = cache.get(name);
        if (masked == null) {
            try {
                masked = redactor.redactText(scanner, name);
            } catch (RuntimeException e) {
                masked = WITHHELD;
            }
            cache.put(name, masked);
        }
        return masked;
    }
}
