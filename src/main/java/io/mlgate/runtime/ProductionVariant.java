package io.mlgate.runtime;

import java.util.Objects;

/**
 * One model slot of an endpoint: a name (as reported in {@code x-Amzn-Invoked-Production-Variant}), a routing
 * weight (relative to the endpoint's other variants; 0 means only reachable by explicit target) and the loaded model.
 */
public record ProductionVariant(String name, double weight, OnnxModel model) {

    public ProductionVariant {
        Endpoint.requireResourceName(name, "variant name");
        if (!Double.isFinite(weight) || weight < 0) {
            throw new IllegalArgumentException("variant weight must be a finite number >= 0");
        }
        Objects.requireNonNull(model, "model");
    }
}
