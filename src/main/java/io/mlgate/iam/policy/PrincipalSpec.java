package io.mlgate.iam.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Principal or NotPrincipal element of a resource-based or trust policy: {@code "*"} or principals by type
 * ({@code AWS}, {@code Federated}, {@code Service}, {@code CanonicalUser}). Kept for the resource-policy evaluator.
 */
public final class PrincipalSpec {

    private final boolean negated;
    private final boolean anyone;
    private final Map<String, List<String>> byType;

    PrincipalSpec(boolean negated, boolean anyone, Map<String, List<String>> byType) {
        this.negated = negated;
        this.anyone = anyone;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        byType.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.byType = java.util.Collections.unmodifiableMap(copy);
    }

    /** True for NotPrincipal. */
    public boolean isNegated() {
        return negated;
    }

    /** True when written as {@code "*"} (everyone, including anonymous). */
    public boolean isAnyone() {
        return anyone;
    }

    /** Principal identifiers by type ({@code AWS}, {@code Federated}, {@code Service}, {@code CanonicalUser}). */
    public Map<String, List<String>> byType() {
        return byType;
    }

    @Override
    public String toString() {
        return (negated ? "NotPrincipal " : "Principal ") + (anyone ? "*" : byType.toString());
    }
}
