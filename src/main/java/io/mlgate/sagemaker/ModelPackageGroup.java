package io.mlgate.sagemaker;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A model package group of the model registry: the versions registered into it are numbered 1, 2, 3... in order.
 *
 * @param description  the group's description, or null
 * @param lastVersion  the highest version number ever given in this group (0 before the first); never reused, even
 *                     after the version is deleted, so a version ARN names one registration only
 */
public record ModelPackageGroup(String name, String arn, String accountId, String description, Instant creationTime,
                                RegistryIdentity createdBy, int lastVersion, Map<String, String> tags) {

    public ModelPackageGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(createdBy, "createdBy");
        if (lastVersion < 0) {
            throw new IllegalArgumentException("lastVersion must be >= 0");
        }
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    ModelPackageGroup withTags(Map<String, String> newTags) {
        return new ModelPackageGroup(name, arn, accountId, description, creationTime, createdBy, lastVersion, newTags);
    }

    ModelPackageGroup withLastVersion(int version) {
        return new ModelPackageGroup(name, arn, accountId, description, creationTime, createdBy, version, tags);
    }
}
