package io.mlgate.pii;

import java.util.List;

/**
 * The PII scanner: immutable, thread-safe, built once from {@link DetectorSettings} (all configuration is compiled
 * here, never per scan). A scan reads the payload once, in time linear in its length, allocates in proportion to
 * what it finds (not to the payload) and stops with {@link PiiScanException.Reason#TIMEOUT} once
 * {@code System.nanoTime()} passes the deadline (checked at least every 64 KiB).
 */
public final class PiiScanner {

    /** Builds a scanner with the built-in detectors the settings enable, the custom ones, and {@code extra}. */
    public static PiiScanner of(DetectorSettings settings, List<Detector> extra) {
        throw new UnsupportedOperationException("pii-core: not built yet");
    }

    public static PiiScanner of(DetectorSettings settings) {
        return of(settings, List.of());
    }

    /**
     * Scans {@code payload} as {@code format} (JSON by member, CSV by column, TEXT whole). A payload that does not
     * parse as its format (malformed JSON, invalid UTF-8) is scanned as text rather than refused: the scan must
     * still see every byte.
     *
     * @param deadlineNanos a {@code System.nanoTime()} value after which the scan fails; {@link Long#MAX_VALUE}
     *                      for none
     * @throws PiiScanException when the scan cannot complete: the caller blocks the payload
     */
    public ScanResult scan(byte[] payload, PayloadFormat format, long deadlineNanos) {
        throw new UnsupportedOperationException("pii-core: not built yet");
    }
}
