package io.mlgate.sagemaker;

import java.util.Objects;

/**
 * A production variant of an endpoint configuration: which model it serves, how many instances (ONNX session
 * workers) it starts with, its initial routing weight, and the instance type named by the caller (recorded).
 */
public record VariantConfig(String variantName, String modelName, int initialInstanceCount, String instanceType,
                            double initialVariantWeight) {

    public VariantConfig {
        Objects.requireNonNull(variantName, "variantName");
        Objects.requireNonNull(modelName, "modelName");
        if (initialInstanceCount < 1) {
            throw new IllegalArgumentException("initialInstanceCount must be >= 1");
        }
        if (!Double.isFinite(initialVariantWeight) || initialVariantWeight < 0) {
            throw new IllegalArgumentException("initialVariantWeight must be a finite number >= 0");
        }
    }
}
