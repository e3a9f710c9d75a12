package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot reload of policies/ in the running gateway: a valid change takes effect without a restart, an invalid one is
 * rejected with the previous configuration kept, and both are audit events.
 */
class PolicyReloadTest {

    @TempDir
    Path home;

    @Test
    void validChangesApplyAndInvalidOnesAreRejectedKeepingThePreviousConfiguration() throws Exception {
        Path policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        Path managed = policies.resolve("managed-policies/InvokeIrisEndpoint.json");
        String original = Files.readString(managed);

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies,
                        "--mlgate.policies-reload-interval=100ms")) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            String[] analyst = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-analyst");
            HttpClient http = HttpClient.newBuilder().sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem"))).build();

            assertThat(invoke(http, port, analyst)).isEqualTo(200);

            Files.writeString(managed, original.replace("endpoint/iris", "endpoint/fraud"));
            assertThat(awaitStatus(http, port, analyst, 403)).as("revoked without a restart").isTrue();

            Files.writeString(managed, original.replace("\"Effect\": \"Allow\"", "\"Effect\": \"Alow\""));
            Thread.sleep(600);
            assertThat(invoke(http, port, analyst)).as("the previous (revoked) configuration stays").isEqualTo(403);

            Files.writeString(managed, original);
            assertThat(awaitStatus(http, port, analyst, 200)).as("granted again").isTrue();

            // parses, but the validator knows sagemaker has no such action: an ERROR finding, so never loaded
            Files.writeString(managed, original.replace("sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpont"));
            Thread.sleep(600);
            assertThat(invoke(http, port, analyst)).as("the previous (granting) configuration stays").isEqualTo(200);

            List<String> reloads = TestFiles.auditLines(home.resolve("audit")).stream()
                    .filter(line -> line.contains(PolicyReloader.EVENT_NAME)).toList();
            assertThat(reloads).hasSizeGreaterThanOrEqualTo(3);
            assertThat(reloads).anySatisfy(line -> assertThat(line)
                    .contains("\"errorCode\":\"MalformedPolicyDocument\"").contains("\"accepted\":false")
                    .contains("InvokeIrisEndpoint.json"));
            assertThat(reloads).anySatisfy(line -> assertThat(line).contains("\"accepted\":true"));
            assertThat(reloads).anySatisfy(line -> assertThat(line).contains("\"accepted\":false")
                    .contains("UNKNOWN_ACTION").contains("InvokeIrisEndpoint.json"));
        }
    }

    @Test
    void organizationGuardrailsApplyToTheGatewaysCallers() throws Exception {
        Path policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies,
                        "--mlgate.policies-reload-interval=0")) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            String[] analyst = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-analyst");
            HttpClient http = HttpClient.newBuilder().sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem"))).build();
            assertThat(invoke(http, port, analyst)).isEqualTo(200);

            // the demo account becomes a member of an organization managed elsewhere, with an SCP that denies inference
            Files.writeString(policies.resolve("accounts.json"), """
                    {"Accounts": [{"AccountId": "123456789012", "Alias": "mlgate-demo"},
                                  {"AccountId": "999999999999", "Alias": "management"}]}""");
            Files.writeString(policies.resolve("organization.json"), """
                    {"Id": "o-abcdefghij", "ManagementAccountId": "999999999999",
                     "ServiceControlPolicies": [{"Name": "NoInference", "Targets": ["123456789012"],
                       "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                         {"Effect": "Allow", "Action": "*", "Resource": "*"},
                         {"Effect": "Deny", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}}]}""");
            app.getBean(PolicyReloader.class).check();
            assertThat(invoke(http, port, analyst)).isEqualTo(403);
            assertThat(TestFiles.auditLines(home.resolve("audit"))).anySatisfy(line -> assertThat(line)
                    .contains("with an explicit deny in a service control policy"));

            Files.delete(policies.resolve("organization.json"));
            app.getBean(PolicyReloader.class).check();
            assertThat(invoke(http, port, analyst)).isEqualTo(200);
        }
    }

    private static boolean awaitStatus(HttpClient http, int port, String[] keys, int status) throws Exception {
        for (int i = 0; i < 50; i++) {
            if (invoke(http, port, keys) == status) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static int invoke(HttpClient http, int port, String[] keys) throws Exception {
        byte[] body = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
        URI target = URI.create("https://localhost:" + port + "/endpoints/iris/invocations");
        Map<String, String> signed = SigV4Signer.builder().credentials(keys[0], keys[1].toCharArray())
                .region("us-east-1").service("sagemaker").build()
                .sign("POST", target, Map.of("host", List.of("localhost:" + port), "content-type", List.of("text/csv")),
                        body);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
