package io.mlgate.iam.policy;

import java.util.List;

/**
 * The condition-key values visible to one evaluation (the request context plus the principal's own keys), looked up
 * by lower-cased key name. Implementations must be cheap: this is called on the hot path.
 */
@FunctionalInterface
public interface ConditionKeys {

    /**
     * Values of the key, or {@code null} when the key is absent from the request context. A single-valued key yields
     * a one-element list; a multivalued key may yield several (or none, for an empty set).
     *
     * @param lowerCaseKey the key name, already lower-cased with {@link java.util.Locale#ROOT}
     */
    List<String> values(String lowerCaseKey);
}
