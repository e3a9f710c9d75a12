package io.mlgate.iam.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The request's condition keys supplied by the caller (aws:SourceIp, aws:SecureTransport, aws:CurrentTime,
 * aws:EpochTime, aws:RequestedRegion, service keys, ...). Key lookup is case-insensitive; keys may be multivalued.
 * Principal-derived keys (aws:PrincipalArn, aws:PrincipalTag/..., aws:username, ...) cannot be set here: the
 * evaluator takes them from the authenticated principal only.
 */
public final class RequestContext {

    private static final RequestContext EMPTY = new RequestContext(Map.of());

    private final Map<String, List<String>> values;

    private RequestContext(Map<String, List<String>> values) {
        this.values = values;
    }

    public static RequestContext empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Values of a key (any case), or {@code null} if absent. */
    public List<String> values(String key) {
        return values.get(PrincipalKeys.lower(key));
    }

    List<String> valuesLower(String lowerKey) {
        return values.get(lowerKey);
    }

    /** Keys present, lower-cased. */
    public java.util.Set<String> keys() {
        return values.keySet();
    }

    /** Builds a {@link RequestContext}. */
    public static final class Builder {
        private final Map<String, List<String>> values = new HashMap<>();

        private Builder() {
        }

        /** Sets a single-valued key, replacing any earlier value. */
        public Builder put(String key, String value) {
            return put(key, List.of(Objects.requireNonNull(value, "value")));
        }

        /** Sets a key to several values (a multivalued key such as aws:TagKeys); an empty list is an empty set. */
        public Builder put(String key, List<String> values) {
            String lower = PrincipalKeys.lower(Objects.requireNonNull(key, "key"));
            if (PrincipalKeys.owns(lower)) {
                throw new IllegalArgumentException("condition key '" + key + "' is derived from the principal and cannot be supplied by the caller");
            }
            this.values.put(lower, List.copyOf(values));
            return this;
        }

        /** Adds one value to a multivalued key. */
        public Builder add(String key, String value) {
            List<String> existing = values.get(PrincipalKeys.lower(key));
            List<String> merged = new ArrayList<>(existing == null ? List.of() : existing);
            merged.add(Objects.requireNonNull(value, "value"));
            return put(key, merged);
        }

        public RequestContext build() {
            return new RequestContext(Map.copyOf(values));
        }
    }
}
