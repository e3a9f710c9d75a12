package io.mlgate.gateway;

import io.mlgate.pii.CustomDetectorSpec;
import io.mlgate.pii.DetectorSettings;
import io.mlgate.pii.PiiMode;
import io.mlgate.pii.PiiPolicy;
import io.mlgate.pii.PiiType;
import io.mlgate.pii.RedactionMethod;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The PII layer's settings ({@code mlgate.pii.*}, docs/pii.md): the policy of endpoints that set none
 * ({@code mode}, {@code redaction}, {@code scope}, {@code types}), fixed policies per endpoint name
 * ({@code endpoints.NAME.*}, which win over an endpoint configuration's {@code mlgate:pii-*} tags), the detectors
 * ({@code disabled-types}, {@code phone-regions}, {@code min-confidence}, {@code custom[i].*},
 * {@code max-json-depth}) and the scan deadline ({@code scan-timeout} plus {@code scan-timeout-per-mib} for each MiB of
 * payload, 250 ms each by default: a safety net against a scan that runs away, far above the scanner's speed, see
 * docs/benchmarks.md; a scan that takes longer blocks the call).
 * Everything is compiled once at start: nothing here is read on the request path.
 */
@ConfigurationProperties("mlgate.pii")
public record PiiProperties(String mode, String redaction, String scope, String types,
                            Map<String, EndpointPolicy> endpoints, List<String> disabledTypes,
                            List<String> phoneRegions, Double minConfidence, List<Custom> custom,
                            Integer maxJsonDepth, Duration scanTimeout, Duration scanTimeoutPerMib) {

    /** One endpoint's fixed policy; members left out take the default policy's value. */
    public record EndpointPolicy(String mode, String redaction, String scope, String types) {}

    /** A custom detector ({@link CustomDetectorSpec}); checksum NONE, confidence 0.8, window 40 by default. */
    public record Custom(String name, String pattern, List<String> dictionary, String checksum, Double confidence,
                         List<String> contextWords, List<String> negativeContextWords, Integer contextWindow) {}

    public PiiProperties {
        mode = mode == null ? "detect" : mode;
        redaction = redaction == null ? "replace" : redaction;
        scope = scope == null ? "request" : scope;
        types = types == null ? "" : types;
        endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
        disabledTypes = disabledTypes == null ? List.of() : List.copyOf(disabledTypes);
        phoneRegions = phoneRegions == null ? DetectorSettings.DEFAULT_PHONE_REGIONS : List.copyOf(phoneRegions);
        minConfidence = minConfidence == null ? 0.5 : minConfidence;
        custom = custom == null ? List.of() : List.copyOf(custom);
        maxJsonDepth = maxJsonDepth == null ? 64 : maxJsonDepth;
        scanTimeout = scanTimeout == null ? Duration.ofMillis(250) : scanTimeout;
        scanTimeoutPerMib = scanTimeoutPerMib == null ? Duration.ofMillis(250) : scanTimeoutPerMib;
        if (scanTimeout.isNegative() || scanTimeoutPerMib.isNegative()) {
            throw new IllegalArgumentException("mlgate.pii.scan-timeout and scan-timeout-per-mib must not be negative");
        }
    }

    /** The policy of endpoints without a fixed policy or tags. */
    PiiPolicy defaultPolicy() {
        return policy("mlgate.pii", mode, redaction, scope, types,
                new PiiPolicy(PiiMode.DETECT, RedactionMethod.REPLACE, true, false, Set.of()));
    }

    /** The fixed policies by endpoint name. */
    Map<String, PiiPolicy> endpointPolicies() {
        PiiPolicy base = defaultPolicy();
        Map<String, PiiPolicy> out = new LinkedHashMap<>();
        endpoints.forEach((name, p) -> out.put(name, policy("mlgate.pii.endpoints." + name, p.mode(),
                p.redaction(), p.scope(), p.types(), base)));
        return out;
    }

    DetectorSettings detectorSettings() {
        Set<PiiType> enabled = new HashSet<>(PiiType.BUILT_IN);
        for (String t : disabledTypes) {
            PiiType type = PiiType.builtIn(t.trim().toUpperCase(Locale.ROOT));
            if (type == null) {
                throw new IllegalArgumentException("mlgate.pii.disabled-types: " + t + " is not a built-in type");
            }
            enabled.remove(type);
        }
        List<CustomDetectorSpec> specs = new ArrayList<>();
        for (int i = 0; i < custom.size(); i++) {
            Custom c = custom.get(i);
            try {
                specs.add(new CustomDetectorSpec(c.name(), c.pattern(), c.dictionary(),
                        c.checksum() == null ? CustomDetectorSpec.Checksum.NONE
                                : CustomDetectorSpec.Checksum.valueOf(c.checksum().trim().toUpperCase(Locale.ROOT)),
                        c.confidence() == null ? 0.8 : c.confidence(), c.contextWords(), c.negativeContextWords(),
                        c.contextWindow() == null ? 40 : c.contextWindow()));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("mlgate.pii.custom[" + i + "]: " + e.getMessage(), e);
            }
        }
        return new DetectorSettings(enabled, phoneRegions, minConfidence, specs, maxJsonDepth);
    }

    private static PiiPolicy policy(String prefix, String mode, String redaction, String scope, String types,
                                    PiiPolicy base) {
        Map<String, String> asTags = new LinkedHashMap<>();
        if (mode != null) {
            asTags.put(PiiPolicy.TAG_MODE, mode);
        }
        if (redaction != null) {
            asTags.put(PiiPolicy.TAG_REDACTION, redaction);
        }
        if (scope != null) {
            asTags.put(PiiPolicy.TAG_SCOPE, scope);
        }
        if (types != null) {
            asTags.put(PiiPolicy.TAG_TYPES, types);
        }
        try {
            return base.withTags(asTags);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ": " + e.getMessage().replace("tag mlgate:pii-", ""), e);
        }
    }
}
