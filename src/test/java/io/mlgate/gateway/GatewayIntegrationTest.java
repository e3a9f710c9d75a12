package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway end to end: the app on a random HTTPS port, called by the real AWS SDK for Java v2
 * SageMakerRuntimeClient trusting the generated dev CA; every case checks the SDK's exception and the audit event.
 */
class GatewayIntegrationTest extends RunningGateway {

    @Autowired
    GatewayProperties properties;

    @Autowired
    DemoSetup demo;

    private final ObjectMapper json = new ObjectMapper();

    static Map<String, String[]> profiles() throws IOException {
        return DemoCredentialsFile.read(home.resolve("keys").resolve(DemoCredentialsFile.FILE_NAME));
    }

    SageMakerRuntimeClient client(String profile) throws Exception {
        String[] keys = profiles().get(profile);
        return client(keys[0], keys[1], UnaryOperator.identity());
    }

    SageMakerRuntimeClient client(String accessKey, String secret, UnaryOperator<SdkHttpFullRequest> onTheWire)
            throws Exception {
        TrustManagerFactory trust = trustDevCa();
        SdkHttpClient http = new TamperingHttpClient(ApacheHttpClient.builder()
                .tlsTrustManagersProvider(trust::getTrustManagers)
                .build(), onTheWire);
        return SageMakerRuntimeClient.builder()
                .endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    static SdkBytes csv(String text) {
        return SdkBytes.fromString(text, StandardCharsets.UTF_8);
    }


    @Test
    void analystInvokesIrisAndTheCallIsAudited() throws Exception {
        try (SageMakerRuntimeClient client = client("demo-analyst")) {
            InvokeEndpointResponse response = client.invokeEndpoint(r -> r.endpointName("iris")
                    .contentType("text/csv").accept("application/json").body(csv("5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3")));
            assertThat(response.invokedProductionVariant()).isEqualTo("AllTraffic");
            JsonNode body = json.readTree(response.body().asUtf8String());
            assertThat(body.path("predictions").get(0).path("predicted_label").asString()).isEqualTo("setosa");
            assertThat(body.path("predictions").get(1).path("predicted_label").asString()).isEqualTo("virginica");

            JsonNode event = auditEvent(response.responseMetadata().requestId());
            assertThat(event.path("eventName").asString()).isEqualTo("InvokeEndpoint");
            assertThat(event.path("eventSource").asString()).isEqualTo("sagemaker.amazonaws.com");
            assertThat(event.path("eventCategory").asString()).isEqualTo("Data");
            assertThat(event.path("userIdentity").path("userName").asString()).isEqualTo("demo-analyst");
            assertThat(event.path("userIdentity").path("type").asString()).isEqualTo("IAMUser");
            assertThat(event.has("errorCode")).isFalse();
            assertThat(event.path("tlsDetails").path("tlsVersion").asString()).startsWith("TLSv1.");
            assertThat(event.toString()).doesNotContain("5.1,3.5");
            assertThat(event.path("additionalEventData").path("policyDecision").path("outcome").asString())
                    .isEqualTo("ALLOW");
            assertThat(event.path("additionalEventData").path("policyDecision").path("policyType").asString())
                    .isEqualTo("identity");
        }
    }

    @Test
    void jsonBodyIsAccepted() throws Exception {
        try (SageMakerRuntimeClient client = client("demo-admin")) {
            InvokeEndpointResponse response = client.invokeEndpoint(r -> r.endpointName("iris")
                    .contentType("application/json").body(csv("{\"instances\":[[5.9,3.0,4.2,1.5]]}")));
            assertThat(response.body().asUtf8String()).contains("\"predicted_label\":\"versicolor\"");
        }
    }

    @Test
    void guestIsDenied() throws Exception {
        try (SageMakerRuntimeClient client = client("demo-guest")) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(csv("5.1,3.5,1.4,0.2"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .contains("user/demo-guest is not authorized to perform: sagemaker:InvokeEndpoint");
                        assertAudited(e, "AccessDeniedException");
                    });
        }
    }

    @Test
    void analystIsDeniedAnotherEndpoint() throws Exception {
        try (SageMakerRuntimeClient client = client("demo-analyst")) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("fraud").contentType("text/csv")
                    .body(csv("1,2,3,4"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertAudited(e, "AccessDeniedException");
                    });
        }
    }

    @Test
    void wrongSecretIsASignatureError() throws Exception {
        String[] analyst = profiles().get("demo-analyst");
        try (SageMakerRuntimeClient client = client(analyst[0], "wrong" + analyst[1].substring(5), UnaryOperator.identity())) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(csv("5.1,3.5,1.4,0.2"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        JsonNode event = assertAudited(e, "InvalidSignatureException");
                        assertThat(event.path("userIdentity").path("accessKeyId").asString()).isEqualTo(analyst[0]);
                    });
        }
    }

    @Test
    void tamperedSignatureIsRejected() throws Exception {
        String[] analyst = profiles().get("demo-analyst");
        UnaryOperator<SdkHttpFullRequest> flipLastSignatureChar = request -> {
            String auth = request.firstMatchingHeader("Authorization").orElseThrow();
            char last = auth.charAt(auth.length() - 1);
            String tampered = auth.substring(0, auth.length() - 1) + (last == '0' ? '1' : '0');
            return request.toBuilder().putHeader("Authorization", tampered).build();
        };
        try (SageMakerRuntimeClient client = client(analyst[0], analyst[1], flipLastSignatureChar)) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(csv("5.1,3.5,1.4,0.2"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertAudited(e, "InvalidSignatureException");
                    });
        }
    }

    @Test
    void tamperedBodyIsRejected() throws Exception {
        String[] analyst = profiles().get("demo-analyst");
        UnaryOperator<SdkHttpFullRequest> swapBody = request -> request.toBuilder()
                .contentStreamProvider(() -> new java.io.ByteArrayInputStream(
                        "6.3,3.3,6.0,2.5".getBytes(StandardCharsets.UTF_8)))
                .build();
        try (SageMakerRuntimeClient client = client(analyst[0], analyst[1], swapBody)) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(csv("5.1,3.5,1.4,0.2"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("XAmzContentSHA256Mismatch");
                        assertAudited(e, "XAmzContentSHA256Mismatch");
                    });
        }
    }

    @Test
    void expiredTimestampIsRejected() throws Exception {
        String[] analyst = profiles().get("demo-analyst");
        // re-sign what the SDK sends with a clock 10 minutes behind: a valid signature on a stale date
        Clock stale = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        UnaryOperator<SdkHttpFullRequest> resign = request -> resign(request, analyst[0], analyst[1], stale);
        try (SageMakerRuntimeClient client = client(analyst[0], analyst[1], resign)) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(csv("5.1,3.5,1.4,0.2"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.awsErrorDetails().errorMessage()).startsWith("Signature expired:");
                        assertAudited(e, "InvalidSignatureException");
                    });
        }
    }

    @Test
    void unknownEndpointIsAValidationError() throws Exception {
        try (SageMakerRuntimeClient client = client("demo-admin")) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("no-such-model").contentType("text/csv")
                    .body(csv("5.1,3.5,1.4,0.2"))))
                    .isInstanceOfSatisfying(ValidationErrorException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("Endpoint no-such-model of account 123456789012 not found.");
                        assertAudited(e, "ValidationError");
                    });
        }
    }

    @Test
    void malformedBodyIsAValidationError() throws Exception {
        try (SageMakerRuntimeClient client = client("demo-analyst")) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(csv("5.1,abc,1.4"))))
                    .isInstanceOfSatisfying(ValidationErrorException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        JsonNode event = assertAudited(e, "ValidationError");
                        // the request data never reaches the event (random ids and hashes may contain "abc")
                        assertThat(event.path("errorMessage").asString()).doesNotContain("abc");
                        assertThat(event.toString()).doesNotContain("5.1,abc").doesNotContain("\"abc\"");
                    });
        }
    }

    @Test
    void unknownAccessKeyIsUnrecognized() throws Exception {
        try (SageMakerRuntimeClient client = client("AKIAAAAAAAAAAAAAAAAA", "x".repeat(40), UnaryOperator.identity())) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(csv("5.1,3.5,1.4,0.2"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                        assertAudited(e, "UnrecognizedClientException");
                    });
        }
    }

    @Test
    void aBodyOverSixMebibytesIsRefusedBeforeItIsRead() throws Exception {
        byte[] big = new byte[6 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) '1');
        try (SageMakerRuntimeClient client = client("demo-analyst")) {
            assertThatThrownBy(() -> client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(SdkBytes.fromByteArray(big))))
                    .isInstanceOfSatisfying(ValidationErrorException.class, e -> {
                        assertThat(e.awsErrorDetails().errorMessage()).contains("exceeds the limit of 6291456 bytes");
                        assertAudited(e, "ValidationError");
                    });
        }
    }

    @Test
    void anUnsignedRequestIsRefusedAndAuditedAsUnknown() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(clientContext("TLS")).build();
        java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                        URI.create("https://localhost:" + port + "/endpoints/iris/invocations"))
                .header("Content-Type", "text/csv")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("5.1,3.5,1.4,0.2")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType").orElseThrow())
                .startsWith("MissingAuthenticationTokenException");
        String requestId = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertThat(response.headers().firstValue("date")).isPresent();
        JsonNode event = auditEvent(requestId);
        assertThat(event.path("userIdentity").path("type").asString()).isEqualTo("Unknown");
        assertThat(event.path("errorCode").asString()).isEqualTo("MissingAuthenticationTokenException");
    }

    @Test
    void aPresignedUrlIsAcceptedUntilItExpires() throws Exception {
        String[] analyst = profiles().get("demo-analyst");
        byte[] body = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
        URI target = URI.create("https://localhost:" + port + "/endpoints/iris/invocations");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(clientContext("TLS")).build();
        for (boolean fresh : new boolean[] {true, false}) {
            Clock clock = fresh ? Clock.systemUTC()
                    : Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC);
            URI presigned = SigV4Signer.builder().credentials(analyst[0], analyst[1].toCharArray())
                    .region("us-east-1").service("sagemaker").clock(clock).build()
                    .presign("POST", target, Map.of("host", List.of("localhost:" + port), "content-type", List.of("text/csv")),
                            body, Duration.ofMinutes(10));
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(presigned)
                    .header("Content-Type", "text/csv")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (fresh) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(response.body()).contains("setosa");
            } else {
                assertThat(response.statusCode()).isEqualTo(403);
                assertThat(response.headers().firstValue("x-amzn-ErrorType").orElseThrow()).startsWith("RequestExpired");
            }
        }
    }

    @Test
    void http2CallsAreSignedAndServedLikeHttp11() throws Exception {
        String[] analyst = profiles().get("demo-analyst");
        byte[] body = "6.7,3.0,5.2,2.3".getBytes(StandardCharsets.UTF_8);
        URI target = URI.create("https://localhost:" + port + "/endpoints/iris/invocations");
        Map<String, String> signed = SigV4Signer.builder().credentials(analyst[0], analyst[1].toCharArray())
                .region("us-east-1").service("sagemaker").build()
                .sign("POST", target, Map.of("host", List.of("localhost:" + port), "content-type", List.of("text/csv")),
                        body);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(clientContext("TLS"))
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(target)
                .header("Content-Type", "text/csv")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach(request::header);
        java.net.http.HttpResponse<String> response = http.send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"predicted_label\":\"virginica\"");
        assertThat(response.headers().firstValue("x-amzn-invoked-production-variant")).hasValue("AllTraffic");
        JsonNode event = auditEvent(response.headers().firstValue("x-amzn-RequestId").orElseThrow());
        assertThat(event.path("tlsDetails").path("tlsVersion").asString()).isEqualTo("TLSv1.3");
    }

    @Test
    void thePrintedAwsCliCommandWorks() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aws")), "AWS CLI v2 (/usr/bin/aws) not installed");
        CliRun analyst = runCli(demo.cliCommand(port, "demo-analyst"));
        assertThat(analyst.exit).as(analyst.output).isZero();
        assertThat(analyst.output).contains("\"InvokedProductionVariant\": \"AllTraffic\"")
                .contains("\"predicted_label\":\"setosa\"");

        CliRun guest = runCli(demo.cliCommand(port, "demo-guest"));
        assertThat(guest.exit).isNotZero();
        assertThat(guest.output).contains("(AccessDeniedException)");

        String wrongSecret = demo.cliCommand(port, "demo-analyst").replace("AWS_SHARED_CREDENTIALS_FILE=",
                "AWS_SECRET_ACCESS_KEY=wrong" + "x".repeat(35) + " AWS_ACCESS_KEY_ID=" + profiles().get("demo-analyst")[0]
                        + " IGNORED=").replace(" --profile demo-analyst", "");
        CliRun wrong = runCli(wrongSecret);
        assertThat(wrong.exit).isNotZero();
        assertThat(wrong.output).contains("(InvalidSignatureException)");
    }

    record CliRun(int exit, String output) {}

    static CliRun runCli(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        builder.environment().put("AWS_CONFIG_FILE", "/dev/null");
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("aws CLI timed out");
        }
        return new CliRun(process.exitValue(), output);
    }

    private JsonNode assertAudited(SageMakerRuntimeException e, String errorCode) {
        try {
            JsonNode event = auditEvent(e.requestId());
            assertThat(event.path("errorCode").asString()).isEqualTo(errorCode);
            assertThat(event.path("eventName").asString()).isEqualTo("InvokeEndpoint");
            return event;
        } catch (IOException io) {
            throw new AssertionError(io);
        }
    }

    static SdkHttpFullRequest resign(SdkHttpFullRequest request, String accessKey, String secret, Clock clock) {
        byte[] body = request.contentStreamProvider().map(p -> {
            try (InputStream in = p.newStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).orElse(new byte[0]);
        SdkHttpFullRequest.Builder builder = request.toBuilder()
                .removeHeader("Authorization").removeHeader("X-Amz-Date");
        Map<String, String> added = SigV4Signer.builder().credentials(accessKey, secret.toCharArray())
                .region("us-east-1").service("sagemaker").clock(clock).build()
                .sign(request.method().name(), request.getUri(), headersOf(builder.build()), body);
        added.forEach(builder::putHeader);
        return builder.build();
    }

    static Map<String, List<String>> headersOf(SdkHttpRequest request) {
        return request.headers();
    }

    /** An SDK HTTP client that changes the signed request on the wire, to test what the gateway rejects. */
    static final class TamperingHttpClient implements SdkHttpClient {
        private final SdkHttpClient delegate;
        private final UnaryOperator<SdkHttpFullRequest> change;

        TamperingHttpClient(SdkHttpClient delegate, UnaryOperator<SdkHttpFullRequest> change) {
            this.delegate = delegate;
            this.change = change;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            SdkHttpRequest wire = request.httpRequest();
            SdkHttpFullRequest changed = change.apply(SdkHttpFullRequest.builder()
                    .method(wire.method()).uri(wire.getUri()).headers(wire.headers())
                    .contentStreamProvider(request.contentStreamProvider().orElse(null)).build());
            return delegate.prepareRequest(HttpExecuteRequest.builder()
                    .request(changed)
                    .contentStreamProvider(changed.contentStreamProvider().orElse(null))
                    .build());
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
