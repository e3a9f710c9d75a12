package io.mlgate.autoscaling;

import java.time.Instant;
import java.util.Objects;

/**
 * A target-tracking scaling policy on a variant's {@code SageMakerVariantInvocationsPerInstance}: keep the
 * invocations per instance per minute near {@code targetValue}. The cooldowns and DisableScaleIn are kept as given
 * (null when not given, so DescribeScalingPolicies shows what was set); {@link #scaleOutCooldownSeconds()} and
 * {@link #scaleInCooldownSeconds()} apply SageMaker's default of 300 seconds.
 *
 * @param alarmHighId the id in the name of the virtual "AlarmHigh" alarm (mlgate has no CloudWatch; the names
 *                    appear in PutScalingPolicy's Alarms and in the Cause of activities, as AWS's do)
 */
public record TargetTrackingPolicy(String accountId, String resourceId, String name, String arn, double targetValue,
                                   String metricType, Integer scaleOutCooldown, Integer scaleInCooldown,
                                   Boolean disableScaleIn, Instant creationTime, String alarmHighId,
                                   String alarmLowId) {

    /** The predefined metric mlgate measures. */
    public static final String INVOCATIONS_PER_INSTANCE = "SageMakerVariantInvocationsPerInstance";
    /** SageMaker variants' default cooldowns, in seconds. */
    public static final int DEFAULT_COOLDOWN_SECONDS = 300;

    public TargetTrackingPolicy {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(metricType, "metricType");
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(alarmHighId, "alarmHighId");
        Objects.requireNonNull(alarmLowId, "alarmLowId");
        if (!(targetValue > 0) || !Double.isFinite(targetValue)) {
            throw new IllegalArgumentException("target value must be a positive number");
        }
    }

    public int scaleOutCooldownSeconds() {
        return scaleOutCooldown == null ? DEFAULT_COOLDOWN_SECONDS : scaleOutCooldown;
    }

    public int scaleInCooldownSeconds() {
        return scaleInCooldown == null ? DEFAULT_COOLDOWN_SECONDS : scaleInCooldown;
    }

    public boolean scalesIn() {
        return !Boolean.TRUE.equals(disableScaleIn);
    }

    /** {@code TargetTracking-<resourceId>-AlarmHigh-<id>}. */
    public String alarmHighName() {
        return "TargetTracking-" + resourceId + "-AlarmHigh-" + alarmHighId;
    }

    /** {@code TargetTracking-<resourceId>-AlarmLow-<id>}. */
    public String alarmLowName() {
        return "TargetTracking-" + resourceId + "-AlarmLow-" + alarmLowId;
    }

    public String key() {
        return VariantResource.parse(resourceId).orElseThrow().key(accountId);
    }
}
