package io.mlgate.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OPA guardrail layer in the running gateway, called with the AWS SDK: the compiled demo policy that ships in
 * the opa-java-wasm jar ({@code data.role[input.user] == "admin"}) sits in policies/opa/ and sees the gateway's input
 * document; its deny overrides IAM's allow, an IAM deny stays an IAM deny, reloads swap it, a broken one is rejected
 * and the previous stays, and an unreachable external OPA fails closed.
 */
class OpaGuardrailIntegrationTest {

    private static final String IRIS_ROW = "5.1,3.5,1.4,0.2";

    @TempDir
    Path home;

    private Path policies;

    private void setUp(String roleData) throws Exception {
        policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        Path opa = Files.createDirectories(policies.resolve("opa"));
        try (InputStream wasm = getClass().getResourceAsStream("/demo-policy.wasm")) {
            Files.write(opa.resolve("demo.wasm"), wasm.readAllBytes());
        }
        Files.writeString(opa.resolve("demo.data.json"), roleData);
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--mlgate.home=" + home,
                "--mlgate.policies-dir=" + policies, "--mlgate.policies-reload-interval=0"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void aGuardrailDenyOverridesAnIamAllowAndNeverTheReverse() throws Exception {
        setUp("{\"role\": {\"demo-admin\": \"admin\"}}");
        try (ConfigurableApplicationContext app = start()) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            try (SageMakerRuntimeClient admin = client(port, "demo-admin");
                 SageMakerRuntimeClient analyst = client(port, "demo-analyst");
                 SageMakerRuntimeClient guest = client(port, "demo-guest")) {
                // the policy saw input.user = "demo-admin" (from the gateway's input document) and allowed
                assertThat(invoke(admin).body().asUtf8String()).isNotBlank();

                // IAM allows demo-analyst to invoke iris; the guardrail says no
                assertThatThrownBy(() -> invoke(analyst)).isInstanceOfSatisfying(SageMakerRuntimeException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(403);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                            assertThat(e.awsErrorDetails().errorMessage())
                                    .startsWith("User: arn:aws:iam::123456789012:user/demo-analyst is not authorized"
                                            + " to perform: sagemaker:InvokeEndpoint on resource: ")
                                    .contains("with an explicit deny in an OPA guardrail (opa:demo.wasm)");
                        });

                // IAM denies demo-guest: the guardrail is not asked and the message is IAM's
                assertThatThrownBy(() -> invoke(guest)).isInstanceOfSatisfying(SageMakerRuntimeException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .contains("because no identity-based policy allows")
                                .doesNotContain("OPA guardrail"));
            }
            List<String> invokes = TestFiles.auditLines(home.resolve("audit")).stream()
                    .filter(l -> l.contains("\"eventName\":\"InvokeEndpoint\"")).toList();
            assertThat(invokes).anySatisfy(l -> assertThat(l).contains("user/demo-analyst")
                    .contains("\"errorCode\":\"AccessDenied")
                    .contains("\"guardrailDecision\":{\"outcome\":\"DENY\"").contains("opa:demo.wasm")
                    .contains("\"policyDecision\":{\"outcome\":\"ALLOW\""));
            assertThat(invokes).anySatisfy(l -> assertThat(l).contains("user/demo-admin")
                    .contains("\"guardrailDecision\":{\"outcome\":\"ALLOW\"").doesNotContain("errorCode"));
            assertThat(invokes).anySatisfy(l -> assertThat(l).contains("user/demo-guest")
                    .doesNotContain("guardrailDecision"));
        }
    }

    @Test
    void reloadsSwapTheGuardrailAndABrokenOneKeepsThePrevious() throws Exception {
        setUp("{\"role\": {\"demo-admin\": \"admin\"}}");
        try (ConfigurableApplicationContext app = start()) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            PolicyReloader reloader = app.getBean(PolicyReloader.class);
            try (SageMakerRuntimeClient admin = client(port, "demo-admin");
                 SageMakerRuntimeClient analyst = client(port, "demo-analyst")) {
                assertThat(status(analyst)).isEqualTo(403);

                Files.writeString(policies.resolve("opa/demo.data.json"), "{\"role\": {\"demo-analyst\": \"admin\"}}");
                assertThat(reloader.check()).isTrue();
                assertThat(status(analyst)).isEqualTo(200);
                assertThat(status(admin)).isEqualTo(403);

                Files.write(policies.resolve("opa/demo.wasm"), new byte[] {0, 'a', 's', 'm', 9, 9, 9, 9});
                assertThat(reloader.check()).isTrue();
                assertThat(status(analyst)).as("the previous guardrail stays in force").isEqualTo(200);
                assertThat(status(admin)).isEqualTo(403);

                Files.delete(policies.resolve("opa/demo.wasm"));
                Files.delete(policies.resolve("opa/demo.data.json"));
                assertThat(reloader.check()).isTrue();
                assertThat(status(admin)).as("no guardrail left: IAM alone decides").isEqualTo(200);
                assertThat(status(analyst)).isEqualTo(200);
            }
            List<String> reloads = TestFiles.auditLines(home.resolve("audit")).stream()
                    .filter(l -> l.contains(PolicyReloader.EVENT_NAME)).toList();
            assertThat(reloads).anySatisfy(l -> assertThat(l).contains("\"accepted\":false")
                    .contains("\"errorCode\":\"MalformedPolicyDocument\"").contains("demo.wasm"));
            assertThat(reloads).anySatisfy(l -> assertThat(l).contains("\"accepted\":true")
                    .contains("\"guardrails\":[\"opa:demo.wasm\"]"));
        }
    }

    @Test
    void anUnreachableExternalOpaFailsClosed() throws Exception {
        setUp("{}");
        Files.delete(policies.resolve("opa/demo.wasm"));
        Files.delete(policies.resolve("opa/demo.data.json"));
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (ConfigurableApplicationContext app = start(
                "--mlgate.opa.url=http://127.0.0.1:" + closed + "/v1/data/mlgate/guardrail",
                "--mlgate.opa.timeout=300ms")) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            try (SageMakerRuntimeClient admin = client(port, "demo-admin")) {
                assertThatThrownBy(() -> invoke(admin)).isInstanceOfSatisfying(SageMakerRuntimeException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(403);
                            assertThat(e.awsErrorDetails().errorMessage()).contains("could not decide and fails closed");
                        });
            }
        }
    }

    @Test
    void theLayerCanBeTurnedOffAndAnInvalidFolderStopsTheStart() throws Exception {
        setUp("{\"role\": {\"demo-admin\": \"admin\"}}");
        try (ConfigurableApplicationContext app = start("--mlgate.opa.enabled=false")) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            try (SageMakerRuntimeClient analyst = client(port, "demo-analyst")) {
                assertThat(status(analyst)).isEqualTo(200);
            }
        }
        Files.writeString(policies.resolve("opa/stray.txt"), "not a policy");
        assertThatThrownBy(this::start).hasStackTraceContaining("OPA guardrails").hasStackTraceContaining("stray.txt");
    }

    private static InvokeEndpointResponse invoke(SageMakerRuntimeClient client) {
        return client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                .body(SdkBytes.fromUtf8String(IRIS_ROW)));
    }

    private static int status(SageMakerRuntimeClient client) {
        try {
            return invoke(client).sdkHttpResponse().statusCode();
        } catch (SageMakerRuntimeException e) {
            return e.statusCode();
        }
    }

    private SageMakerRuntimeClient client(int port, String profile) throws Exception {
        Map<String, String[]> profiles = DemoCredentialsFile.read(home.resolve("keys/demo-credentials"));
        String[] keys = profiles.get(profile);
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(
                        TestFiles.trusting(home.resolve("keys/dev-ca.pem"))::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }
}
