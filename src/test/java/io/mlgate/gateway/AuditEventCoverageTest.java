package io.mlgate.gateway;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sts.StsClient;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6 acceptance: every protocol's calls (allowed, denied by IAM, and failing authentication) produce one
 * well-formed CloudTrail record each, checked against {@link CloudTrailRecordSchema}; so do requests no service
 * understands.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditEventCoverageTest extends RunningGateway {

    /** eventSource -> (kind of outcome -> request id). */
    private final Map<String, Map<String, String>> calls = new LinkedHashMap<>();

    @BeforeAll
    void callEveryProtocol() throws Exception {
        Map<String, String[]> profiles = DemoCredentialsFile.read(home.resolve("keys/demo-credentials"));
        String[] admin = profiles.get("demo-admin");
        String[] guest = profiles.get("demo-guest");
        String[] forged = {admin[0], "not-the-secret-" + "x".repeat(25)};

        // SageMaker Runtime (REST-JSON, data event)
        exercise("runtime.sagemaker.amazonaws.com", SageMakerRuntimeClient.builder(), admin, guest, forged,
                c -> c.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                        .body(SdkBytes.fromUtf8String("5.1,3.5,1.4,0.2"))));
        // IAM (query protocol)
        exercise("iam.amazonaws.com", IamClient.builder(), admin, guest, forged, IamClient::listUsers);
        // STS (query protocol): GetCallerIdentity is never denied, AssumeRole is
        exercise("sts.amazonaws.com", StsClient.builder(), admin, guest, forged,
                c -> c.assumeRole(r -> r.roleArn("arn:aws:iam::123456789012:role/service/demo-inference")
                        .roleSessionName("coverage")));
        // KMS (JSON 1.1)
        exercise("kms.amazonaws.com", KmsClient.builder(), admin, guest, forged, KmsClient::listKeys);
        // CloudTrail (JSON 1.1)
        exercise("cloudtrail.amazonaws.com", CloudTrailClient.builder(), admin, guest, forged,
                c -> c.lookupEvents(r -> r.maxResults(1)));

        // a request no service understands, unsigned
        HttpClient http = HttpClient.newBuilder().sslContext(clientContext("TLS")).build();
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/no/such/route")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        calls.put("gateway.mlgate", Map.of("unknown", unknown.headers().firstValue("x-amzn-RequestId").orElseThrow()));
    }

    private <C extends software.amazon.awssdk.core.SdkClient, B extends AwsClientBuilder<B, C>> void exercise(
            String source, B builder, String[] allowed, String[] denied, String[] forged, Consumer<C> call)
            throws Exception {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("allowed", run(builder, allowed, call, false));
        ids.put("denied", run(builder, denied, call, true));
        ids.put("unauthenticated", run(builder, forged, call, true));
        calls.put(source, ids);
    }

    private <C extends software.amazon.awssdk.core.SdkClient, B extends AwsClientBuilder<B, C>> String run(
            B builder, String[] key, Consumer<C> call, boolean mustFail) throws Exception {
        List<String> requestIds = new ArrayList<>();
        builder.endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key[0], key[1])))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1))
                        .addExecutionInterceptor(new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                            @Override
                            public void afterTransmission(
                                    software.amazon.awssdk.core.interceptor.Context.AfterTransmission context,
                                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                                context.httpResponse().firstMatchingHeader("x-amzn-RequestId")
                                        .ifPresent(requestIds::add);
                            }
                        }));
        ((software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?>) builder).httpClient(
                ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build());
        try (C client = builder.build()) {
            try {
                call.accept(client);
                assertThat(mustFail).as("the call should have failed").isFalse();
            } catch (SdkException e) {
                assertThat(mustFail).as("unexpected failure: " + e.getMessage()).isTrue();
            }
        }
        assertThat(requestIds).hasSize(1);
        return requestIds.get(0);
    }

    @Test
    void everyRecordInTheTrailConformsToTheCloudTrailSchema() throws Exception {
        List<JsonNode> events = auditEvents();
        assertThat(events).isNotEmpty();
        Map<String, List<String>> bad = new LinkedHashMap<>();
        for (JsonNode event : events) {
            List<String> v = CloudTrailRecordSchema.violations(event);
            if (!v.isEmpty()) {
                bad.put(event.path("eventName").asString() + " " + event.path("requestID").asString(), v);
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void everyProtocolRecordsAllowedDeniedAndUnauthenticatedCalls() throws Exception {
        for (var bySource : calls.entrySet()) {
            for (var outcome : bySource.getValue().entrySet()) {
                JsonNode event = auditEvent(outcome.getValue());
                String what = bySource.getKey() + " " + outcome.getKey();
                assertThat(CloudTrailRecordSchema.violations(event)).as(what).isEmpty();
                switch (outcome.getKey()) {
                    case "allowed" -> {
                        assertThat(event.has("errorCode")).as(what).isFalse();
                        assertThat(event.path("additionalEventData").path("policyDecision").path("outcome")
                                .asString()).as(what).isEqualTo("ALLOW");
                    }
                    case "denied" -> {
                        assertThat(event.path("errorCode").asString()).as(what).containsIgnoringCase("AccessDenied");
                        assertThat(event.path("userIdentity").path("type").asString()).as(what).isEqualTo("IAMUser");
                    }
                    case "unauthenticated" -> {
                        assertThat(event.path("errorCode").asString()).as(what).isNotEmpty();
                        assertThat(event.path("userIdentity").path("type").asString()).as(what).isEqualTo("Unknown");
                    }
                    case "unknown" -> assertThat(event.path("eventName").asString()).isEqualTo("UnknownOperation");
                    default -> throw new AssertionError(outcome.getKey());
                }
                if (!bySource.getKey().equals("gateway.mlgate")) {
                    assertThat(event.path("eventSource").asString()).as(what)
                            .isEqualTo(bySource.getKey().replace("runtime.sagemaker", "sagemaker"));
                }
            }
        }
        JsonNode invoke = auditEvent(calls.get("runtime.sagemaker.amazonaws.com").get("allowed"));
        assertThat(invoke.path("eventCategory").asString()).isEqualTo("Data");
        assertThat(invoke.path("managementEvent").asBoolean()).isFalse();
        JsonNode listUsers = auditEvent(calls.get("iam.amazonaws.com").get("allowed"));
        assertThat(listUsers.path("eventCategory").asString()).isEqualTo("Management");
        assertThat(listUsers.path("readOnly").asBoolean()).isTrue();
    }
}
