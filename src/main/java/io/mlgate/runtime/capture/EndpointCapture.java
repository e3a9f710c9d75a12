package io.mlgate.runtime.capture;

import io.mlgate.sagemaker.DataCaptureConfig;

/**
 * What the runtime tells data capture about the endpoints it serves: it asks whether a deployment's capture
 * configuration can be honoured before loading anything, and sets (or clears) an endpoint's configuration in the
 * same step that registers (or removes) the endpoint, so captures follow deploys, updates and deletes.
 */
public interface EndpointCapture {

    /** Capture nothing, accept every configuration (runtimes without a capture folder, tests). */
    EndpointCapture NONE = new EndpointCapture() {
        @Override
        public String refusal(DataCaptureConfig config) {
            return null;
        }

        @Override
        public void configure(String endpointName, DataCaptureConfig config) {
        }

        @Override
        public void remove(String endpointName) {
        }
    };

    /** Why the configuration cannot be honoured (for DescribeEndpoint's FailureReason), or null if it can. */
    String refusal(DataCaptureConfig config);

    /** From now on, capture the endpoint's calls as {@code config} says; null (or disabled) captures nothing. */
    void configure(String endpointName, DataCaptureConfig config);

    /** Stops capturing the endpoint's calls. */
    void remove(String endpointName);
}
