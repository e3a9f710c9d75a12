package io.mlgate.audit;

import java.time.Instant;

/** Builders of realistic events for tests. */
final class AuditEvents {

    static final Instant T = Instant.parse("2026-11-26T07:37:22.789Z");

    private AuditEvents() {
    }

    /** An InvokeEndpoint data event by an assumed role, with every commonly used field set. */
    static AuditEvent.Builder invokeEndpoint(String requestId) {
        return AuditEvent.builder()
                .userIdentity(UserIdentity.builder(IdentityType.ASSUMED_ROLE)
                        .principalId("AROAEXAMPLEROLEID0001:s1")
                        .arn("arn:aws:sts::123456789012:assumed-role/demo/s1")
                        .accountId("123456789012")
                        .accessKeyId("ASIAEXAMPLETEMPKEY01")
                        .build())
                .eventTime(T)
                .eventSource("sagemaker.amazonaws.com")
                .eventName("InvokeEndpoint")
                .awsRegion("us-east-1")
                .sourceIPAddress("10.0.0.7")
                .userAgent("aws-cli/2.9.19 Python/3.9.11 Linux/5.10")
                .requestParameters(EventData.builder()
                        .put("endpointName", "iris")
                        .put("contentType", "text/csv")
                        .build())
                .additionalEventData(EventData.builder()
                        .put("invokedProductionVariant", "v1")
                        .put("modelLatencyMs", 3L)
                        .put("payloadSha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                        .build())
                .requestID(requestId)
                .readOnly(false)
                .addResource(new EventResource("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris",
                        "123456789012", "AWS::SageMaker::Endpoint"))
                .eventCategory(EventCategory.DATA)
                .recipientAccountId("123456789012")
                .tlsDetails(new TlsDetails("TLSv1.3", "TLS_AES_128_GCM_SHA256", "localhost:8443"));
    }
}
