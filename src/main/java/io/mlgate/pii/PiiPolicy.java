package io.mlgate.pii;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the gateway does with PII on one endpoint's data path: the {@link PiiMode}, how found spans are rewritten in
 * REDACT mode, whether the rules apply to requests, responses or both, and which types count (empty: every type the
 * scanner knows). Requests are always scanned when the mode is not OFF (the condition keys come from the request);
 * the scope says where redaction and blocking apply.
 *
 * <p>An endpoint configuration can carry its policy in tags of the {@code mlgate:} namespace
 * ({@link #fromTags}), so the AWS CLI and SDKs can set it with CreateEndpointConfig:
 * <pre>
 *   mlgate:pii-mode       off | detect | redact | block
 *   mlgate:pii-redaction  replace | mask | tokenize
 *   mlgate:pii-scope      request | response | request-response
 *   mlgate:pii-types      space-separated type names, e.g. "EMAIL US_SSN CREDIT_CARD"
 * </pre>
 */
public record PiiPolicy(PiiMode mode, RedactionMethod redaction, boolean onRequest, boolean onResponse,
                        Set<PiiType> types) {

    public static final String TAG_MODE = "mlgate:pii-mode";
    public static final String TAG_REDACTION = "mlgate:pii-redaction";
    public static final String TAG_SCOPE = "mlgate:pii-scope";
    public static final String TAG_TYPES = "mlgate:pii-types";
    /** Tag keys under this prefix are the PII policy's; no other key with this prefix is accepted. */
    public static final String TAG_PREFIX = "mlgate:pii-";

    public PiiPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(redaction, "redaction");
        types = Set.copyOf(Objects.requireNonNull(types, "types"));
        if (!onRequest && !onResponse) {
            throw new IllegalArgumentException("a PII policy applies to requests, responses or both");
        }
    }

    /** Scan requests, record types and counts, change nothing. */
    public static PiiPolicy detect() {
        return new PiiPolicy(PiiMode.DETECT, RedactionMethod.REPLACE, true, false, Set.of());
    }

    public boolean off() {
        return mode == PiiMode.OFF;
    }

    /** Whether requests with PII are refused. */
    public boolean blocksRequests() {
        return mode == PiiMode.BLOCK && onRequest;
    }

    /** Whether requests are redacted before the model sees them. */
    public boolean redactsRequests() {
        return mode == PiiMode.REDACT && onRequest;
    }

    /** Whether responses are scanned (to redact or withhold them). */
    public boolean scansResponses() {
        return (mode == PiiMode.REDACT || mode == PiiMode.BLOCK) && onResponse;
    }

    /** The scope as its tag value. */
    public String scope() {
        return onRequest && onResponse ? "request-response" : onRequest ? "request" : "response";
    }

    /** The findings of the types this policy counts (all of them when {@link #types} is empty). */
    public ScanResult select(ScanResult result) {
        if (types.isEmpty() || !result.detected()) {
            return result;
        }
        List<Finding> kept = null;
        List<Finding> all = result.findings();
        for (int i = 0; i < all.size(); i++) {
            Finding f = all.get(i);
            boolean keep = types.contains(f.type());
            if (!keep && kept == null) {
                kept = new ArrayList<>(all.subList(0, i));
            } else if (keep && kept != null) {
                kept.add(f);
            }
        }
        return kept == null ? result : new ScanResult(result.format(), kept);
    }

    /**
     * This policy with the {@code mlgate:pii-*} tags of an endpoint configuration applied; tags not present keep
     * this policy's value. Tag keys are matched exactly (tag keys are case-sensitive); values case-insensitively.
     *
     * @throws IllegalArgumentException naming the tag, for an unknown {@code mlgate:pii-} key or a bad value
     */
    public PiiPolicy withTags(Map<String, String> tags) {
        PiiMode m = mode;
        RedactionMethod r = redaction;
        boolean req = onRequest;
        boolean resp = onResponse;
        Set<PiiType> t = types;
        for (Map.Entry<String, String> e : tags.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(TAG_PREFIX)) {
                continue;
            }
            String value = e.getValue() == null ? "" : e.getValue().trim();
            switch (key) {
                case TAG_MODE -> m = parse(PiiMode.class, key, value);
                case TAG_REDACTION -> r = parse(RedactionMethod.class, key, value);
                case TAG_SCOPE -> {
                    switch (value.toLowerCase(Locale.ROOT)) {
                        case "request" -> { req = true; resp = false; }
                        case "response" -> { req = false; resp = true; }
                        case "request-response" -> { req = true; resp = true; }
                        default -> throw new IllegalArgumentException("tag " + key
                                + " must be request, response or request-response");
                    }
                }
                case TAG_TYPES -> t = parseTypes(key, value);
                default -> throw new IllegalArgumentException("unknown tag " + key + "; the PII policy's tags are "
                        + TAG_MODE + ", " + TAG_REDACTION + ", " + TAG_SCOPE + " and " + TAG_TYPES);
            }
        }
        return new PiiPolicy(m, r, req, resp, t);
    }

    /** Whether any tag key is in the PII policy's namespace. */
    public static boolean hasPolicyTags(Map<String, String> tags) {
        for (String k : tags.keySet()) {
            if (k.startsWith(TAG_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Type names separated by spaces (tag values cannot hold commas) or commas (configuration). Built-in names and
     * custom detector names (any valid type name) are accepted; "ALL" or an empty value means every type.
     */
    public static Set<PiiType> parseTypes(String what, String value) {
        String v = value.trim();
        if (v.isEmpty() || v.equalsIgnoreCase("ALL")) {
            return Set.of();
        }
        SortedSet<PiiType> out = new TreeSet<>();
        for (String part : v.split("[\\s,]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(new PiiType(part.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": " + part + " is not a PII type name");
            }
        }
        return Collections.unmodifiableSortedSet(out);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        for (E c : type.getEnumConstants()) {
            if (c.name().equalsIgnoreCase(value)) {
                return c;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E c : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("tag " + key + " must be one of " + allowed);
    }
}
