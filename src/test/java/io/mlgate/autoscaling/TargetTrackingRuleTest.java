package io.mlgate.autoscaling;

import io.mlgate.autoscaling.TargetTrackingRule.Decision;
import io.mlgate.autoscaling.TargetTrackingRule.Direction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The target-tracking rule on numbers: proposals, clamps, cooldowns, the scale-in margin, DisableScaleIn. */
class TargetTrackingRuleTest {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final String RESOURCE = "endpoint/e/variant/A";

    static ScalableTarget target(int min, int max, Instant lastOut, Instant lastScaling, SuspendedState s) {
        return new ScalableTarget(FakeVariants.ACCOUNT, RESOURCE, min, max, "arn:aws:iam::123456789012:role/r", T0,
                s, "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/x", lastOut, lastScaling);
    }

    static ScalableTarget target(int min, int max) {
        return target(min, max, null, null, SuspendedState.NONE);
    }

    static TargetTrackingPolicy policy(String name, double value, Integer out, Integer in, Boolean disableIn) {
        return new TargetTrackingPolicy(FakeVariants.ACCOUNT, RESOURCE, name, "arn:" + name, value,
                TargetTrackingPolicy.INVOCATIONS_PER_INSTANCE, out, in, disableIn, T0, "hi-" + name, "lo-" + name);
    }

    static TargetTrackingPolicy policy(double value) {
        return policy("p", value, 60, 120, null);
    }

    static Optional<Decision> decide(ScalableTarget t, int current, double metric, TargetTrackingPolicy... p) {
        return TargetTrackingRule.decide(t, List.of(p), current, metric, T0.plusSeconds(1000));
    }

    @Test
    void scalesOutToCeilOfCurrentTimesMetricOverTarget() {
        assertThat(decide(target(1, 10), 1, 250, policy(100))).hasValueSatisfying(d -> {
            assertThat(d.direction()).isEqualTo(Direction.OUT);
            assertThat(d.desired()).isEqualTo(3);
        });
        assertThat(decide(target(1, 10), 2, 101, policy(100))).map(Decision::desired).hasValue(3);
    }

    @Test
    void aMetricAtOrJustBelowTheTargetChangesNothing() {
        assertThat(decide(target(1, 10), 2, 100, policy(100))).isEmpty();
        // 3 * 0.1 / 0.1 is 3.0000000000000004 in doubles: still 3 instances
        assertThat(decide(target(1, 10), 3, 0.1, policy(0.1))).isEmpty();
        assertThat(decide(target(1, 10), 10, 95, policy(100))).isEmpty();
    }

    @Test
    void scaleOutIsClampedToMaxCapacityAndNothingHappensAtMax() {
        assertThat(decide(target(1, 4), 1, 10_000, policy(100))).map(Decision::desired).hasValue(4);
        assertThat(decide(target(1, 4), 4, 10_000, policy(100))).isEmpty();
        assertThat(decide(target(1, Integer.MAX_VALUE), 1_000_000, 1e300, policy(1e-100)))
                .map(Decision::desired).hasValue(Integer.MAX_VALUE);
    }

    @Test
    void scaleOutWaitsForTheScaleOutCooldownSinceTheLastScaleOut() {
        Instant now = T0.plusSeconds(1000);
        ScalableTarget recent = target(1, 10, now.minusSeconds(59), now.minusSeconds(59), SuspendedState.NONE);
        assertThat(decide(recent, 2, 500, policy(100))).isEmpty();
        ScalableTarget past = target(1, 10, now.minusSeconds(60), now.minusSeconds(1), SuspendedState.NONE);
        assertThat(decide(past, 2, 500, policy(100))).map(Decision::desired).hasValue(10);
    }

    @Test
    void scalesInWhenTheMetricIsBelowTheTargetByTheMarginAfterTheScaleInCooldown() {
        assertThat(decide(target(1, 10), 4, 10, policy(100))).hasValueSatisfying(d -> {
            assertThat(d.direction()).isEqualTo(Direction.IN);
            assertThat(d.desired()).isEqualTo(1);
        });
        assertThat(decide(target(2, 10), 4, 10, policy(100))).map(Decision::desired).hasValue(2);
        assertThat(decide(target(2, 10), 2, 0, policy(100))).isEmpty();
    }

    @Test
    void scaleInNeedsTheMetricTenPercentBelowTheTarget() {
        // 10 instances at 90 per instance would fit in 9, but 90 is not below 90% of 100
        assertThat(decide(target(1, 10), 10, 90, policy(100))).isEmpty();
        assertThat(decide(target(1, 10), 10, 89, policy(100))).map(Decision::desired).hasValue(9);
    }

    @Test
    void scaleInWaitsForTheScaleInCooldownSinceAnyScalingActivity() {
        Instant now = T0.plusSeconds(1000);
        // scaled out 100 s ago: the scale-in cooldown (120 s) counts from there too
        ScalableTarget afterOut = target(1, 10, now.minusSeconds(100), now.minusSeconds(100), SuspendedState.NONE);
        assertThat(decide(afterOut, 4, 10, policy(100))).isEmpty();
        ScalableTarget later = target(1, 10, now.minusSeconds(120), now.minusSeconds(120), SuspendedState.NONE);
        assertThat(decide(later, 4, 10, policy(100))).map(Decision::desired).hasValue(1);
    }

    @Test
    void defaultCooldownsAreThreeHundredSeconds() {
        Instant now = T0.plusSeconds(1000);
        TargetTrackingPolicy defaults = policy("d", 100, null, null, null);
        assertThat(decide(target(1, 10, now.minusSeconds(299), now.minusSeconds(299), SuspendedState.NONE), 4, 10,
                defaults)).isEmpty();
        assertThat(decide(target(1, 10, now.minusSeconds(300), now.minusSeconds(300), SuspendedState.NONE), 4, 10,
                defaults)).isPresent();
        assertThat(decide(target(1, 10, now.minusSeconds(299), now.minusSeconds(299), SuspendedState.NONE), 1, 500,
                defaults)).isEmpty();
    }

    @Test
    void disableScaleInKeepsCapacityButStillScalesOut() {
        TargetTrackingPolicy noIn = policy("n", 100, 60, 120, true);
        assertThat(decide(target(1, 10), 4, 0, noIn)).isEmpty();
        assertThat(decide(target(1, 10), 4, 200, noIn)).map(Decision::desired).hasValue(8);
        assertThat(decide(target(1, 10), 4, 0, policy("f", 100, 60, 120, false))).map(Decision::desired).hasValue(1);
    }

    @Test
    void suspendedDynamicScalingIsHonouredPerDirection() {
        ScalableTarget noOut = target(1, 10, null, null, new SuspendedState(false, true, false));
        assertThat(decide(noOut, 1, 500, policy(100))).isEmpty();
        assertThat(decide(noOut, 4, 0, policy(100))).map(Decision::desired).hasValue(1);
        ScalableTarget noIn = target(1, 10, null, null, new SuspendedState(true, false, false));
        assertThat(decide(noIn, 4, 0, policy(100))).isEmpty();
        assertThat(decide(noIn, 1, 500, policy(100))).map(Decision::desired).hasValue(5);
    }

    @Test
    void withSeveralPoliciesTheLargestCapacityWinsAndScaleInNeedsAllOfThem() {
        TargetTrackingPolicy low = policy("low", 50, 60, 120, null);
        TargetTrackingPolicy high = policy("high", 200, 60, 120, null);
        assertThat(decide(target(1, 10), 1, 300, low, high)).hasValueSatisfying(d -> {
            assertThat(d.desired()).isEqualTo(6);
            assertThat(d.policy().name()).isEqualTo("low");
        });
        // 46 per instance: "high" would scale in, "low" (target 50, scale in below 45) would not
        assertThat(decide(target(1, 10), 10, 46, low, high)).isEmpty();
        // 40 per instance: "low" proposes ceil(10 * 40 / 50) = 8, "high" 2; the least capacity removed wins
        assertThat(decide(target(1, 10), 10, 40, low, high)).hasValueSatisfying(d -> {
            assertThat(d.direction()).isEqualTo(Direction.IN);
            assertThat(d.desired()).isEqualTo(8);
            assertThat(d.policy().name()).isEqualTo("low");
        });
    }

    @Test
    void noPoliciesOrNoUsableMetricChangesNothing() {
        assertThat(TargetTrackingRule.decide(target(1, 10), List.of(), 1, 500, T0)).isEmpty();
        assertThat(decide(target(1, 10), 1, Double.NaN, policy(100))).isEmpty();
        assertThat(decide(target(1, 10), 1, -1, policy(100))).isEmpty();
    }
}
