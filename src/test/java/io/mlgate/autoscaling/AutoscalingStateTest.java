package io.mlgate.autoscaling;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Targets, policies, activities and cooldown times survive a restart; a damaged file is never emptied. */
class AutoscalingStateTest {

    @TempDir
    Path dataDir;

    @Test
    void everythingSurvivesARestartIncludingTheCooldowns() throws Exception {
        AutoscalingFixture f = new AutoscalingFixture(dataDir);
        f.variants.endpoint("ep", "A", 1);
        String arn = f.register("ep", "A", 1, 4).get("ScalableTargetARN").stringValue();
        String policyArn = f.policy("ep", "A", "p", 60, "\"ScaleOutCooldown\": 120, \"ScaleInCooldown\": 600")
                .get("PolicyARN").stringValue();
        f.variants.load("ep", "A", 0, 1);
        f.scaler.tick();
        f.variants.load("ep", "A", 20, 1); // 120 per minute: 2 instances
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=2");
        JsonNode activitiesBefore = f.activities("ep", "A");

        f.reopen(); // a restart, 10 s after the scale-out
        assertThat(f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\"}").get("ScalableTargets")
                .get(0).get("ScalableTargetARN").stringValue()).isEqualTo(arn);
        assertThat(f.call("DescribeScalingPolicies", "{\"ServiceNamespace\": \"sagemaker\"}").get("ScalingPolicies")
                .get(0).get("PolicyARN").stringValue()).isEqualTo(policyArn);
        assertThat(f.activities("ep", "A")).isEqualTo(activitiesBefore);

        // heavy load after the restart: the scale-out cooldown (120 s from t = 10 s) still holds
        f.variants.load("ep", "A", 1_000, 2);
        f.tickAfter(10);
        f.variants.load("ep", "A", 2_000, 2);
        f.tickAfter(10);
        assertThat(f.variants.changes).containsExactly("ep/A=2");
        f.variants.load("ep", "A", 10_000, 2);
        f.tickAfter(100); // t = 130 s
        assertThat(f.variants.changes).containsExactly("ep/A=2", "ep/A=4");
    }

    @Test
    void theFileIsOwnerOnlyAndADamagedFileFailsToOpen() throws Exception {
        AutoscalingFixture f = new AutoscalingFixture(dataDir);
        f.variants.endpoint("ep", "A", 1);
        f.register("ep", "A", 1, 4);
        Path file = dataDir.resolve("autoscaling/state.json");
        assertThat(Files.readString(file)).contains("\"format\" : \"mlgate-autoscaling-state\"")
                .contains("endpoint/ep/variant/A");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Files.writeString(file, "{\"format\": \"mlgate-autoscaling-state\", \"version\": 1, \"scalableTargets\": [");
        assertThatThrownBy(() -> AutoscalingState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not valid JSON");
        Files.writeString(file, "{\"format\": \"mlgate-autoscaling-state\", \"version\": 1, \"scalableTargets\": [], "
                + "\"scalingPolicies\": [{\"accountId\": \"123456789012\", \"resourceId\": \"endpoint/ep/variant/A\", "
                + "\"name\": \"p\", \"arn\": \"a\", \"targetValue\": 1, \"metricType\": \"m\", \"creationTime\": 0, "
                + "\"alarmHighId\": \"h\", \"alarmLowId\": \"l\"}], \"scalingActivities\": []}");
        assertThatThrownBy(() -> AutoscalingState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("has no scalable target");
        Files.writeString(file, "{\"format\": \"mlgate-autoscaling-state\", \"version\": 9}");
        assertThatThrownBy(() -> AutoscalingState.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("unsupported version");
        assertThat(Files.readString(file)).contains("\"version\": 9"); // never replaced
    }

    @Test
    void aNewDataDirectoryStartsEmpty() throws Exception {
        AutoscalingState s = AutoscalingState.open(dataDir.resolve("fresh"));
        assertThat(s.snapshot().targets()).isEmpty();
        assertThat(Files.exists(s.file())).isFalse();
    }
}
