package io.mlgate.sagemaker;

/**
 * Per-account quotas of the control plane; going over one is SageMaker's {@code ResourceLimitExceeded}.
 *
 * @param instancesPerVariant the most instances (ONNX session workers) one variant may ask for
 */
public record SageMakerLimits(int models, int endpointConfigs, int endpoints, int instancesPerVariant) {

    public SageMakerLimits {
        if (models < 1 || endpointConfigs < 1 || endpoints < 1 || instancesPerVariant < 1) {
            throw new IllegalArgumentException("limits must be >= 1");
        }
    }

    /** 1000 models and configurations, 100 endpoints, 32 instances per variant. */
    public static SageMakerLimits defaults() {
        return new SageMakerLimits(1000, 1000, 100, 32);
    }
}
