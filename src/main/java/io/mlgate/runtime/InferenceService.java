package io.mlgate.runtime;

import java.util.Objects;

/**
 * Serves InvokeEndpoint calls: finds the endpoint, picks a production variant, decodes the body, runs the model and
 * encodes the predictions. Thread-safe.
 */
public final class InferenceService {
    private final EndpointRegistry registry;

    public InferenceService(EndpointRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Invokes the endpoint, choosing a variant by weight. See {@link #invoke(String, String, byte[], String, String)}. */
    public InvocationResult invoke(String endpointName, byte[] body, String contentType, String accept) {
        return invoke(endpointName, null, body, contentType, accept);
    }

    /**
     * Invokes the endpoint.
     *
     * @param targetVariant a variant name to route to ({@code X-Amzn-SageMaker-Target-Variant}), or {@code null} to
     *                      choose by weight
     * @throws EndpointNotFoundException if the account has no such endpoint
     * @throws EndpointUnavailableException if the endpoint is out of service because its model key is refused
     * @throws InvalidInputException     if the body, content type, Accept or target variant is not acceptable
     * @throws ModelInvocationException  if the model fails or returns something it should not
     */
    public InvocationResult invoke(String endpointName, String targetVariant, byte[] body, String contentType,
            String accept) {
        Endpoint endpoint = registry.require(endpointName);
        String responseType = InvocationOutput.contentTypeFor(accept);
        try {
            return invoke(endpoint, targetVariant, body, contentType, responseType);
        } catch (ModelInvocationException e) {
            // the model may have been unloaded under this call because its key was just refused
            EndpointUnavailableException down = registry.unavailability(endpointName).orElse(null);
            if (down != null) {
                throw down.copy();
            }
            // or because the endpoint was just switched to another configuration: the new one answers
            Endpoint now = registry.find(endpointName).orElse(null);
            if (now != null && now != endpoint) {
                return invoke(now, targetVariant, body, contentType, responseType);
            }
            throw e;
        }
    }

    private static InvocationResult invoke(Endpoint endpoint, String targetVariant, byte[] body, String contentType,
                                           String responseType) {
        ProductionVariant variant;
        if (targetVariant == null) {
            variant = endpoint.chooseVariant();
        } else {
            variant = endpoint.variant(targetVariant).orElseThrow(() -> new InvalidInputException(
                    "variant " + InvocationInput.quote(targetVariant, 63) + " is not part of endpoint "
                            + endpoint.name()));
        }
        OnnxModel model = variant.model();
        float[][] rows = InvocationInput.parse(body, contentType, model.featureCount());
        long start = System.nanoTime();
        ClassificationResult[] results = model.predict(rows);
        long latency = System.nanoTime() - start;
        return new InvocationResult(InvocationOutput.toJson(results), responseType, variant.name(), latency);
    }
}
