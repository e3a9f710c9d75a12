package io.mlgate.pii;

/**
 * The built-in detectors compiled for one {@link DetectorSettings}: one linear pass over a text region finds every
 * enabled built-in type. Used by {@link PiiScanner} on each JSON string value or number, each CSV cell and each
 * plain-text payload.
 */
final class BuiltInDetectors {

    static BuiltInDetectors compile(DetectorSettings settings) {
        throw new UnsupportedOperationException("pii-core: not built yet");
    }

    /**
     * Scans {@code data[from, to)}.
     *
     * @param field         the JSON member name or CSV column header of the region (a hint: "ssn", "email", "dob",
     *                      "phone", ...), or {@code null}
     * @param deadlineNanos {@code System.nanoTime()} after which the scan throws
     *                      {@link PiiScanException.Reason#TIMEOUT} (checked at least every 64 KiB)
     */
    void scan(byte[] data, int from, int to, String field, Detector.FindingSink sink, long deadlineNanos) {
        throw new UnsupportedOperationException("pii-core: not built yet");
    }
}
