package io.mlgate.gateway;

import io.mlgate.pii.PiiPolicy;
import io.mlgate.sagemaker.SageMakerService;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PII policy in force for an endpoint: a fixed policy from configuration ({@code mlgate.pii.endpoints.NAME})
 * if there is one; else the {@code mlgate:pii-*} tags of the endpoint configuration the endpoint serves, applied
 * over the default policy; else the default policy ({@code mlgate.pii.mode} etc., detect by default). A served
 * configuration that was deleted after deployment no longer has tags: the endpoint falls back to the default (an
 * IAM policy can keep DeleteEndpointConfig and AddTags/DeleteTags on {@code mlgate:pii-*} keys to the platform
 * team).
 *
 * <p>Per call this is two map lookups: the parsed policy is cached per endpoint and reused while the served
 * configuration's tag map is the same object (tag changes replace the map).
 */
final class EndpointPiiPolicies {

    private record Cached(Map<String, String> tags, PiiPolicy policy) {}

    private final PiiPolicy defaultPolicy;
    private final Map<String, PiiPolicy> fixed;
    private final SageMakerService sageMaker;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    EndpointPiiPolicies(PiiPolicy defaultPolicy, Map<String, PiiPolicy> fixed, SageMakerService sageMaker) {
        this.defaultPolicy = defaultPolicy;
        this.fixed = Map.copyOf(fixed);
        this.sageMaker = sageMaker;
    }

    PiiPolicy defaultPolicy() {
        return defaultPolicy;
    }

    /** The policy for calls to {@code endpointName} of {@code accountId}. */
    PiiPolicy forEndpoint(String accountId, String endpointName) {
        PiiPolicy f = fixed.get(endpointName);
        if (f != null) {
            return f;
        }
        if (sageMaker == null || endpointName == null) {
            return defaultPolicy;
        }
        Map<String, String> tags = sageMaker.servedConfigTags(accountId, endpointName);
        if (tags.isEmpty() || !PiiPolicy.hasPolicyTags(tags)) {
            return defaultPolicy;
        }
        Cached c = cache.get(endpointName);
        if (c != null && c.tags == tags) {
            return c.policy;
        }
        PiiPolicy policy;
        try {
            policy = defaultPolicy.withTags(tags);
        } catch (IllegalArgumentException e) {
            // tags are validated when set; a value that no longer parses (older release) blocks rather than opens
            policy = new PiiPolicy(io.mlgate.pii.PiiMode.BLOCK, defaultPolicy.redaction(), true, false,
                    java.util.Set.of());
        }
        cache.put(endpointName, new Cached(tags, policy));
        return policy;
    }
}
