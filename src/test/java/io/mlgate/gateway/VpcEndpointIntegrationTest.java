package io.mlgate.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway with a VPC topology whose addresses are loopback ones (Linux routes all of 127/8 to lo): calls to
 * 127.0.10.5, the VPC endpoint's address, from the client host's 127.0.10.20 come "through the endpoint"; calls to
 * 127.0.0.1, the gateway's public address, do not. The endpoint policy lets only demo-analyst invoke iris (and
 * explicitly denies the endpoint "blocked"); demo-analyst's IAM policy (changed in this test's copy of policies/)
 * allows iris only with {@code aws:SourceVpce = vpce-0test}. The server listens on 0.0.0.0 so that both loopback
 * addresses reach it (an ephemeral port, for the length of this class).
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VpcEndpointIntegrationTest {

    static final String ENDPOINT_ADDRESS = "127.0.10.5";
    static final String CLIENT_ADDRESS = "127.0.10.20";
    static final String PUBLIC_ADDRESS = "127.0.0.1";

    static final String TOPOLOGY = """
            {
              "name": "loopback",
              "vpcs": [{"id": "vpc-0test", "cidr": "127.0.10.0/24"}],
              "subnets": [{"id": "subnet-0test", "vpc": "vpc-0test", "zone": "az-a", "cidr": "127.0.10.0/24", "internet": false}],
              "securityGroups": [],
              "vpcEndpoints": [
                {"id": "vpce-0test", "subnet": "subnet-0test", "address": "127.0.10.5",
                 "policy": {"Version": "2012-10-17", "Statement": [
                   {"Sid": "OnlyTheAnalyst", "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:user/demo-analyst"},
                    "Action": "sagemaker:InvokeEndpoint", "Resource": "*"},
                   {"Sid": "NotBlocked", "Effect": "Deny", "Principal": "*", "Action": "sagemaker:InvokeEndpoint",
                    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/blocked"}]}}
              ],
              "hosts": [
                {"name": "gateway", "role": "gateway", "subnet": "subnet-0test", "address": "127.0.10.10"},
                {"name": "client", "role": "client", "subnet": "subnet-0test", "address": "127.0.10.20"}
              ],
              "gateway": {"publicAddress": "127.0.0.1"},
              "internet": {"cidr": "127.0.200.0/24", "host": "127.0.200.10"}
            }
            """;

    static Path home;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        home = Files.createTempDirectory("mlgate-vpc-it");
        TestFiles.copyTree(Path.of("policies"), home.resolve("policies"));
        Path managed = home.resolve("policies/managed-policies/InvokeIrisEndpoint.json");
        String policy = Files.readString(managed, StandardCharsets.UTF_8);
        String withVpce = policy.replace("\"Bool\": { \"aws:SecureTransport\": \"true\" }",
                "\"Bool\": { \"aws:SecureTransport\": \"true\" }, \"StringEquals\": { \"aws:SourceVpce\": \"vpce-0test\" }");
        assertThat(withVpce).isNotEqualTo(policy);
        Files.writeString(managed, withVpce, StandardCharsets.UTF_8);
        Files.writeString(home.resolve("topology.json"), TOPOLOGY, StandardCharsets.UTF_8);
        registry.add("mlgate.home", () -> home.toString());
        registry.add("mlgate.policies-dir", () -> home.resolve("policies").toString());
        registry.add("mlgate.vpc.topology", () -> "topology.json");
        registry.add("server.address", () -> "0.0.0.0");
        registry.add("mlgate.management.port", () -> "0");
    }

    @AfterAll
    static void removeHome() throws IOException {
        RunningGateway.deleteTree(home);
    }

    @LocalServerPort
    int port;

    private final ObjectMapper json = new ObjectMapper();

    private SageMakerRuntimeClient client(String profile, String target, String localAddress) throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys").resolve(DemoCredentialsFile.FILE_NAME)).get(profile);
        TrustManagerFactory trust = TestFiles.trusting(home.resolve("keys/dev-ca.pem"));
        return SageMakerRuntimeClient.builder()
                .endpointOverride(URI.create("https://" + target + ":" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers)
                        .localAddress(InetAddress.getByName(localAddress)).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private SageMakerRuntimeClient throughEndpoint(String profile) throws Exception {
        return client(profile, ENDPOINT_ADDRESS, CLIENT_ADDRESS);
    }

    private SageMakerRuntimeClient direct(String profile) throws Exception {
        return client(profile, PUBLIC_ADDRESS, PUBLIC_ADDRESS);
    }

    private static InvokeEndpointResponse invoke(SageMakerRuntimeClient client, String endpoint) {
        return client.invokeEndpoint(r -> r.endpointName(endpoint).contentType("text/csv")
                .body(SdkBytes.fromString("5.1,3.5,1.4,0.2", StandardCharsets.UTF_8)));
    }

    private JsonNode auditEvent(String requestId) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : TestFiles.auditLines(home.resolve("audit"))) {
            if (!line.isBlank()) {
                events.add(json.readTree(line));
            }
        }
        return events.stream().filter(e -> requestId.equals(e.path("requestID").asString())).findFirst()
                .orElseThrow(() -> new AssertionError("no audit event for request " + requestId));
    }

    @Test
    void theEndpointPolicyBlocksAPrincipalThatIamAloneAllows() throws Exception {
        try (SageMakerRuntimeClient admin = direct("demo-admin")) {
            InvokeEndpointResponse response = invoke(admin, "iris");
            JsonNode event = auditEvent(response.responseMetadata().requestId());
            assertThat(event.has("vpcEndpointId")).isFalse();
            assertThat(event.path("sourceIPAddress").asString()).isEqualTo(PUBLIC_ADDRESS);
        }
        try (SageMakerRuntimeClient admin = throughEndpoint("demo-admin")) {
            assertThatThrownBy(() -> invoke(admin, "iris"))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::123456789012:user/"
                                + "demo-admin is not authorized to perform: sagemaker:InvokeEndpoint on resource: "
                                + "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris because no VPC endpoint policy "
                                + "allows the sagemaker:InvokeEndpoint action");
                        try {
                            JsonNode event = auditEvent(e.requestId());
                            assertThat(event.path("vpcEndpointId").asString()).isEqualTo("vpce-0test");
                            assertThat(event.path("sourceIPAddress").asString()).isEqualTo(CLIENT_ADDRESS);
                            assertThat(event.path("errorCode").asString()).isEqualTo("AccessDeniedException");
                            assertThat(event.path("additionalEventData").path("policyDecision").path("policyType")
                                    .asString()).isEqualTo("vpce");
                        } catch (IOException io) {
                            throw new AssertionError(io);
                        }
                    });
        }
    }

    @Test
    void aSourceVpceConditionAllowsThroughTheEndpointAndDeniesFromOutside() throws Exception {
        try (SageMakerRuntimeClient analyst = throughEndpoint("demo-analyst")) {
            InvokeEndpointResponse response = invoke(analyst, "iris");
            assertThat(response.invokedProductionVariant()).isEqualTo("AllTraffic");
            JsonNode event = auditEvent(response.responseMetadata().requestId());
            assertThat(event.path("vpcEndpointId").asString()).isEqualTo("vpce-0test");
            assertThat(event.path("sourceIPAddress").asString()).isEqualTo(CLIENT_ADDRESS);
            assertThat(event.has("errorCode")).isFalse();
        }
        try (SageMakerRuntimeClient analyst = direct("demo-analyst")) {
            assertThatThrownBy(() -> invoke(analyst, "iris"))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> assertThat(e.awsErrorDetails()
                            .errorMessage()).endsWith("because no identity-based policy allows the "
                            + "sagemaker:InvokeEndpoint action"));
        }
    }

    @Test
    void anExplicitDenyInTheEndpointPolicyWins() throws Exception {
        try (SageMakerRuntimeClient analyst = throughEndpoint("demo-analyst")) {
            assertThatThrownBy(() -> invoke(analyst, "blocked"))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> assertThat(e.awsErrorDetails()
                            .errorMessage()).isEqualTo("User: arn:aws:iam::123456789012:user/demo-analyst is not "
                            + "authorized to perform: sagemaker:InvokeEndpoint on resource: "
                            + "arn:aws:sagemaker:us-east-1:123456789012:endpoint/blocked with an explicit deny in a VPC "
                            + "endpoint policy"));
        }
    }

    @Test
    void servicesThatAuthorizeThemselvesAreFilteredByTheEndpointPolicyToo() throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys").resolve(DemoCredentialsFile.FILE_NAME)).get("demo-admin");
        TrustManagerFactory trust = TestFiles.trusting(home.resolve("keys/dev-ca.pem"));
        java.util.function.BiFunction<String, String, software.amazon.awssdk.services.sts.StsClient> sts = (target, local) -> {
            try {
                return software.amazon.awssdk.services.sts.StsClient.builder()
                        .endpointOverride(URI.create("https://" + target + ":" + port)).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                        .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers)
                                .localAddress(InetAddress.getByName(local)).build())
                        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                        .build();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
        try (software.amazon.awssdk.services.sts.StsClient direct = sts.apply(PUBLIC_ADDRESS, PUBLIC_ADDRESS)) {
            assertThat(direct.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::123456789012:user/demo-admin");
        }
        try (software.amazon.awssdk.services.sts.StsClient through = sts.apply(ENDPOINT_ADDRESS, CLIENT_ADDRESS)) {
            assertThatThrownBy(through::getCallerIdentity)
                    .isInstanceOfSatisfying(software.amazon.awssdk.services.sts.model.StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::"
                                    + "123456789012:user/demo-admin is not authorized to perform: "
                                    + "sts:GetCallerIdentity on resource: * because no VPC endpoint policy allows the "
                                    + "sts:GetCallerIdentity action"));
        }
    }

    @Test
    void theDevCertificateNamesTheEndpointAddress() throws Exception {
        // the SDK verified the host name 127.0.10.5 in the test above; here the certificate is read directly
        String pem = Files.readString(home.resolve("keys").resolve("server.pem"), StandardCharsets.UTF_8);
        assertThat(pem).isNotBlank();
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(cert.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains(ENDPOINT_ADDRESS, "127.0.10.10", PUBLIC_ADDRESS);
    }
}
