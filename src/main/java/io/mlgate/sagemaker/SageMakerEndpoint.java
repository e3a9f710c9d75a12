package io.mlgate.sagemaker;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An endpoint: its status, the deployment it serves (or is being created with) and, while Updating, the deployment
 * it is switching to. The variants' current weights and instance counts are those of {@code current}.
 *
 * @param failureReason why the last creation or update failed, or null
 * @param pending       the deployment an UpdateEndpoint is switching to, or null
 * @param pendingSince  when that update started, or null
 */
public record SageMakerEndpoint(String name, String arn, String accountId, EndpointStatus status,
                                String failureReason, DeploymentPlan current, DeploymentPlan pending,
                                Instant pendingSince, Instant creationTime, Instant lastModifiedTime,
                                Map<String, String> tags) {

    public SageMakerEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(current, "current");
        if ((pending == null) != (pendingSince == null)) {
            throw new IllegalArgumentException("pending and pendingSince go together");
        }
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(lastModifiedTime, "lastModifiedTime");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** The configuration the endpoint serves (or is being created with). */
    public String endpointConfigName() {
        return current.endpointConfigName();
    }

    SageMakerEndpoint withTags(Map<String, String> newTags) {
        return new SageMakerEndpoint(name, arn, accountId, status, failureReason, current, pending, pendingSince,
                creationTime, lastModifiedTime, newTags);
    }

    SageMakerEndpoint withStatus(EndpointStatus newStatus, String newFailureReason, DeploymentPlan newCurrent,
                                 DeploymentPlan newPending, Instant newPendingSince, Instant modified) {
        return new SageMakerEndpoint(name, arn, accountId, newStatus, newFailureReason, newCurrent, newPending,
                newPendingSince, creationTime, modified, tags);
    }
}
