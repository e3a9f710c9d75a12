package io.mlgate.autoscaling;

import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.sagemaker.EndpointCapacity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** SageMaker endpoints held in memory, for the scaler and the service: counts, status, and refusals on demand. */
final class FakeVariants implements ScalableVariants, VariantLoad {

    static final String ACCOUNT = "123456789012";

    private record Held(String name, Map<String, Integer> counts) {}

    private final Map<String, Held> endpoints = new LinkedHashMap<>();
    private final Map<String, Sample> load = new LinkedHashMap<>();
    final List<String> changes = new ArrayList<>();
    final Map<String, Map<String, String>> tags = new LinkedHashMap<>();
    boolean inService = true;
    JsonServiceException refusal;

    /** An endpoint with variants given as name, count, name, count, ... */
    FakeVariants endpoint(String name, Object... variantsAndCounts) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < variantsAndCounts.length; i += 2) {
            counts.put((String) variantsAndCounts[i], (Integer) variantsAndCounts[i + 1]);
        }
        endpoints.put(name.toLowerCase(Locale.ROOT), new Held(name, counts));
        return this;
    }

    void remove(String name) {
        endpoints.remove(name.toLowerCase(Locale.ROOT));
    }

    int count(String endpoint, String variant) {
        return endpoints.get(endpoint.toLowerCase(Locale.ROOT)).counts().get(variant);
    }

    void set(String endpoint, String variant, int count) {
        endpoints.get(endpoint.toLowerCase(Locale.ROOT)).counts().put(variant, count);
    }

    /** The variant's completed-call counter and its instances (workers). */
    void load(String endpoint, String variant, long completed, int instances) {
        load.put(endpoint + "/" + variant, new Sample(completed, instances));
    }

    static String arn(String endpoint) {
        return "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/" + endpoint.toLowerCase(Locale.ROOT);
    }

    @Override
    public Optional<EndpointCapacity> endpoint(String accountId, String endpointName) {
        Held h = accountId.equals(ACCOUNT) ? endpoints.get(endpointName.toLowerCase(Locale.ROOT)) : null;
        return h == null ? Optional.empty()
                : Optional.of(new EndpointCapacity(h.name(), arn(h.name()), inService, h.counts()));
    }

    @Override
    public void setDesiredInstanceCount(String accountId, String endpointName, String variantName, int count)
            throws JsonServiceException {
        if (refusal != null) {
            throw refusal;
        }
        changes.add(endpointName + "/" + variantName + "=" + count);
        set(endpointName, variantName, count);
    }

    @Override
    public Map<String, String> endpointTags(String endpointArn) {
        return tags.getOrDefault(endpointArn, Map.of());
    }

    @Override
    public Optional<Sample> sample(String accountId, String endpointName, String variantName) {
        return Optional.ofNullable(load.get(endpointName + "/" + variantName));
    }
}
