package io.mlgate.runtime;

/**
 * How many instances serve a production variant right now: the divisor of SageMaker's
 * {@code InvocationsPerInstance}, to which every request adds {@code 1 / count} at the time of the request. The
 * embedded runtime runs each variant's model once in this process ({@link #SINGLE}); a runtime that scales variants
 * out (the SageMaker {@code InitialInstanceCount} / {@code DesiredInstanceCount}) implements this and is asked on
 * every served call, so it must answer from memory without blocking.
 */
@FunctionalInterface
public interface VariantInstances {

    /** One instance per variant: the embedded runtime. */
    VariantInstances SINGLE = (endpoint, variant) -> 1;

    /**
     * The number of instances serving {@code variant} of {@code endpoint} now; a value below 1 is read as 1 (a
     * request that was served had at least one instance).
     */
    int count(String endpoint, String variant);
}
