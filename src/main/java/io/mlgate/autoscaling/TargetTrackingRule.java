package io.mlgate.autoscaling;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The target-tracking decision for one scalable target, from its current capacity and the measured metric
 * (invocations per instance per minute); a pure function, so it is tested with a fake clock and numbers.
 * <p>
 * For each policy the proposed capacity is {@code ceil(current * metric / TargetValue)}, clamped to
 * {@code [MinCapacity, MaxCapacity]}.
 * <ul>
 *   <li><b>Scale out</b> when a policy proposes more than the current capacity, unless dynamic scale-out is suspended
 *       or the policy's ScaleOutCooldown has not passed since the last scale-out. With several policies the largest
 *       proposal wins (as AWS gives precedence to the policy that provides the largest capacity).</li>
 *   <li><b>Scale in</b> only when every policy agrees: none has DisableScaleIn, the metric is below each policy's
 *       TargetValue by at least {@link #SCALE_IN_MARGIN} (AWS's low alarm sits at 90% of the target, so capacity is
 *       removed more conservatively than it is added), each policy's ScaleInCooldown has passed since the last
 *       scaling activity of any kind, dynamic scale-in is not suspended, and each proposes less than the current
 *       capacity; the target goes to the largest of the proposals (the least capacity removed).</li>
 * </ul>
 */
public final class TargetTrackingRule {

    /** How far below the target value the metric must be before capacity is removed (10%). */
    public static final double SCALE_IN_MARGIN = 0.10;

    /** Which way a decision scales. */
    public enum Direction { OUT, IN }

    /**
     * Scale to {@code desired}, because of {@code policy} (whose alarm names the activity's cause).
     */
    public record Decision(Direction direction, int desired, TargetTrackingPolicy policy) {}

    private TargetTrackingRule() {}

    /**
     * @param current the target's DesiredInstanceCount now
     * @param metric  invocations per instance per minute over the last window (finite, at least 0)
     * @return the change to make, or empty to leave the capacity as it is
     */
    public static Optional<Decision> decide(ScalableTarget target, List<TargetTrackingPolicy> policies, int current,
                                            double metric, Instant now) {
        if (policies.isEmpty() || !(metric >= 0) || !Double.isFinite(metric)) {
            return Optional.empty();
        }
        Decision out = null;
        if (!target.suspended().dynamicScalingOutSuspended()) {
            for (TargetTrackingPolicy p : policies) {
                int desired = Math.min(target.maxCapacity(), proposal(current, metric, p.targetValue()));
                if (desired > current && !within(target.lastScaleOut(), p.scaleOutCooldownSeconds(), now)
                        && (out == null || desired > out.desired())) {
                    out = new Decision(Direction.OUT, desired, p);
                }
            }
        }
        if (out != null) {
            return Optional.of(out);
        }
        if (target.suspended().dynamicScalingInSuspended()) {
            return Optional.empty();
        }
        Decision in = null;
        for (TargetTrackingPolicy p : policies) {
            if (!p.scalesIn() || !(metric < p.targetValue() * (1 - SCALE_IN_MARGIN))
                    || within(target.lastScaling(), p.scaleInCooldownSeconds(), now)) {
                return Optional.empty();
            }
            int desired = Math.max(target.minCapacity(), proposal(current, metric, p.targetValue()));
            if (desired >= current) {
                return Optional.empty();
            }
            if (in == null || desired > in.desired()) {
                in = new Decision(Direction.IN, desired, p);
            }
        }
        return Optional.ofNullable(in);
    }

    /**
     * {@code ceil(current * metric / target)}, saturating at {@link Integer#MAX_VALUE}; a relative tolerance of
     * 1e-9 keeps a metric exactly at the target from rounding up to one more instance.
     */
    static int proposal(int current, double metric, double targetValue) {
        double exact = current * metric / targetValue;
        if (exact >= Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.ceil(exact - exact * 1e-9);
    }

    /** True while {@code seconds} have not yet passed since {@code last}. */
    static boolean within(Instant last, int seconds, Instant now) {
        return last != null && now.isBefore(last.plusSeconds(seconds));
    }
}
