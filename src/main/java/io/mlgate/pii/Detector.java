package io.mlgate.pii;

/**
 * A detector added to the built-in ones (a plug-in, or a test's): called once per scanned text region, it reports
 * what it finds to the sink. It must run in time linear in the region's length and must not keep or log the bytes.
 * An exception it throws fails the scan ({@link PiiScanException.Reason#DETECTOR_FAILURE}): the payload is blocked.
 */
public interface Detector {

    /** The type this detector reports. */
    PiiType type();

    /**
     * Scans {@code data[from, to)}, a piece of text (a JSON string value, a CSV cell, or a whole text payload).
     *
     * @param field the JSON member name or CSV column the region belongs to, or {@code null} for plain text
     */
    void scan(byte[] data, int from, int to, String field, FindingSink sink);

    /** Receives findings; spans are absolute offsets into {@code data}. */
    @FunctionalInterface
    interface FindingSink {
        void found(PiiType type, double confidence, int start, int end);
    }
}
