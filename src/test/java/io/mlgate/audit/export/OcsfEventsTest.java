package io.mlgate.audit.export;

import static io.mlgate.audit.export.StandardTrail.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import io.mlgate.audit.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class OcsfEventsTest {

    @ParameterizedTest
    @CsvSource({
            "CreateEndpoint,1", "AddTags,1", "DescribeEndpoint,2", "GetCallerIdentity,2", "ListEndpoints,2",
            "LookupEvents,2", "UpdateEndpointWeightsAndCapacities,3", "PutRolePolicy,3", "TagResource,3",
            "DeleteEndpoint,4", "RevokeGrant,4", "InvokeEndpoint,99", "AssumeRole,99", "Decrypt,99",
            "GenerateDataKey,99", "Settle,99", "Listen,99", "Get,2", "Getaway,99"})
    void activityFollowsTheOperationsLeadingVerb(String operation, int activity) {
        assertThat(OcsfEvents.activityId(operation)).isEqualTo(activity);
    }

    @Test
    void anAllowedInvokeEndpoint() throws IOException {
        AuditEvent e = TrailFixture.invoke(t("10:00:05"), "iris");
        JsonNode o = Records.ocsf(e);
        assertThat(o.get("class_uid").intValue()).isEqualTo(6003);
        assertThat(o.get("category_uid").intValue()).isEqualTo(6);
        assertThat(o.get("activity_id").intValue()).isEqualTo(99);
        assertThat(o.get("activity_name").stringValue()).isEqualTo("Other");
        assertThat(o.get("type_uid").longValue()).isEqualTo(600399);
        assertThat(o.get("time").longValue()).isEqualTo(t("10:00:05").toEpochMilli());
        assertThat(o.get("status").stringValue()).isEqualTo("Success");
        assertThat(o.get("status_id").intValue()).isEqualTo(1);
        assertThat(o.has("status_code")).isFalse();
        JsonNode user = o.at("/actor/user");
        assertThat(user.get("type").stringValue()).isEqualTo("AssumedRole");
        assertThat(user.get("uid").stringValue()).isEqualTo("arn:aws:sts::123456789012:assumed-role/demo/s1");
        assertThat(user.get("uid_alt").stringValue()).isEqualTo("AROAEXAMPLEROLEID0001:s1");
        assertThat(user.get("name").stringValue()).isEqualTo("s1");
        assertThat(user.get("credential_uid").stringValue()).isEqualTo("ASIAEXAMPLETEMPKEY01");
        assertThat(user.at("/account/uid").stringValue()).isEqualTo("123456789012");
        assertThat(o.at("/actor/session/issuer").stringValue()).isEqualTo("arn:aws:iam::123456789012:role/demo");
        assertThat(o.at("/actor/session/is_mfa").booleanValue()).isTrue();
        assertThat(o.at("/api/operation").stringValue()).isEqualTo("InvokeEndpoint");
        assertThat(o.at("/api/service/name").stringValue()).isEqualTo("sagemaker.amazonaws.com");
        assertThat(o.at("/api/request/uid").stringValue()).isEqualTo(e.requestID());
        assertThat(o.at("/api/request/data/endpointName").stringValue()).isEqualTo("iris");
        assertThat(o.at("/api/response").has("error")).isFalse();
        assertThat(o.at("/src_endpoint/ip").stringValue()).isEqualTo("10.0.0.7");
        assertThat(o.at("/http_request/user_agent").stringValue()).startsWith("aws-cli/2.9.19");
        assertThat(o.at("/cloud/provider").stringValue()).isEqualTo("mlgate");
        assertThat(o.at("/cloud/region").stringValue()).isEqualTo("us-east-1");
        assertThat(o.at("/cloud/account/uid").stringValue()).isEqualTo("123456789012");
        assertThat(o.at("/resources/0/uid").stringValue())
                .isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris");
        assertThat(o.at("/resources/0/name").stringValue()).isEqualTo("iris");
        assertThat(o.at("/resources/0/type").stringValue()).isEqualTo("AWS::SageMaker::Endpoint");
        assertThat(o.at("/resources/0/owner/account/uid").stringValue()).isEqualTo("123456789012");
        assertThat(o.at("/metadata/version").stringValue()).isEqualTo("1.1.0");
        assertThat(o.at("/metadata/product/name").stringValue()).isEqualTo("mlgate");
        assertThat(o.at("/metadata/product/version").stringValue()).isEqualTo("1.11");
        assertThat(o.at("/metadata/product/feature/name").stringValue()).isEqualTo("Data");
        assertThat(o.at("/metadata/uid").stringValue()).isEqualTo(e.eventID().toString());
        assertThat(o.at("/metadata/original_time").stringValue()).isEqualTo("2026-11-26T10:00:05Z");
        assertThat(o.at("/metadata/event_code").stringValue()).isEqualTo("AwsApiCall");
        assertThat(o.at("/unmapped/additionalEventData/policyDecision/outcome").stringValue()).isEqualTo("ALLOW");
        assertThat(o.at("/unmapped/additionalEventData/modelLatencyMs").decimalValue())
                .isEqualByComparingTo("3.25");
        assertThat(o.at("/unmapped/tlsDetails/tlsVersion").stringValue()).isEqualTo("TLSv1.3");
        assertThat(o.at("/unmapped/readOnly").booleanValue()).isFalse();
        assertThat(o.at("/unmapped/userIdentity/sessionContext/sessionIssuer/userName").stringValue())
                .isEqualTo("demo");
        assertThat(o.at("/unmapped").has("eventName")).isFalse();
    }

    @Test
    void aDeniedCall() throws IOException {
        AuditEvent e = TrailFixture.denied(t("10:20:00"));
        JsonNode o = Records.ocsf(e);
        assertThat(o.get("activity_id").intValue()).isEqualTo(4);
        assertThat(o.get("type_uid").longValue()).isEqualTo(600304);
        assertThat(o.get("type_name").stringValue()).isEqualTo("API Activity: Delete");
        assertThat(o.get("status").stringValue()).isEqualTo("Failure");
        assertThat(o.get("status_id").intValue()).isEqualTo(2);
        assertThat(o.get("status_code").stringValue()).isEqualTo("AccessDeniedException");
        assertThat(o.get("status_detail").stringValue()).contains("explicit deny");
        assertThat(o.at("/api/response/error").stringValue()).isEqualTo("AccessDeniedException");
        assertThat(o.at("/api/response/error_message").stringValue()).contains("not authorized");
        assertThat(o.at("/actor/user/type").stringValue()).isEqualTo("IAMUser");
        assertThat(o.at("/actor/user/name").stringValue()).isEqualTo("mallory");
        assertThat(o.at("/actor").has("session")).isFalse();
        assertThat(o.at("/unmapped/additionalEventData/policyDecision/outcome").stringValue())
                .isEqualTo("EXPLICIT_DENY");
    }

    @Test
    void anUnauthenticatedCall() throws IOException {
        JsonNode o = Records.ocsf(TrailFixture.unauthenticated(t("10:21:00")));
        assertThat(o.get("activity_id").intValue()).isEqualTo(2);
        assertThat(o.get("type_uid").longValue()).isEqualTo(600302);
        assertThat(o.get("status_id").intValue()).isEqualTo(2);
        assertThat(o.get("status_code").stringValue()).isEqualTo("UnrecognizedClientException");
        JsonNode user = o.at("/actor/user");
        assertThat(user.get("type").stringValue()).isEqualTo("Unknown");
        assertThat(user.get("type_id").intValue()).isZero();
        assertThat(user.get("credential_uid").stringValue()).isEqualTo("AKIAUNKNOWNKEY000099");
        assertThat(user.has("uid")).isFalse();
        assertThat(user.has("account")).isFalse();
        assertThat(o.at("/api/request").has("data")).isFalse(); // requestParameters null
        assertThat(o.at("/src_endpoint/ip").stringValue()).isEqualTo("203.0.113.5");
        assertThat(o.at("/cloud").has("account")).isFalse();
        assertThat(o.has("resources")).isFalse();
    }

    @Test
    void anAssumeRole() throws IOException {
        JsonNode o = Records.ocsf(TrailFixture.assumeRole(t("10:00:30")));
        assertThat(o.get("activity_id").intValue()).isEqualTo(99);
        assertThat(o.get("type_uid").longValue()).isEqualTo(600399);
        assertThat(o.at("/api/service/name").stringValue()).isEqualTo("sts.amazonaws.com");
        assertThat(o.at("/api/response/data/assumedRoleUser/arn").stringValue())
                .isEqualTo("arn:aws:sts::123456789012:assumed-role/demo/s1");
        assertThat(o.at("/api/response/data/credentials").has("sessionToken")).isFalse();
        assertThat(o.at("/resources/0/type").stringValue()).isEqualTo("AWS::IAM::Role");
        assertThat(o.at("/resources/0/name").stringValue()).isEqualTo("demo");
        assertThat(o.at("/actor/user/name").stringValue()).isEqualTo("alice");
        assertThat(o.at("/metadata/product/feature/name").stringValue()).isEqualTo("Management");
    }

    @Test
    void numbersKeepTheirStoredDigits() throws IOException {
        String line = "{\"eventVersion\":\"1.11\",\"eventTime\":\"2026-11-26T10:00:00Z\",\"eventName\":\"X\","
                + "\"additionalEventData\":{\"a\":100.0,\"b\":1e3,\"c\":0.1000,\"d\":12345678901234567890}}";
        String out = Records.render(ExportFormat.OCSF, line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(out).contains("\"additionalEventData\":{\"a\":100.0,\"b\":1E+3,\"c\":0.1000,"
                + "\"d\":12345678901234567890}").endsWith("}\n");
    }

    @Test
    void aLineThatIsNotARecordStopsTheDerivation() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Records.render(ExportFormat.JSONL,
                        "{\"eventTime\":\"2026-11-26T10:00:00Z\"}".getBytes(), "not json".getBytes()))
                .isInstanceOf(IOException.class).hasMessageContaining("line 2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Records.render(ExportFormat.JSONL,
                        "{\"eventName\":\"X\"}".getBytes()))
                .isInstanceOf(IOException.class).hasMessageContaining("eventTime");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Records.render(ExportFormat.JSONL,
                        "{\"eventTime\":\"2026-11-26T10:00:00Z\",\"a\":1,\"a\":2}".getBytes()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void ipAddressesAndServiceNames() {
        assertThat(OcsfEvents.looksLikeIp("10.0.0.7")).isTrue();
        assertThat(OcsfEvents.looksLikeIp("2001:db8::1")).isTrue();
        assertThat(OcsfEvents.looksLikeIp("256.1.1.1")).isFalse();
        assertThat(OcsfEvents.looksLikeIp("cloudtrail.amazonaws.com")).isFalse();
    }
}
