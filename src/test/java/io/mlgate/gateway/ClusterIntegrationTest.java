package io.mlgate.gateway;

import io.mlgate.cluster.gateway.ClusterEvents;
import io.mlgate.cluster.gateway.ClusterGateway;
import io.mlgate.cluster.gateway.NodePrincipals;
import io.mlgate.cluster.gateway.PlacedVariant;
import io.mlgate.cluster.gateway.TestNode;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsService;
import io.mlgate.runtime.UploadedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway with {@code mlgate.cluster.enabled=true} and two runtime nodes (protocol-level test nodes in two zones,
 * h2c, {@code encryption=per-endpoint}), driven by the AWS SDK v2: CreateModel, CreateEndpointConfig, CreateEndpoint
 * place the variant on both nodes (through the demo execution role's KMS grants), and InvokeEndpoint answers through
 * them. Its own home folder and application context (the cluster is wired differently from RunningGateway's), closed
 * after the class.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ClusterIntegrationTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final AtomicReference<KmsService> KMS = new AtomicReference<>();
    static Path home;
    static TestNode a;
    static TestNode b;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        home = Files.createTempDirectory("mlgate-cluster-it");
        TestFiles.copyTree(Path.of("policies"), home.resolve("policies"));
        // the nodes decrypt as their node principal in the gateway's KMS: only the placement's grant lets them
        a = new TestNode("node-a", "zone-a", (role, node) -> new KmsDataKeys(KMS.get(),
                NodePrincipals.principal(role, node), RequestContext.builder().build()), null).start();
        b = new TestNode("node-b", "zone-b", (role, node) -> new KmsDataKeys(KMS.get(),
                NodePrincipals.principal(role, node), RequestContext.builder().build()), null).start();
        registry.add("mlgate.home", () -> home.toString());
        registry.add("mlgate.policies-dir", () -> home.resolve("policies").toString());
        registry.add("mlgate.hosting.update-grace", () -> "0s");
        registry.add("mlgate.cluster.enabled", () -> "true");
        registry.add("mlgate.cluster.listen", () -> "127.0.0.1:0");
        registry.add("mlgate.cluster.encryption", () -> "per-endpoint");
        registry.add("mlgate.cluster.health-interval", () -> "200ms");
        registry.add("mlgate.cluster.nodes[0].name", () -> "node-a");
        registry.add("mlgate.cluster.nodes[0].zone", () -> "zone-a");
        registry.add("mlgate.cluster.nodes[0].plaintext-address", () -> a.address());
        registry.add("mlgate.cluster.nodes[1].name", () -> "node-b");
        registry.add("mlgate.cluster.nodes[1].zone", () -> "zone-b");
        registry.add("mlgate.cluster.nodes[1].plaintext-address", () -> b.address());
    }

    @AfterAll
    static void stopNodes() {
        a.close();
        b.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    KmsService kms;

    @Autowired
    ClusterGateway cluster;

    @BeforeEach
    void kms() {
        KMS.set(kms);
    }

    StaticCredentialsProvider credentials(String profile) throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys").resolve(DemoCredentialsFile.FILE_NAME))
                .get(profile);
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1]));
    }

    SdkHttpClient http() throws Exception {
        TrustManagerFactory trust = TestFiles.trusting(home.resolve("keys/dev-ca.pem"));
        return ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).build();
    }

    @Test
    void createEndpointPlacesTheVariantOnTheNodesAndInvokeEndpointAnswersThroughThem() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (cluster.registry().healthy().size() < 2) {
            assertThat(System.nanoTime()).as("both nodes join").isLessThan(deadline);
            Thread.sleep(50);
        }
        try (SageMakerClient sm = SageMakerClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials("demo-admin")).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(r -> r.maxAttempts(1)))
                .build();
             SageMakerRuntimeClient rt = SageMakerRuntimeClient.builder()
                     .endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                     .credentialsProvider(credentials("demo-admin")).httpClient(http())
                     .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                             .retryStrategy(r -> r.maxAttempts(1))).build()) {
            sm.createModel(r -> r.modelName("cluster-iris").executionRoleArn(ROLE)
                    .primaryContainer(c -> c.image("mlgate/onnx").modelDataUrl(UploadedModels.urlOf("iris"))));
            sm.createEndpointConfig(r -> r.endpointConfigName("cluster-config").productionVariants(v -> v
                    .variantName("AllTraffic").modelName("cluster-iris").initialInstanceCount(2)
                    .instanceType("ml.m5.large").initialVariantWeight(1f)));
            sm.createEndpoint(r -> r.endpointName("cluster-iris").endpointConfigName("cluster-config"));
            DescribeEndpointResponse d;
            while (true) {
                d = sm.describeEndpoint(r -> r.endpointName("cluster-iris"));
                if (d.endpointStatus() != EndpointStatus.CREATING) {
                    break;
                }
                assertThat(System.nanoTime()).as("the endpoint settles").isLessThan(deadline
                        + Duration.ofSeconds(40).toNanos());
                Thread.sleep(50);
            }
            assertThat(d.endpointStatus()).as(d.failureReason()).isEqualTo(EndpointStatus.IN_SERVICE);
            assertThat(a.hosted()).hasSize(1);
            assertThat(b.hosted()).hasSize(1);
            PlacedVariant placed = cluster.placement().variants().get(0);
            assertThat(placed.distribution()).containsEntry("node-a", 1).containsEntry("node-b", 1);
            assertThat(placed.encrypted()).isFalse();

            for (int i = 0; i < 20; i++) {
                InvokeEndpointResponse r = rt.invokeEndpoint(x -> x.endpointName("cluster-iris")
                        .contentType("text/csv").body(SdkBytes.fromString("5.1,3.5,1.4,0.2",
                                StandardCharsets.UTF_8)));
                assertThat(r.invokedProductionVariant()).isEqualTo("AllTraffic");
                assertThat(r.body().asUtf8String()).contains("predicted_label");
            }
            assertThat(a.invocations.get()).isPositive();
            assertThat(b.invocations.get()).isPositive();

            sm.deleteEndpoint(r -> r.endpointName("cluster-iris"));
            while (!a.hosted().isEmpty() || !b.hosted().isEmpty()) {
                assertThat(System.nanoTime()).as("the placements are removed").isLessThan(deadline
                        + Duration.ofSeconds(80).toNanos());
                Thread.sleep(50);
            }
        }
        String audit = String.join("\n", TestFiles.auditLines(home.resolve("audit")));
        assertThat(audit).contains("\"" + ClusterEvents.NODE_JOINED + "\"").contains(ClusterEvents.EVENT_SOURCE);
    }
}
