package io.mlgate.autoscaling;

import io.mlgate.protocol.json.JsonServiceException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scaler driven pass by pass with a fake clock and fake counters: it measures invocations per instance per
 * minute over the window, scales out under load, back in after the cooldown, and records what it did.
 */
class AutoscalerTest {

    @TempDir
    Path dataDir;

    AutoscalingFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new AutoscalingFixture(dataDir);
        f.variants.endpoint("ep", "A", 1, "B", 1);
        f.register("ep", "A", 1, 4);
    }

    /** 60 calls per minute per instance as the target, scale-out cooldown 30 s, scale-in cooldown 60 s. */
    void policy() throws JsonServiceException {
        f.policy("ep", "A", "p", 60, "\"ScaleOutCooldown\": 30, \"ScaleInCooldown\": 60");
    }

    JsonNode lastActivity() throws JsonServiceException {
        return f.activities("ep", "A").get("ScalingActivities").get(0);
    }

    @Test
    void scalesOutUnderLoadAndBackInOnceTheLoadIsGoneAndTheCooldownHasPassed() throws Exception {
        policy();
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick(); // the first sample: no metric yet
        assertThat(f.variants.changes).isEmpty();

        f.variants.load("ep", "A", 100, 1); // 100 calls in 10 s on 1 instance: 600 per minute per instance
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=4"); // ceil(1 * 600 / 60) = 10, clamped to 4
        assertThat(f.variants.count("ep", "A")).isEqualTo(4);
        assertThat(f.variants.count("ep", "B")).isEqualTo(1);
        JsonNode out = lastActivity();
        assertThat(out.get("Description").stringValue()).isEqualTo("Setting desired instance count to 4.");
        assertThat(out.get("Cause").stringValue()).startsWith("monitor alarm TargetTracking-endpoint/ep/variant/A-AlarmHigh-")
                .endsWith(" in state ALARM triggered policy p");
        assertThat(out.get("StatusCode").stringValue()).isEqualTo("Successful");
        assertThat(out.get("StatusMessage").stringValue())
                .isEqualTo("Successfully set desired instance count to 4. Change successfully fulfilled by sagemaker.");
        assertThat(out.get("StartTime").decimalValue().longValue()).isEqualTo(AutoscalingFixture.T0.getEpochSecond() + 10);

        // the load goes on for 10 s on 4 workers, then stops
        f.variants.load("ep", "A", 200, 4);
        f.tickAfter(10);
        assertThat(f.variants.changes).hasSize(1);
        for (int i = 0; i < 4; i++) { // t = 30 .. 60 s: the window still holds the calls of t = 0 .. 20
            f.tickAfter(10);
        }
        assertThat(f.variants.changes).hasSize(1);
        // t = 70 s: the window (10 .. 70 s) holds 100 calls on 4 instances, 25 per instance per minute:
        // ceil(4 * 25 / 60) = 2, and the scale-in cooldown (60 s since t = 10 s) has passed
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=4", "ep/A=2");
        JsonNode in = lastActivity();
        assertThat(in.get("Description").stringValue()).isEqualTo("Setting desired instance count to 2.");
        assertThat(in.get("Cause").stringValue()).contains("-AlarmLow-").endsWith("triggered policy p");
        f.variants.load("ep", "A", 200, 2);
        for (int i = 0; i < 5; i++) { // t = 80 .. 120 s: no calls, but within 60 s of the last scale-in
            f.tickAfter(10);
        }
        assertThat(f.variants.changes).hasSize(2);
        f.tickAfter(10); // t = 130 s
        assertThat(f.variants.changes).containsExactly("ep/A=4", "ep/A=2", "ep/A=1");
    }

    @Test
    void theMetricIsPerInstanceAndPerMinute() throws Exception {
        policy();
        f.variants.set("ep", "A", 2);
        f.variants.load("ep", "A", 0, 2);
        f.scaler.tick();
        // 30 calls in 15 s on 2 instances: 60 per minute per instance, exactly the target
        f.variants.load("ep", "A", 30, 2);
        f.tickAfter(15);
        assertThat(f.variants.changes).isEmpty();
        // 12 more calls in 4 s: over the 19 s, 42 calls, 66.3 per minute per instance: ceil(2 * 66.3 / 60) = 3
        f.variants.load("ep", "A", 42, 2);
        f.tickAfter(4);
        assertThat(f.variants.changes).containsExactly("ep/A=3");
    }

    @Test
    void theScaleInCooldownCountsFromTheLastScalingActivity() throws Exception {
        f.policy("ep", "A", "p", 60, "\"ScaleOutCooldown\": 0, \"ScaleInCooldown\": 300");
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 100, 1);
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=4");
        f.variants.load("ep", "A", 100, 4);
        for (int i = 0; i < 29; i++) { // up to t = 300 s: idle, but 300 s have not passed since t = 10 s
            f.tickAfter(10);
        }
        assertThat(f.variants.changes).hasSize(1);
        f.tickAfter(10); // t = 310 s
        assertThat(f.variants.changes).containsExactly("ep/A=4", "ep/A=1");
    }

    @Test
    void theScaleOutCooldownHoldsAFurtherScaleOut() throws Exception {
        f.register("ep", "A", 1, 10);
        f.policy("ep", "A", "p", 60, "\"ScaleOutCooldown\": 60, \"ScaleInCooldown\": 60");
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 20, 1); // 120 per minute: 2 instances
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=2");
        f.variants.load("ep", "A", 120, 2); // much more load, but within 60 s of the scale-out
        f.tickAfter(10);
        f.tickAfter(10);
        assertThat(f.variants.changes).hasSize(1);
        f.variants.load("ep", "A", 400, 2);
        f.tickAfter(40); // t = 70 s: the cooldown has passed
        assertThat(f.variants.changes).hasSize(2);
        assertThat(f.variants.count("ep", "A")).isGreaterThan(2);
    }

    @Test
    void disableScaleInKeepsTheAddedCapacity() throws Exception {
        f.policy("ep", "A", "p", 60, "\"ScaleOutCooldown\": 0, \"ScaleInCooldown\": 0, \"DisableScaleIn\": true");
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 30, 1);
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=3");
        f.variants.load("ep", "A", 30, 3);
        for (int i = 0; i < 20; i++) {
            f.tickAfter(10);
        }
        assertThat(f.variants.changes).containsExactly("ep/A=3");
    }

    @Test
    void aCounterThatGoesDownStartsTheWindowAgain() throws Exception {
        policy();
        f.variants.load("ep", "A", 5_000, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 10, 1); // redeployed: new workers, new counter
        f.tickAfter(10);
        assertThat(f.variants.changes).isEmpty(); // not read as -4990 calls, nor as 10 calls since t = 0
        f.variants.load("ep", "A", 15, 1); // 5 calls in 10 s: 30 per minute, below the target
        f.tickAfter(10);
        assertThat(f.variants.changes).isEmpty();
    }

    @Test
    void nothingHappensWithoutAPolicyOrWhileTheEndpointIsNotInService() throws Exception {
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 1_000, 1);
        f.tickAfter(10);
        assertThat(f.variants.changes).isEmpty();

        policy();
        f.variants.inService = false;
        f.variants.load("ep", "A", 2_000, 1);
        f.tickAfter(10);
        assertThat(f.variants.changes).isEmpty();
        assertThat(f.activities("ep", "A").get("ScalingActivities")).isEmpty();
        f.variants.inService = true;
        f.variants.load("ep", "A", 3_000, 1);
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=4");
    }

    @Test
    void aRefusedChangeIsRecordedAsFailedAndTriedAgainAfterAWindow() throws Exception {
        policy();
        f.variants.refusal = new JsonServiceException("ValidationException", 400,
                "Cannot update in-progress endpoint \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep\".");
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 100, 1);
        f.tickAfter(10);
        JsonNode failed = lastActivity();
        assertThat(failed.get("StatusCode").stringValue()).isEqualTo("Failed");
        assertThat(failed.get("StatusMessage").stringValue()).isEqualTo("Failed to set desired instance count to 4. "
                + "Reason: Cannot update in-progress endpoint \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep\".");
        assertThat(f.variants.count("ep", "A")).isEqualTo(1);
        f.variants.load("ep", "A", 200, 1);
        f.tickAfter(10);
        assertThat(f.activities("ep", "A").get("ScalingActivities")).hasSize(1); // not again within the window
        f.variants.refusal = null;
        f.variants.load("ep", "A", 800, 1);
        f.tickAfter(60);
        assertThat(f.variants.changes).containsExactly("ep/A=4");
        assertThat(lastActivity().get("StatusCode").stringValue()).isEqualTo("Successful");
    }

    @Test
    void theScalerKeepsCapacityWithinTheRangeWhenTheEndpointComesIntoService() throws Exception {
        f.variants.inService = false;
        f.register("ep", "B", 3, 5); // cannot change an endpoint that is not InService: nothing yet
        assertThat(f.variants.changes).isEmpty();
        f.variants.inService = true;
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/B=3");
        JsonNode a = f.activities("ep", "B").get("ScalingActivities").get(0);
        assertThat(a.get("Cause").stringValue()).isEqualTo("minimum capacity was set to 3");
        // someone sets 9 through UpdateEndpointWeightsAndCapacities: brought back to the maximum
        f.variants.set("ep", "B", 9);
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/B=3", "ep/B=5");
        assertThat(f.activities("ep", "B").get("ScalingActivities").get(0).get("Cause").stringValue())
                .isEqualTo("maximum capacity was set to 5");
    }

    @Test
    void onlyTheLastActivitiesOfATargetAreKept() throws Exception {
        f = new AutoscalingFixture(dataDir.resolve("small"), new Autoscaler.Settings(Duration.ofSeconds(10),
                Duration.ofSeconds(60), 3));
        f.variants.endpoint("ep", "A", 1);
        for (int min = 2; min <= 5; min++) {
            f.register("ep", "A", min, 5);
        }
        JsonNode list = f.activities("ep", "A").get("ScalingActivities");
        assertThat(list).hasSize(3);
        assertThat(list.get(0).get("Description").stringValue()).isEqualTo("Setting desired instance count to 5.");
        assertThat(list.get(2).get("Description").stringValue()).isEqualTo("Setting desired instance count to 3.");
    }

    @Test
    void aDeregisteredTargetIsLeftAlone() throws Exception {
        policy();
        f.call("DeregisterScalableTarget", """
                {"ServiceNamespace": "sagemaker", "ResourceId": "endpoint/ep/variant/A",
                 "ScalableDimension": "sagemaker:variant:DesiredInstanceCount"}""");
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 1_000, 1);
        f.tickAfter(10);
        assertThat(f.variants.changes).isEmpty();
    }
}
