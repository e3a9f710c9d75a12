package io.mlgate.runtime.capture;

import io.mlgate.sagemaker.DataCaptureConfig;
import io.mlgate.sagemaker.DeploymentPlan;

/**
 * What the runtime tells data capture about the endpoints it serves: it asks whether a deployment's capture
 * configuration can be honoured before loading anything ({@link #refusal}, then, on the loader thread, whether the
 * variants' execution roles may use its KMS key, {@link #keyRefusal}), and sets (or clears) an endpoint's
 * configuration in the same step that registers (or removes) the endpoint, so captures follow deploys, updates and
 * deletes.
 */
public interface EndpointCapture {

    /** Capture nothing, accept every configuration (runtimes without a capture folder, tests). */
    EndpointCapture NONE = new EndpointCapture() {
        @Override
        public String refusal(DataCaptureConfig config) {
            return null;
        }

        @Override
        public void configure(DeploymentPlan plan) {
        }

        @Override
        public void remove(String endpointName) {
        }
    };

    /** Why the configuration cannot be honoured (for DescribeEndpoint's FailureReason), or null if it can. */
    String refusal(DataCaptureConfig config);

    /**
     * Why the plan's capture key cannot be used by its variants' execution roles (a key that does not exist, is not
     * enabled, or a role may not generate data keys with), or null if it can or nothing is captured. May call KMS:
     * the runtime calls it on its loader thread.
     */
    default String keyRefusal(DeploymentPlan plan) {
        return null;
    }

    /**
     * From now on, capture the endpoint's calls as the plan's {@code DataCaptureConfig} says (none, or disabled,
     * captures nothing), each variant's files encrypted as its execution role.
     */
    void configure(DeploymentPlan plan);

    /** Stops capturing the endpoint's calls. */
    void remove(String endpointName);
}
