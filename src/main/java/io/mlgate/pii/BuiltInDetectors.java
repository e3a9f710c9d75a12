package io.mlgate.pii;

import java.util.Objects;

/**
 * The built-in detectors compiled for one {@link DetectorSettings}: one linear pass over a text region finds every
 * enabled built-in type. Used by {@link PiiScanner} on each JSON string value or number, each CSV cell and each
 * plain-text payload.
 *
 * <p>Immutable and thread-safe. Compiling validates the phone regions and fixes the enabled types; a scan then
 * allocates nothing unless it finds something: its working state ({@link BuiltInPass}) is reused per thread. What
 * each type matches, its validity rules and confidences are described in docs/pii-detectors.md. Every finding of
 * confidence 0.3 or more is reported; the caller applies {@link DetectorSettings#minConfidence()}.
 */
final class BuiltInDetectors {

    private static final ThreadLocal<BuiltInPass> PASSES = ThreadLocal.withInitial(BuiltInPass::new);

    private final int enabled;
    private final BuiltInPhones phones;

    private BuiltInDetectors(int enabled, BuiltInPhones phones) {
        this.enabled = enabled;
        this.phones = phones;
    }

    /**
     * @throws IllegalArgumentException when a phone region is not an ISO 3166 code libphonenumber knows
     */
    static BuiltInDetectors compile(DetectorSettings settings) {
        Objects.requireNonNull(settings, "settings");
        int mask = 0;
        for (int t = 0; t < BuiltInPass.TYPE_COUNT; t++) {
            if (settings.enabled().contains(BuiltInPass.TYPES[t])) {
                mask |= 1 << t;
            }
        }
        return new BuiltInDetectors(mask, BuiltInPhones.of(settings.phoneRegions()));
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
        Objects.checkFromToIndex(from, to, data.length);
        Objects.requireNonNull(sink, "sink");
        if (enabled == 0 || from == to) {
            return;
        }
        BuiltInPass pass = PASSES.get();
        if (pass.busy) {
            pass = new BuiltInPass(); // a sink that scans again on this thread
        }
        pass.busy = true;
        try {
            pass.run(this, data, from, to, field, sink, deadlineNanos);
        } finally {
            pass.release();
        }
    }

    int enabledMask() {
        return enabled;
    }

    BuiltInPhones phones() {
        return phones;
    }
}
