package io.mlgate.pii;

import java.util.List;
import java.util.Objects;

/**
 * The PII scanner: immutable, thread-safe, built once from {@link DetectorSettings} (all configuration is compiled
 * here, never per scan). A scan reads the payload once, in time linear in its length, allocates in proportion to
 * what it finds (not to the payload) and stops with {@link PiiScanException.Reason#TIMEOUT} once
 * {@code System.nanoTime()} passes the deadline (checked at least every 64 KiB).
 *
 * <p>How each format is cut into regions, each region being shown to every detector (built-in, custom, extra) with
 * a field hint (docs/pii-scanning.md):
 * <ul>
 *   <li>JSON ({@link JsonWalker}): every string value (hint: the nearest member name), every member name (no hint)
 *       and every number (hint: the member name; a finding covers the whole number). Any number of top-level values
 *       (JSON Lines). An escaped string is decoded and a finding in it covers the whole string. Nesting deeper than
 *       {@link DetectorSettings#maxJsonDepth()} is {@link PiiScanException.Reason#UNSCANNABLE}; malformed JSON or
 *       invalid UTF-8 is scanned as TEXT instead.</li>
 *   <li>CSV ({@link CsvWalker}): every cell (hint: its column header, or {@code "column N"}), RFC 4180 quoting;
 *       malformed CSV or invalid UTF-8 is scanned as TEXT instead.</li>
 *   <li>TEXT: the whole payload is one region.</li>
 * </ul>
 * Findings below the settings' minimum confidence are dropped, overlaps are resolved (more confident, then longer,
 * wins) and the result is in payload order. More than {@value ScanSession#MAX_FINDINGS} findings in one payload is
 * {@link PiiScanException.Reason#UNSCANNABLE}; an exception from any detector is
 * {@link PiiScanException.Reason#DETECTOR_FAILURE}.
 */
public final class PiiScanner {

    private final DetectorSettings settings;
    private final BuiltInDetectors builtIns;
    private final CustomDetectors custom;
    private final Detector[] extra;
    private final PiiType[] extraTypes;
    private final String[] extraNames;

    private PiiScanner(DetectorSettings settings, List<Detector> extra) {
        this.settings = settings;
        // no built-in enabled: skip them entirely (not even compiled)
        this.builtIns = settings.enabled().isEmpty() ? null : BuiltInDetectors.compile(settings);
        this.custom = CustomDetectors.compile(settings.custom());
        this.extra = extra.toArray(new Detector[0]);
        this.extraTypes = new PiiType[this.extra.length];
        this.extraNames = new String[this.extra.length];
        for (int i = 0; i < this.extra.length; i++) {
            Detector d = Objects.requireNonNull(this.extra[i], "extra detector");
            extraTypes[i] = Objects.requireNonNull(d.type(), "an extra detector's type");
            extraNames[i] = "detector " + extraTypes[i];
        }
    }

    /**
     * Builds a scanner with the built-in detectors the settings enable, the custom ones, and {@code extra}.
     *
     * @throws IllegalArgumentException when a custom detector is invalid (bad RE2 syntax, a pattern too large, a
     *                                  dictionary too large, a duplicate name): the message names the detector
     */
    public static PiiScanner of(DetectorSettings settings, List<Detector> extra) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(extra, "extra");
        return new PiiScanner(settings, List.copyOf(extra));
    }

    public static PiiScanner of(DetectorSettings settings) {
        return of(settings, List.of());
    }

    /** The settings this scanner was built from. */
    public DetectorSettings settings() {
        return settings;
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
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(format, "format");
        ScanSession session = new ScanSession(this, deadlineNanos);
        session.checkDeadline();
        if (payload.length == 0) {
            return ScanResult.empty(format);
        }
        switch (format) {
            case JSON:
                if (new JsonWalker(session, payload, settings.maxJsonDepth()).walk()) {
                    return session.result(PayloadFormat.JSON);
                }
                break;
            case CSV:
                if (new CsvWalker(session, payload).walk()) {
                    return session.result(PayloadFormat.CSV);
                }
                break;
            default:
                break;
        }
        session.reset();
        session.region(payload, 0, payload.length, null, null, -1, 0, false);
        return session.result(PayloadFormat.TEXT);
    }

    BuiltInDetectors builtIns() {
        return builtIns;
    }

    CustomDetectors custom() {
        return custom;
    }

    Detector[] extra() {
        return extra;
    }

    PiiType extraType(int index) {
        return extraTypes[index];
    }

    /** How failure messages name extra detector {@code index}. */
    String extraName(int index) {
        return extraNames[index];
    }

    double minConfidence() {
        return settings.minConfidence();
    }
}
