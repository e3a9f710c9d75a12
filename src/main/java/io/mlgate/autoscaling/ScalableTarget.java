package io.mlgate.autoscaling;

import java.time.Instant;
import java.util.Objects;

/**
 * A registered scalable target: one SageMaker variant's DesiredInstanceCount, kept within
 * {@code [minCapacity, maxCapacity]}, with when it was last scaled out and last scaled at all (the cooldowns start
 * there; persisted so that a restart does not reset them).
 *
 * @param resourceId   {@code endpoint/<name>/variant/<variant>}, with the endpoint's name as SageMaker holds it
 * @param arn          {@code arn:aws:application-autoscaling:<region>:<account>:scalable-target/<id>}
 * @param lastScaleOut the end of the last successful scale-out, or null
 * @param lastScaling  the end of the last successful change of capacity (out, in, or to the range), or null
 */
public record ScalableTarget(String accountId, String resourceId, int minCapacity, int maxCapacity, String roleArn,
                             Instant creationTime, SuspendedState suspended, String arn, Instant lastScaleOut,
                             Instant lastScaling) {

    public ScalableTarget {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(suspended, "suspended");
        Objects.requireNonNull(arn, "arn");
        if (minCapacity < 0 || maxCapacity < minCapacity) {
            throw new IllegalArgumentException("capacity range " + minCapacity + ".." + maxCapacity);
        }
        if (VariantResource.parse(resourceId).isEmpty()) {
            throw new IllegalArgumentException("not a SageMaker variant resource id: " + resourceId);
        }
    }

    public VariantResource variant() {
        return VariantResource.parse(resourceId).orElseThrow();
    }

    public String key() {
        return variant().key(accountId);
    }

    public ScalableTarget withRange(int min, int max, SuspendedState state) {
        return new ScalableTarget(accountId, resourceId, min, max, roleArn, creationTime, state, arn, lastScaleOut,
                lastScaling);
    }

    /** This target after a successful change of capacity that ended at {@code end}. */
    public ScalableTarget scaled(Instant end, boolean out) {
        return new ScalableTarget(accountId, resourceId, minCapacity, maxCapacity, roleArn, creationTime, suspended,
                arn, out ? end : lastScaleOut, end);
    }
}
