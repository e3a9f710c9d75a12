package io.mlgate.autoscaling;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of a target's capacity, as DescribeScalingActivities shows it: "Setting desired instance count to N."
 * with its cause (the alarm and policy, or the range that was set), when it started and ended, and whether the
 * SageMaker control plane accepted it ({@code Successful}) or refused it ({@code Failed}, with the reason).
 */
public record ScalingActivity(String activityId, String accountId, String resourceId, String description,
                              String cause, Instant startTime, Instant endTime, String statusCode,
                              String statusMessage) {

    public static final String SUCCESSFUL = "Successful";
    public static final String FAILED = "Failed";

    public ScalingActivity {
        Objects.requireNonNull(activityId, "activityId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(statusCode, "statusCode");
    }

    public String key() {
        return VariantResource.parse(resourceId).orElseThrow().key(accountId);
    }
}
