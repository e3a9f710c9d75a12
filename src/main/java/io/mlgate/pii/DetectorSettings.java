package io.mlgate.pii;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link PiiScanner} looks for: the built-in types switched on, the regions phone numbers are parsed for
 * (ISO 3166 codes, libphonenumber), the confidence below which findings are dropped, the custom detectors, and the
 * limit on JSON nesting (deeper payloads are refused as {@link PiiScanException.Reason#UNSCANNABLE}).
 */
public record DetectorSettings(
        Set<PiiType> enabled,
        List<String> phoneRegions,
        double minConfidence,
        List<CustomDetectorSpec> custom,
        int maxJsonDepth) {

    public static final List<String> DEFAULT_PHONE_REGIONS = List.of("US", "GB", "DE", "FR", "IN", "CA", "AU");

    public DetectorSettings {
        enabled = Set.copyOf(Objects.requireNonNull(enabled, "enabled"));
        phoneRegions = List.copyOf(Objects.requireNonNull(phoneRegions, "phoneRegions"));
        custom = List.copyOf(Objects.requireNonNull(custom, "custom"));
        if (!(minConfidence >= 0.0 && minConfidence <= 1.0)) {
            throw new IllegalArgumentException("minConfidence must be between 0 and 1");
        }
        if (maxJsonDepth < 1 || maxJsonDepth > 1000) {
            throw new IllegalArgumentException("maxJsonDepth must be between 1 and 1000");
        }
    }

    /** Every built-in type, the default phone regions, confidence 0.5, no custom detectors, JSON depth 64. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(Set.copyOf(PiiType.BUILT_IN), DEFAULT_PHONE_REGIONS, 0.5, List.of(), 64);
    }

    public DetectorSettings withCustom(List<CustomDetectorSpec> detectors) {
        return new DetectorSettings(enabled, phoneRegions, minConfidence, detectors, maxJsonDepth);
    }
}
