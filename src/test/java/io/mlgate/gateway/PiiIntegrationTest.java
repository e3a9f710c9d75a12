package io.mlgate.gateway;

import io.mlgate.kms.api.KmsService;
import io.mlgate.runtime.UploadedModels;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PII layer end to end (issue 8), with the AWS SDK v2 as the client and a real ONNX model that echoes its input
 * (so what the model received is what comes back): detect, redact and block modes set by {@code mlgate:pii-*} tags
 * on CreateEndpointConfig; an IAM policy on {@code mlgate:PiiDetected} that denies and allows as written; an injected
 * detector failure that blocks; the audit event with types and counts and never a value.
 */
class PiiIntegrationTest extends RunningGateway {

    @Autowired
    UploadedModels uploads;

    @Autowired
    KmsService kms;


    static final String EMAIL = "jane.doe@example.com";
    static final String CARD = "4111 1111 1111 1111";
    static final String WITH_PII = "{\"note\":\"write to " + EMAIL + " today\",\"card\":\"" + CARD + "\"}";
    static final String CLEAN = "{\"note\":\"nothing personal here\",\"petals\":4}";

    /** Deploys the echo model as {@code endpoint}, its endpoint configuration tagged with {@code tags}. */
    void deployEcho(SageMakerClient sm, String endpoint, Map<String, String> tags) throws Exception {
        List<software.amazon.awssdk.services.sagemaker.model.Tag> list = new ArrayList<>();
        tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
        EchoEndpoints.deploy(sm, uploads, kms, endpoint, r -> r.tags(list));
    }

    static InvokeEndpointResponse invoke(SageMakerRuntimeClient rt, String endpoint, String json) {
        return rt.invokeEndpoint(b -> b.endpointName(endpoint).contentType("application/json")
                .body(SdkBytes.fromString(json, StandardCharsets.UTF_8)));
    }

    static SageMakerRuntimeException refused(SageMakerRuntimeClient rt, String endpoint, String json) {
        try {
            invoke(rt, endpoint, json);
        } catch (SageMakerRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call to " + endpoint + " was not refused");
    }

    static JsonNode piiOf(String requestId) throws Exception {
        return auditEvent(requestId).path("additionalEventData").path("pii");
    }

    @Test
    void redactModeGivesTheModelRedactedInput() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            deployEcho(sm, "pii-redact", Map.of("mlgate:pii-mode", "redact"));
            InvokeEndpointResponse r = invoke(rt, "pii-redact", WITH_PII);
            String seen = r.body().asUtf8String();
            assertThat(seen).isEqualTo("{\"note\":\"write to [EMAIL] today\",\"card\":\"[CREDIT_CARD]\"}");
            assertThat(invoke(rt, "pii-redact", CLEAN).body().asUtf8String()).isEqualTo(CLEAN);

            JsonNode pii = piiOf(r.responseMetadata().requestId());
            assertThat(pii.path("mode").asString()).isEqualTo("redact");
            assertThat(pii.path("detected").asBoolean()).isTrue();
            assertThat(pii.path("requestRedacted").asBoolean()).isTrue();
            assertThat(pii.path("countsByType").path("EMAIL").asInt()).isEqualTo(1);
            assertThat(pii.path("countsByType").path("CREDIT_CARD").asInt()).isEqualTo(1);
            assertThat(allAuditText()).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("4111111111111111");
        }
    }

    @Test
    void tokenizeAndMaskRedaction() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            deployEcho(sm, "pii-tokenize", Map.of("mlgate:pii-mode", "redact", "mlgate:pii-redaction", "tokenize"));
            String a = invoke(rt, "pii-tokenize", "{\"to\":\"" + EMAIL + "\"}").body().asUtf8String();
            String b = invoke(rt, "pii-tokenize", "{\"to\":\"" + EMAIL + "\"}").body().asUtf8String();
            String c = invoke(rt, "pii-tokenize", "{\"to\":\"john.roe@example.org\"}").body().asUtf8String();
            assertThat(a).matches("\\{\"to\":\"\\[EMAIL:tok_[a-z2-7]{26}]\"}").isEqualTo(b).isNotEqualTo(c);

            deployEcho(sm, "pii-mask", Map.of("mlgate:pii-mode", "redact", "mlgate:pii-redaction", "mask",
                    "mlgate:pii-types", "CREDIT_CARD"));
            String masked = invoke(rt, "pii-mask", WITH_PII).body().asUtf8String();
            // only the counted type is redacted; the card keeps its last four digits
            assertThat(masked).contains(EMAIL).doesNotContain(CARD).contains("1111\"");
        }
    }

    @Test
    void blockModeRefusesRequestsWithPiiNamingTheTypes() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            deployEcho(sm, "pii-block", Map.of("mlgate:pii-mode", "block"));
            SageMakerRuntimeException e = refused(rt, "pii-block", WITH_PII);
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
            assertThat(e.awsErrorDetails().errorMessage()).contains("CREDIT_CARD, EMAIL").doesNotContain(EMAIL);
            JsonNode pii = piiOf(e.requestId());
            assertThat(pii.path("blocked").asBoolean()).isTrue();
            assertThat(invoke(rt, "pii-block", CLEAN).body().asUtf8String()).isEqualTo(CLEAN);
        }
    }

    @Test
    void detectModeChangesNothingAndAuditsTypesAndCounts() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            deployEcho(sm, "pii-detect", Map.of()); // no tags: the default policy, detect
            InvokeEndpointResponse r = invoke(rt, "pii-detect", WITH_PII);
            assertThat(r.body().asUtf8String()).isEqualTo(WITH_PII);
            JsonNode pii = piiOf(r.responseMetadata().requestId());
            assertThat(pii.path("mode").asString()).isEqualTo("detect");
            assertThat(pii.path("requestRedacted").asBoolean()).isFalse();
            assertThat(pii.path("countsByType").path("EMAIL").asInt()).isEqualTo(1);
            assertThat(auditEvent(r.responseMetadata().requestId()).toString()).doesNotContain(EMAIL);
        }
    }

    @Test
    void responsePolicyRedactsOrWithholdsTheAnswer() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            deployEcho(sm, "pii-resp-redact", Map.of("mlgate:pii-mode", "redact", "mlgate:pii-scope", "response"));
            InvokeEndpointResponse r = invoke(rt, "pii-resp-redact", WITH_PII);
            assertThat(r.body().asUtf8String()).doesNotContain(EMAIL).contains("[EMAIL]");
            JsonNode pii = piiOf(r.responseMetadata().requestId());
            assertThat(pii.path("requestRedacted").asBoolean()).isFalse();
            assertThat(pii.path("response").path("outcome").asString()).isEqualTo("redacted");

            deployEcho(sm, "pii-resp-block", Map.of("mlgate:pii-mode", "block", "mlgate:pii-scope", "response"));
            SageMakerRuntimeException e = refused(rt, "pii-resp-block", WITH_PII);
            assertThat(e.statusCode()).isEqualTo(424);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ModelError");
            assertThat(e.awsErrorDetails().errorMessage()).contains("EMAIL").doesNotContain(EMAIL);
            assertThat(invoke(rt, "pii-resp-block", CLEAN).body().asUtf8String()).isEqualTo(CLEAN);
        }
    }

    @Test
    void anInjectedDetectorFailureBlocksTheCall() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            deployEcho(sm, "pii-fault", Map.of());
            String body = "{\"note\":\"" + FaultInjectingDetector.MARKER + "\"}";
            SageMakerRuntimeException e = refused(rt, "pii-fault", body);
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
            assertThat(e.awsErrorDetails().errorMessage()).contains("could not be inspected for PII")
                    .contains("DETECTOR_FAILURE");
            assertThat(piiOf(e.requestId()).path("scanFailure").asString()).isEqualTo("DETECTOR_FAILURE");
            // the same endpoint serves a call without the marker
            assertThat(invoke(rt, "pii-fault", CLEAN).body().asUtf8String()).isEqualTo(CLEAN);
        }
    }

    static final String PII_GUARD = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"sagemaker:InvokeEndpoint","Resource":"*"},
              {"Sid":"NoPiiToProductionWithoutClearance","Effect":"Deny","Action":"sagemaker:InvokeEndpoint",
               "Resource":"arn:aws:sagemaker:*:*:endpoint/prod-*",
               "Condition":{"Bool":{"mlgate:PiiDetected":"true"},
                            "StringNotEquals":{"aws:PrincipalTag/pii-clearance":"true"}}},
              {"Sid":"NoSsnAnywhere","Effect":"Deny","Action":"sagemaker:InvokeEndpoint","Resource":"*",
               "Condition":{"ForAnyValue:StringEquals":{"mlgate:PiiTypes":["US_SSN"]}}}]}""";

    @Test
    void iamPoliciesDecideOnPiiConditionKeys() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); IamClient iam = iam("demo-admin")) {
            deployEcho(sm, "prod-pii", Map.of());
            deployEcho(sm, "dev-pii", Map.of());
            List<String[]> keys = new ArrayList<>();
            for (String[] user : new String[][]{{"pii-uncleared", "false"}, {"pii-cleared", "true"}}) {
                iam.createUser(r -> r.userName(user[0]).tags(t -> t.key("pii-clearance").value(user[1])));
                iam.putUserPolicy(r -> r.userName(user[0]).policyName("pii-guard").policyDocument(PII_GUARD));
                AccessKey k = iam.createAccessKey(r -> r.userName(user[0])).accessKey();
                keys.add(new String[]{k.accessKeyId(), k.secretAccessKey()});
            }
            try (SageMakerRuntimeClient uncleared = runtime(keys.get(0)[0], keys.get(0)[1]);
                 SageMakerRuntimeClient cleared = runtime(keys.get(1)[0], keys.get(1)[1])) {
                assertThat(invoke(uncleared, "prod-pii", CLEAN).body().asUtf8String()).isEqualTo(CLEAN);
                SageMakerRuntimeException denied = refused(uncleared, "prod-pii", WITH_PII);
                assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                assertThat(denied.awsErrorDetails().errorMessage()).contains("explicit deny");
                assertThat(auditEvent(denied.requestId()).path("errorCode").asString())
                        .isEqualTo("AccessDeniedException");
                // the deny is scoped as written: another endpoint, or a cleared principal, gets through
                assertThat(invoke(uncleared, "dev-pii", WITH_PII).body().asUtf8String()).isEqualTo(WITH_PII);
                assertThat(invoke(cleared, "prod-pii", WITH_PII).body().asUtf8String()).isEqualTo(WITH_PII);
                // multi-valued mlgate:PiiTypes: an SSN is denied to everyone, anywhere
                String ssn = "{\"ssn\":\"536-22-8437\"}";
                assertThat(refused(cleared, "dev-pii", ssn).awsErrorDetails().errorCode())
                        .isEqualTo("AccessDeniedException");
            }
        }
    }

    @Test
    void badPiiTagsAreRefusedByTheControlPlane() throws Exception {
        try (SageMakerClient sm = control("demo-admin")) {
            assertThatThrownBy(() -> sm.createEndpointConfig(r -> r.endpointConfigName("pii-bad")
                    .productionVariants(SageMakerHostingIntegrationTest.variant("A", "any-model", 1))
                    .tags(Tag.builder().key("mlgate:pii-mode").value("loud").build())))
                    .isInstanceOf(SageMakerException.class)
                    .hasMessageContaining("mlgate:pii-mode")
                    .satisfies(e -> assertThat(((SageMakerException) e).awsErrorDetails().errorCode())
                            .isEqualTo("ValidationException"));
            SageMakerHostingIntegrationTest.createModel(sm, "pii-tag-model", UploadedModels.urlOf("iris"));
            String modelArn = sm.describeModel(r -> r.modelName("pii-tag-model")).modelArn();
            assertThatThrownBy(() -> sm.addTags(r -> r.resourceArn(modelArn)
                    .tags(Tag.builder().key("mlgate:pii-mode").value("off").build())))
                    .isInstanceOf(SageMakerException.class)
                    .hasMessageContaining("belong on an endpoint configuration");
        }
    }

    @Autowired
    io.mlgate.runtime.capture.DataCapture capture;

    @Test
    void capturedDataIsRedactedAndEncrypted() throws Exception {
        CaptureEncryptionIntegrationTest keys = new CaptureEncryptionIntegrationTest();
        keys.port = port;
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            // detect mode: the call is unchanged, the captured copy is redacted all the same
            for (String mode : new String[]{"detect", "redact"}) {
                String endpoint = "pii-capture-" + mode;
                List<Tag> tags = List.of(Tag.builder().key("mlgate:pii-mode").value(mode).build());
                EchoEndpoints.deploy(sm, uploads, kms, endpoint, r -> r.tags(tags).dataCaptureConfig(
                        CaptureEncryptionIntegrationTest.captureConfig(null).toBuilder()
                                .destinationS3Uri("s3://mlgate-capture/piitest").build()));
                invoke(rt, endpoint, WITH_PII);
            }
            assertThat(capture.writer().flush(java.time.Duration.ofSeconds(30))).isTrue();
            java.nio.file.Path dir = home.resolve("data/capture/piitest");
            List<java.nio.file.Path> files;
            try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
                files = s.filter(java.nio.file.Files::isRegularFile).toList();
            }
            assertThat(files).hasSizeGreaterThanOrEqualTo(2);
            for (java.nio.file.Path f : files) {
                String raw = new String(java.nio.file.Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(raw).doesNotContain(EMAIL).doesNotContain("[EMAIL]").doesNotContain("note");
            }
            for (String mode : new String[]{"detect", "redact"}) {
                CaptureEncryptionIntegrationTest.Cli read = keys.cli("capture", "read", "--endpoint",
                        "pii-capture-" + mode, "--prefix", "piitest", "--profile", "demo-admin");
                assertThat(read.exit()).as(read.err()).isZero();
                assertThat(read.out()).isNotBlank().doesNotContain(EMAIL).doesNotContain("4111")
                        .contains("[EMAIL]").contains("[CREDIT_CARD]");
            }
        }
    }

    @Test
    void aLargePayloadIsScannedAndRedacted() throws Exception {
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            deployEcho(sm, "pii-large", Map.of("mlgate:pii-mode", "redact"));
            StringBuilder text = new StringBuilder(5_100_000).append("{\"notes\":\"");
            while (text.length() < 5_000_000) {
                text.append("the quick brown fox jumps over the lazy dog 12345 ");
            }
            text.append("reach me at ").append(EMAIL).append("\"}");
            String seen = invoke(rt, "pii-large", text.toString()).body().asUtf8String();
            assertThat(seen).hasSize(text.length() - EMAIL.length() + "[EMAIL]".length()).endsWith("[EMAIL]\"}");
        }
    }

    SageMakerClient control(String profile) throws Exception {
        return EchoEndpoints.controlClient(port, profile);
    }

    SageMakerRuntimeClient runtime(String profile) throws Exception {
        return EchoEndpoints.runtimeClient(port, profile);
    }

    static software.amazon.awssdk.http.SdkHttpClient http() throws Exception {
        return ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build();
    }

    SageMakerRuntimeClient runtime(String accessKey, String secret) throws Exception {
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    IamClient iam(String profile) throws Exception {
        String[] keys = GatewayIntegrationTest.profiles().get(profile);
        StaticCredentialsProvider c = StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1]));
        return IamClient.builder().endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(c).httpClient(ApacheHttpClient.builder()
                        .tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }
}
