package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crypto-shredding in the running gateway: the demo model is an artifact under alias/mlgate/models, loaded as the
 * endpoint's role; disabling the key or scheduling its deletion stops iris within a re-check with a KMS-derived error
 * and an audit event, and re-enabling it restores service. No plaintext model is ever under data/.
 */
class ModelKeyShreddingTest {

    @TempDir
    Path home;

    @Test
    void disablingSchedulingDeletionOrRevokingTheGrantOfTheModelKeyStopsTheEndpointAndRestoringRestoresIt() throws Exception {
        Path policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies,
                        "--mlgate.key-recheck-interval=200ms")) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            Map<String, String[]> credentials = DemoCredentialsFile.read(home.resolve("keys/demo-credentials"));
            String[] analyst = credentials.get("demo-analyst");
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem"))).build();

            assertThat(invoke(http, port, analyst).statusCode()).isEqualTo(200);
            assertThat(home.resolve("data/models/iris.mlga")).isRegularFile();

            try (KmsClient kms = kms(port, credentials.get("demo-admin"), home.resolve("keys/dev-ca.pem"))) {
                String keyArn = kms.describeKey(r -> r.keyId(EndpointCatalog.MODEL_KEY_ALIAS)).keyMetadata().arn();

                kms.disableKey(r -> r.keyId(keyArn));
                HttpResponse<String> refused = await(http, port, analyst, 400);
                assertThat(refused.body()).contains("KMSDisabledException")
                        .contains("Endpoint iris cannot serve: its model key " + keyArn + " is disabled (DisabledException)");
                assertThat(refused.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(v ->
                        assertThat(v).startsWith("KMSDisabledException"));

                kms.enableKey(r -> r.keyId(keyArn));
                assertThat(await(http, port, analyst, 200).statusCode()).isEqualTo(200);

                kms.scheduleKeyDeletion(r -> r.keyId(keyArn).pendingWindowInDays(7));
                assertThat(await(http, port, analyst, 400).body()).contains("KMSInvalidStateException")
                        .contains("(KMSInvalidStateException)");

                kms.cancelKeyDeletion(r -> r.keyId(keyArn));
                assertThat(kms.describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
                kms.enableKey(r -> r.keyId(keyArn));
                assertThat(await(http, port, analyst, 200).statusCode()).isEqualTo(200);

                // the role's access through a grant only: a key policy that no longer delegates to IAM, a grant for
                // the endpoint's role; revoking the grant stops the endpoint, a new grant restores it
                String adminOnly = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:user/demo-admin\"},"
                        + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
                String role = "arn:aws:iam::123456789012:role/service/demo-inference";
                String grantId = kms.createGrant(r -> r.keyId(keyArn).granteePrincipal(role)
                        .operations(software.amazon.awssdk.services.kms.model.GrantOperation.DECRYPT)).grantId();
                kms.putKeyPolicy(r -> r.keyId(keyArn).policyName("default").policy(adminOnly));
                Thread.sleep(600); // several re-checks: still serving through the grant
                assertThat(invoke(http, port, analyst).statusCode()).isEqualTo(200);
                kms.revokeGrant(r -> r.keyId(keyArn).grantId(grantId));
                assertThat(await(http, port, analyst, 400).body()).contains("KMSAccessDeniedException");
                kms.createGrant(r -> r.keyId(keyArn).granteePrincipal(role)
                        .operations(software.amazon.awssdk.services.kms.model.GrantOperation.DECRYPT));
                assertThat(await(http, port, analyst, 200).statusCode()).isEqualTo(200);

                Thread.sleep(300); // let the audit writer flush the transitions
                List<String> audit = TestFiles.auditLines(home.resolve("audit"));
                List<String> down = audit.stream().filter(l -> l.contains(EndpointCatalog.UNAVAILABLE_EVENT)).toList();
                List<String> up = audit.stream().filter(l -> l.contains(EndpointCatalog.RESTORED_EVENT)).toList();
                assertThat(down).as("one event per transition").hasSize(3);
                assertThat(down.get(0)).contains("\"errorCode\":\"DisabledException\"").contains(keyArn)
                        .contains("\"endpointName\":\"iris\"").contains("AwsServiceEvent");
                assertThat(down.get(1)).contains("\"errorCode\":\"KMSInvalidStateException\"");
                assertThat(down.get(2)).contains("\"errorCode\":\"AccessDeniedException\"");
                assertThat(up).hasSize(3).allSatisfy(l -> assertThat(l).contains(keyArn).doesNotContain("errorCode"));
            }
        }

        byte[] model;
        try (InputStream in = getClass().getResourceAsStream("/demo/iris.onnx")) {
            model = in.readAllBytes();
        }
        byte[] probe = Arrays.copyOfRange(model, model.length / 2, model.length / 2 + 64);
        try (Stream<Path> files = Files.walk(home.resolve("data"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(indexOf(Files.readAllBytes(file), probe)).as("plaintext model bytes in " + file).isEqualTo(-1);
            }
        }
    }

    private static KmsClient kms(int port, String[] keys, Path caPem) throws Exception {
        return KmsClient.builder().endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(ApacheHttpClient.builder()
                        .tlsTrustManagersProvider(TestFiles.trusting(caPem)::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private static HttpResponse<String> await(HttpClient http, int port, String[] keys, int status) throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 50; i++) {
            last = invoke(http, port, keys);
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no status " + status + " within 5 s; last " + last.statusCode() + " " + last.body());
    }

    private static HttpResponse<String> invoke(HttpClient http, int port, String[] keys) throws Exception {
        byte[] body = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
        URI target = URI.create("https://localhost:" + port + "/endpoints/iris/invocations");
        Map<String, String> signed = SigV4Signer.builder().credentials(keys[0], keys[1].toCharArray())
                .region("us-east-1").service("sagemaker").build()
                .sign("POST", target, Map.of("host", List.of("localhost:" + port), "content-type", List.of("text/csv")),
                        body);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }


    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
