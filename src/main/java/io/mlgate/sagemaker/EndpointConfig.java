package io.mlgate.sagemaker;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An endpoint configuration: one to ten production variants, the KMS key for the data at rest, data capture, tags. */
public record EndpointConfig(String name, String arn, String accountId, List<VariantConfig> variants,
                             String kmsKeyId, DataCaptureConfig dataCapture, Instant creationTime,
                             Map<String, String> tags) {

    public EndpointConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(accountId, "accountId");
        variants = List.copyOf(variants);
        if (variants.isEmpty() || variants.size() > 10) {
            throw new IllegalArgumentException("an endpoint configuration has 1 to 10 variants");
        }
        Objects.requireNonNull(creationTime, "creationTime");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    EndpointConfig withTags(Map<String, String> newTags) {
        return new EndpointConfig(name, arn, accountId, variants, kmsKeyId, dataCapture, creationTime, newTags);
    }
}
