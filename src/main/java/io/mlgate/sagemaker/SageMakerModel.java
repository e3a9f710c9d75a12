package io.mlgate.sagemaker;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model as CreateModel registered it: its containers (one, or an inference pipeline of up to five run in order),
 * the execution role used to reach its artifacts, network isolation, and tags.
 *
 * @param pipeline true when the model was created with {@code Containers} (even of one), false for
 *                 {@code PrimaryContainer}
 */
public record SageMakerModel(String name, String arn, String accountId, List<ContainerDefinition> containers,
                             boolean pipeline, String executionRoleArn, boolean networkIsolation,
                             Instant creationTime, Map<String, String> tags) {

    public SageMakerModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(accountId, "accountId");
        containers = List.copyOf(containers);
        if (containers.isEmpty()) {
            throw new IllegalArgumentException("a model has at least one container");
        }
        Objects.requireNonNull(creationTime, "creationTime");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    SageMakerModel withTags(Map<String, String> newTags) {
        return new SageMakerModel(name, arn, accountId, containers, pipeline, executionRoleArn, networkIsolation,
                creationTime, newTags);
    }
}
