package io.mlgate.audit.index;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RecordFieldsTest {

    private static RecordFields parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return RecordFields.parse(b, 0, b.length);
    }

    @Test
    void usernameOfEachIdentityType() {
        assertThat(RecordFields.username("IAMUser", "arn:aws:iam::123456789012:user/path/alice", "alice"))
                .isEqualTo("alice");
        assertThat(RecordFields.username("AssumedRole", "arn:aws:sts::123456789012:assumed-role/demo/s1", null))
                .isEqualTo("s1");
        assertThat(RecordFields.username("AssumedRole", "arn:aws:sts::123456789012:assumed-role/demo/s1", "demo"))
                .as("the session name, not a userName").isEqualTo("s1");
        assertThat(RecordFields.username("Root", "arn:aws:iam::123456789012:root", null)).isEqualTo("root");
        assertThat(RecordFields.username("FederatedUser", "arn:aws:sts::123456789012:federated-user/Bob", null))
                .isEqualTo("Bob");
        assertThat(RecordFields.username("WebIdentityUser", null, "sub-1")).isEqualTo("sub-1");
        assertThat(RecordFields.username("Unknown", null, null)).isNull();
    }

    @Test
    void lastPartOfArns() {
        assertThat(RecordFields.lastPart("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris")).isEqualTo("iris");
        assertThat(RecordFields.lastPart("arn:aws:sns:us-east-1:123456789012:topic")).isEqualTo("topic");
        assertThat(RecordFields.lastPart("*")).isEqualTo("*");
    }

    @Test
    void readsTheIndexedFieldsAndSkipsTheRest() {
        RecordFields f = parse("{\"eventVersion\":\"1.11\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":"
                + "\"AROA:s1\",\"arn\":\"arn:aws:sts::1:assumed-role/r/s1\",\"accessKeyId\":\"ASIA1\","
                + "\"sessionContext\":{\"sessionIssuer\":{\"userName\":\"r\"}}},\"eventTime\":\"2026-11-26T07:37:22Z\","
                + "\"eventSource\":\"sagemaker.amazonaws.com\",\"eventName\":\"InvokeEndpoint\","
                + "\"requestParameters\":{\"eventName\":\"decoy\",\"resources\":[{\"ARN\":\"decoy\"}]},"
                + "\"eventID\":\"e1\",\"readOnly\":false,\"resources\":[{\"ARN\":\"arn:x:endpoint/a\",\"accountId\":\"1\","
                + "\"type\":\"T\"},{\"ARN\":\"arn:y\"}],\"eventCategory\":\"Data\"}");
        assertThat(f.eventSecond).isEqualTo(java.time.Instant.parse("2026-11-26T07:37:22Z").getEpochSecond());
        assertThat(f.eventName).isEqualTo("InvokeEndpoint");
        assertThat(f.eventSource).isEqualTo("sagemaker.amazonaws.com");
        assertThat(f.eventId).isEqualTo("e1");
        assertThat(f.readOnly).isZero();
        assertThat(f.username).isEqualTo("s1");
        assertThat(f.accessKeyId).isEqualTo("ASIA1");
        assertThat(f.eventCategory).isEqualTo("Data");
        assertThat(f.resourceArns).containsExactly("arn:x:endpoint/a", "arn:y");
        assertThat(f.resourceTypes).containsExactly("T", null);
    }

    @Test
    void aRecordWithoutAUsableTimeIsNotIndexed() {
        assertThat(parse("{\"eventName\":\"X\"}")).isNull();
        assertThat(parse("{\"eventTime\":\"yesterday\"}")).isNull();
        assertThat(parse("{\"eventTime\":\"2026-02-30T00:00:00Z\"}")).isNull();
        assertThat(parse("[1]")).isNull();
        assertThat(parse("{\"eventTime\":\"2026-11-26T07:37:22Z\"")).as("cut short").isNull();
        assertThat(parse("{\"eventTime\":\"2026-11-26T07:37:22.5Z\"}").eventSecond)
                .isEqualTo(java.time.Instant.parse("2026-11-26T07:37:22Z").getEpochSecond());
    }

    @Test
    void eventIdKeysAreExact() {
        String id = "8f14e45f-ceea-467f-a0e6-1e1b2b2c3d4e";
        assertThat(EventIdKey.of(id)).containsExactly(EventIdKey.of(id));
        assertThat(EventIdKey.of(id)).isNotEqualTo(EventIdKey.of(id.toUpperCase()));
        assertThat(EventIdKey.of("not-a-uuid")).isNotEqualTo(EventIdKey.of("not-a-uuid2"));
        assertThat(EventIdKey.of("not-a-uuid")).containsExactly(EventIdKey.of("not-a-uuid"));
    }
}
