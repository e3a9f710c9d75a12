package io.mlgate.pii.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.mlgate.audit.AuditEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class DiscoverySummaryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String JOB = "3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8";

    static DiscoverySummary summary() {
        TreeMap<String, Long> counts = new TreeMap<>();
        counts.put("EMAIL", 3L);
        counts.put("EMPLOYEE_ID", 2L);
        return new DiscoverySummary(JOB, List.of("/data/exports"), 2, true, List.of("EMPLOYEE_ID"),
                Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T10:05:00Z"), 12, 3, 1, 4096,
                counts);
    }

    private static ObjectNode request() {
        return (ObjectNode) JSON.readTree(summary().toRequest());
    }

    @Test
    void theRequestRoundTripsAndIsReadStrictly() {
        assertThat(DiscoverySummary.fromRequest(request())).isEqualTo(summary());

        ObjectNode extra = request();
        extra.put("SampleValue", "jane.doe@example.com");
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(extra)).hasMessageContaining("unknown member SampleValue");
        ObjectNode missing = request();
        missing.remove("CountsByType");
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(missing)).hasMessageContaining("missing member");
        ObjectNode negative = request();
        negative.put("FilesScanned", -1);
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(negative)).hasMessageContaining("FilesScanned");
        ObjectNode badType = request();
        ((ObjectNode) badType.get("CountsByType")).put("jane.doe@example.com", 1);
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(badType)).isInstanceOf(IllegalArgumentException.class);
        ObjectNode zero = request();
        ((ObjectNode) zero.get("CountsByType")).put("EMAIL", 0);
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(zero)).hasMessageContaining("positive count");
        ObjectNode badId = request();
        badId.put("JobId", "../../etc");
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(badId)).hasMessageContaining("JobId");
        ObjectNode backwards = request();
        backwards.put("EndTime", 0);
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(backwards)).hasMessageContaining("EndTime");
        ObjectNode fraction = request();
        fraction.put("BytesScanned", 1.5);
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(fraction)).hasMessageContaining("BytesScanned");
        ObjectNode longRoot = request();
        longRoot.putArray("Roots").add("x".repeat(DiscoverySummary.MAX_ROOT_CHARS + 1));
        assertThatThrownBy(() -> DiscoverySummary.fromRequest(longRoot)).hasMessageContaining("root");
    }

    @Test
    void theEventIsCloudTrailShapedWithCountsAndNoDetail() {
        Instant now = Instant.parse("2026-11-27T10:05:01Z");
        AuditEvent local = summary().event(now, "us-east-1", "123456789012",
                DiscoverySummary.Origin.local("operator"));
        JsonNode e = JSON.readTree(new String(local.toJsonBytes(), StandardCharsets.UTF_8));
        assertThat(e.path("eventVersion").asString()).isEqualTo("1.11");
        assertThat(e.path("eventSource").asString()).isEqualTo("pii.mlgate");
        assertThat(e.path("eventName").asString()).isEqualTo("PiiDiscoveryJob");
        assertThat(e.path("eventType").asString()).isEqualTo("AwsServiceEvent");
        assertThat(e.path("eventCategory").asString()).isEqualTo("Management");
        assertThat(e.path("managementEvent").asBoolean()).isTrue();
        assertThat(e.path("readOnly").asBoolean(true)).isFalse();
        assertThat(e.path("userIdentity").path("type").asString()).isEqualTo("AWSService");
        assertThat(e.path("userIdentity").path("invokedBy").asString()).isEqualTo("cli.mlgate");
        assertThat(e.path("sourceIPAddress").asString()).isEqualTo("cli.mlgate");
        assertThat(e.path("recipientAccountId").asString()).isEqualTo("123456789012");
        assertThat(e.path("eventTime").asString()).isEqualTo("2026-11-27T10:05:01Z");
        JsonNode req = e.path("requestParameters");
        assertThat(req.path("roots").get(0).asString()).isEqualTo("/data/exports");
        assertThat(req.path("pathCount").asInt()).isEqualTo(2);
        assertThat(req.path("modelStore").asBoolean()).isTrue();
        assertThat(req.path("customDetectors").get(0).asString()).isEqualTo("EMPLOYEE_ID");
        JsonNode res = e.path("responseElements");
        assertThat(res.path("jobId").asString()).isEqualTo(JOB);
        assertThat(res.path("jobStatus").asString()).isEqualTo("COMPLETE");
        assertThat(res.path("startTime").asString()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(res.path("findings").asLong()).isEqualTo(5);
        assertThat(res.path("filesScanned").asLong()).isEqualTo(12);
        assertThat(res.path("bytesScanned").asLong()).isEqualTo(4096);
        assertThat(res.path("countsByType").path("EMAIL").asLong()).isEqualTo(3);
        assertThat(res.path("countsByType").size()).isEqualTo(2);
        assertThat(e.path("additionalEventData").path("recordedVia").asString()).isEqualTo("local");
        assertThat(e.path("additionalEventData").path("osUser").asString()).isEqualTo("operator");

        AuditEvent relayed = summary().event(now, "us-east-1", "123456789012",
                DiscoverySummary.Origin.gateway("arn:aws:iam::123456789012:user/demo-admin", "10.0.0.7"));
        JsonNode g = JSON.readTree(new String(relayed.toJsonBytes(), StandardCharsets.UTF_8));
        assertThat(g.path("sourceIPAddress").asString()).isEqualTo("10.0.0.7");
        assertThat(g.path("additionalEventData").path("recordedVia").asString()).isEqualTo("gateway");
        assertThat(g.path("additionalEventData").path("reportedBy").asString())
                .isEqualTo("arn:aws:iam::123456789012:user/demo-admin");
        assertThat(g.path("additionalEventData").has("osUser")).isFalse();
        // the same job gives the same event shape either way
        assertThat(g.path("responseElements")).isEqualTo(e.path("responseElements"));
        assertThat(g.path("requestParameters")).isEqualTo(e.path("requestParameters"));
    }
}
