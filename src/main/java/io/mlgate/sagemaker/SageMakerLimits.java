package io.mlgate.sagemaker;

/**
 * Per-account quotas of the control plane; going over one is SageMaker's {@code ResourceLimitExceeded}.
 *
 * @param instancesPerVariant the most instances (ONNX session workers) one variant may ask for
 * @param modelPackageGroups  the most model package groups
 * @param modelPackages       the most model package versions, over all groups (the whole state file is rewritten
 *                            on every change, so this bounds the cost of a write too)
 */
public record SageMakerLimits(int models, int endpointConfigs, int endpoints, int instancesPerVariant,
                              int modelPackageGroups, int modelPackages) {

    public SageMakerLimits {
        if (models < 1 || endpointConfigs < 1 || endpoints < 1 || instancesPerVariant < 1 || modelPackageGroups < 1
                || modelPackages < 1) {
            throw new IllegalArgumentException("limits must be >= 1");
        }
    }

    /** Hosting limits with the default registry limits (1000 groups, 5000 versions). */
    public SageMakerLimits(int models, int endpointConfigs, int endpoints, int instancesPerVariant) {
        this(models, endpointConfigs, endpoints, instancesPerVariant, 1000, 5000);
    }

    /** 1000 models and configurations, 100 endpoints, 32 instances per variant, 1000 groups, 5000 versions. */
    public static SageMakerLimits defaults() {
        return new SageMakerLimits(1000, 1000, 100, 32, 1000, 5000);
    }
}
