package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AuditEventJsonTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static JsonNode tree(AuditEvent e) {
        return MAPPER.readTree(new String(e.toJsonBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void dataEventHasEveryRequiredFieldWithTheRightType() {
        JsonNode j = tree(AuditEvents.invokeEndpoint("req-1").build());

        assertThat(j.get("eventVersion").stringValue()).isEqualTo("1.11");
        assertThat(j.get("userIdentity").isObject()).isTrue();
        assertThat(j.get("userIdentity").get("type").stringValue()).isEqualTo("AssumedRole");
        assertThat(j.get("userIdentity").get("accessKeyId").stringValue()).isEqualTo("ASIAEXAMPLETEMPKEY01");
        assertThat(j.get("eventTime").stringValue()).isEqualTo("2026-11-26T07:37:22Z");
        assertThat(j.get("eventSource").stringValue()).isEqualTo("sagemaker.amazonaws.com");
        assertThat(j.get("eventName").stringValue()).isEqualTo("InvokeEndpoint");
        assertThat(j.get("awsRegion").stringValue()).isEqualTo("us-east-1");
        assertThat(j.get("sourceIPAddress").stringValue()).isEqualTo("10.0.0.7");
        assertThat(j.get("requestParameters").get("endpointName").stringValue()).isEqualTo("iris");
        assertThat(j.has("responseElements")).isTrue();
        assertThat(j.get("responseElements").isNull()).isTrue();
        assertThat(j.get("additionalEventData").get("modelLatencyMs").isIntegralNumber()).isTrue();
        assertThat(j.get("requestID").stringValue()).isEqualTo("req-1");
        assertThat(UUID.fromString(j.get("eventID").stringValue())).isNotNull();
        assertThat(j.get("readOnly").isBoolean()).isTrue();
        JsonNode r = j.get("resources").get(0);
        assertThat(r.get("ARN").stringValue()).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris");
        assertThat(r.get("accountId").stringValue()).isEqualTo("123456789012");
        assertThat(r.get("type").stringValue()).isEqualTo("AWS::SageMaker::Endpoint");
        assertThat(j.get("eventType").stringValue()).isEqualTo("AwsApiCall");
        assertThat(j.get("managementEvent").isBoolean()).isTrue();
        assertThat(j.get("managementEvent").booleanValue()).isFalse();
        assertThat(j.get("eventCategory").stringValue()).isEqualTo("Data");
        assertThat(j.get("recipientAccountId").stringValue()).isEqualTo("123456789012");
        assertThat(j.get("tlsDetails").get("tlsVersion").stringValue()).isEqualTo("TLSv1.3");
        assertThat(j.get("tlsDetails").get("clientProvidedHostHeader").stringValue()).isEqualTo("localhost:8443");
    }

    @Test
    void fieldsFollowCloudTrailOrder() {
        JsonNode j = tree(AuditEvents.invokeEndpoint("r").error("AccessDeniedException", "denied").build());
        assertThat(new ArrayList<>(j.propertyNames())).containsExactly(
                "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
                "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
                "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources",
                "eventType", "managementEvent", "recipientAccountId", "eventCategory", "tlsDetails");
    }

    @Test
    void nullableFieldsAreWrittenAsNullAndOptionalFieldsAreOmitted() {
        AuditEvent e = AuditEvent.builder()
                .userIdentity(UserIdentity.unknown())
                .eventTime(AuditEvents.T)
                .eventSource("sts.amazonaws.com")
                .eventName("GetCallerIdentity")
                .awsRegion("us-east-1")
                .sourceIPAddress("127.0.0.1")
                .requestID("r-2")
                .eventCategory(EventCategory.MANAGEMENT)
                .build();
        JsonNode j = tree(e);

        assertThat(j.has("requestParameters")).isTrue();
        assertThat(j.get("requestParameters").isNull()).isTrue();
        assertThat(j.has("responseElements")).isTrue();
        assertThat(j.get("responseElements").isNull()).isTrue();
        for (String optional : List.of("userAgent", "errorCode", "errorMessage", "additionalEventData", "readOnly",
                "resources", "apiVersion", "recipientAccountId", "vpcEndpointId", "tlsDetails")) {
            assertThat(j.has(optional)).as(optional).isFalse();
        }
        assertThat(j.get("userIdentity").propertyNames()).containsExactly("type");
        assertThat(j.get("userIdentity").get("type").stringValue()).isEqualTo("Unknown");
        assertThat(j.get("managementEvent").booleanValue()).isTrue();
        assertThat(j.get("eventCategory").stringValue()).isEqualTo("Management");
    }

    @Test
    void missingRequiredFieldsAreRejectedByName() {
        AuditEvent.Builder b = AuditEvents.invokeEndpoint("r");
        AuditEvent.Builder incomplete = AuditEvent.builder().eventName("InvokeEndpoint").requestID("r");
        assertThat(b.build()).isNotNull();
        assertThatThrownBy(incomplete::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("userIdentity").hasMessageContaining("eventTime")
                .hasMessageContaining("eventCategory").hasMessageNotContaining("eventName");
        assertThatThrownBy(() -> AuditEvent.builder().eventName("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventTimeIsUtcWithSecondPrecision() {
        AuditEvent e = AuditEvents.invokeEndpoint("r").eventTime(Instant.parse("2016-07-14T19:15:45.999999Z")).build();
        assertThat(tree(e).get("eventTime").stringValue()).isEqualTo("2016-07-14T19:15:45Z");
        AuditEvent next = AuditEvents.invokeEndpoint("r").eventTime(Instant.parse("2016-07-14T19:15:46Z")).build();
        assertThat(tree(next).get("eventTime").stringValue()).isEqualTo("2016-07-14T19:15:46Z");
    }

    @Test
    void eventIdsAreRandomUnlessGiven() {
        AuditEvent a = AuditEvents.invokeEndpoint("r").build();
        AuditEvent b = AuditEvents.invokeEndpoint("r").build();
        assertThat(a.eventID()).isNotEqualTo(b.eventID());
        UUID fixed = UUID.fromString("b7d4398e-b2f0-4faa-9c76-e2d316a8d67f");
        assertThat(tree(AuditEvents.invokeEndpoint("r").eventID(fixed).build()).get("eventID").stringValue())
                .isEqualTo(fixed.toString());
    }

    @Test
    void escapesQuotesNewlinesControlCharactersAndUnicode() {
        String nasty = "say \"hi\"\\ back\nline2\r\ttab \u0000\u0001\u001f\u007f é 漢字 \uD83D\uDE00 \u2028 </script>";
        AuditEvent e = AuditEvents.invokeEndpoint("r")
                .error("ValidationException", nasty)
                .requestParameters(EventData.builder().put("endpointName", nasty).put(nasty, "as a key").build())
                .build();
        byte[] bytes = e.toJsonBytes();

        for (byte b : bytes) {
            assertThat(b).as("no raw control byte").isNotIn((byte) '\n', (byte) '\r', (byte) 0, (byte) '\t');
        }
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).contains("\\\"hi\\\"").contains("\\n").contains("\\u0000").contains("\\u001F")
                .contains("漢字").contains("\uD83D\uDE00").contains("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris");
        JsonNode j = MAPPER.readTree(json);
        assertThat(j.get("errorMessage").stringValue()).isEqualTo(nasty);
        assertThat(j.get("requestParameters").get("endpointName").stringValue()).isEqualTo(nasty);
        assertThat(j.get("requestParameters").get(nasty).stringValue()).isEqualTo("as a key");
    }

    @Test
    void loneSurrogatesBecomeReplacementCharactersInsteadOfFailingTheRecord() {
        String broken = "a\uD800b\uDC00c\uD83D";
        AuditEvent e = AuditEvents.invokeEndpoint("r").userAgent(broken)
                .requestParameters(EventData.builder().put("endpointName", broken).build()).build();
        JsonNode j = tree(e);
        assertThat(j.get("userAgent").stringValue()).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
        assertThat(j.get("requestParameters").get("endpointName").stringValue()).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
    }

    @Test
    void userAgentAndErrorMessageAreTruncatedToOneKilobyteAtACharacterBoundary() {
        String longAscii = "x".repeat(5000);
        String emojis = "\uD83D\uDE00".repeat(300); // 4 UTF-8 bytes each: 1200 bytes
        AuditEvent e = AuditEvents.invokeEndpoint("r").userAgent(longAscii).error("E", emojis).build();
        JsonNode j = tree(e);
        String ua = j.get("userAgent").stringValue();
        String msg = j.get("errorMessage").stringValue();
        assertThat(ua).hasSize(1024).isEqualTo(longAscii.substring(0, 1024));
        assertThat(msg.getBytes(StandardCharsets.UTF_8).length).isEqualTo(1024);
        assertThat(msg).isEqualTo("\uD83D\uDE00".repeat(256));

        String shortUa = "aws-cli/2.9.19";
        assertThat(tree(AuditEvents.invokeEndpoint("r").userAgent(shortUa).build()).get("userAgent").stringValue())
                .isEqualTo(shortUa);
    }

    @Test
    void oversizedEventDataIsRejected() {
        EventData big = EventData.builder().put("policyDocument", "p".repeat(29 * 1024)).build();
        EventData fits = EventData.builder().put("policyDocument", "p".repeat(27 * 1024)).build();
        assertThat(AuditEvents.invokeEndpoint("r").additionalEventData(fits).build()).isNotNull();
        assertThat(AuditEvents.invokeEndpoint("r").requestParameters(big).build()).isNotNull();
        assertThatThrownBy(() -> AuditEvents.invokeEndpoint("r").additionalEventData(big).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("additionalEventData");
        EventData huge = EventData.builder().put("x", "p".repeat(101 * 1024)).build();
        assertThatThrownBy(() -> AuditEvents.invokeEndpoint("r").responseElements(huge).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("responseElements");
    }

    @Test
    void assumedRoleIdentityMatchesTheReferenceShape() {
        UserIdentity id = UserIdentity.builder(IdentityType.ASSUMED_ROLE)
                .principalId("AROAEXAMPLEROLEID0001:s1")
                .arn("arn:aws:sts::123456789012:assumed-role/demo/s1")
                .accountId("123456789012")
                .accessKeyId("ASIAEXAMPLETEMPKEY01")
                .sessionContext(new SessionContext(
                        new SessionIssuer(IdentityType.ROLE, "AROAEXAMPLEROLEID0001",
                                "arn:aws:iam::123456789012:role/demo", "123456789012", "demo"),
                        "https://idp.example.com", null, Instant.parse("2026-11-26T07:37:22.5Z"), false, null))
                .build();
        JsonNode j = tree(AuditEvents.invokeEndpoint("r").userIdentity(id).build()).get("userIdentity");
        JsonNode expected = MAPPER.readTree("""
                {"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID0001:s1",
                  "arn":"arn:aws:sts::123456789012:assumed-role/demo/s1","accountId":"123456789012",
                  "accessKeyId":"ASIAEXAMPLETEMPKEY01",
                  "sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEROLEID0001",
                     "arn":"arn:aws:iam::123456789012:role/demo","accountId":"123456789012","userName":"demo"},
                   "webIdFederationData":{"federatedProvider":"https://idp.example.com","attributes":{}},
                   "attributes":{"creationDate":"2026-11-26T07:37:22Z","mfaAuthenticated":"false"}}}
                """);
        assertThat(j).isEqualTo(expected);
    }

    @Test
    void webIdentityUserMatchesTheReferenceShape() {
        UserIdentity id = UserIdentity.builder(IdentityType.WEB_IDENTITY_USER)
                .principalId("https://idp.example.com:gateway:user-123")
                .userName("user-123")
                .identityProvider("https://idp.example.com")
                .build();
        JsonNode j = tree(AuditEvents.invokeEndpoint("r").userIdentity(id).build()).get("userIdentity");
        assertThat(j).isEqualTo(MAPPER.readTree("""
                {"type":"WebIdentityUser","principalId":"https://idp.example.com:gateway:user-123",
                  "userName":"user-123","identityProvider":"https://idp.example.com"}
                """));
    }

    @Test
    void toStringsDoNotEchoParameterValues() {
        AuditEvent e = AuditEvents.invokeEndpoint("r")
                .requestParameters(EventData.builder().put("endpointName", "secret-ish-value").build()).build();
        assertThat(e.toString()).doesNotContain("secret-ish-value");
        assertThat(e.requestParameters().toString()).doesNotContain("secret-ish-value").contains("endpointName");
    }
}
