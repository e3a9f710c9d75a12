package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.iam.validate.ValidatedConfiguration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The IAM query API end to end with the real AWS SDK for Java v2 IamClient and the AWS CLI v2: management calls are
 * authorized by IAM itself, write the files under policies/ (the source of truth), take effect at once, and are
 * audited; protocol errors come back in IAM's XML error shape.
 */
class IamApiIntegrationTest extends RunningGateway {

    private static final String INVOKE_IRIS = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"arn:aws:sagemaker:*:123456789012:endpoint/iris\"}]}";

    private final ObjectMapper json = new ObjectMapper();

    IamClient iam(String profile) throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get(profile);
        return iam(keys[0], keys[1]);
    }

    IamClient iam(String accessKey, String secret) throws Exception {
        return IamClient.builder()
                .endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    SageMakerRuntimeClient runtime(String accessKey, String secret) throws Exception {
        return SageMakerRuntimeClient.builder()
                .endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @Test
    void anAdministratorCreatesAUserWhoseNewKeyWorksAtOnceAndIsPersistedInPolicies() throws Exception {
        try (IamClient admin = iam("demo-admin")) {
            User user = admin.createUser(r -> r.userName("it-alice").path("/it/")
                    .tags(t -> t.key("team").value("it"))).user();
            assertThat(user.arn()).isEqualTo("arn:aws:iam::123456789012:user/it/it-alice");
            assertThat(user.userId()).startsWith("AIDA");
            assertThat(user.createDate()).isNotNull();

            admin.putUserPolicy(r -> r.userName("it-alice").policyName("invoke-iris").policyDocument(INVOKE_IRIS));
            AccessKey key = admin.createAccessKey(r -> r.userName("it-alice")).accessKey();
            assertThat(key.accessKeyId()).startsWith("AKIA");
            assertThat(key.secretAccessKey()).hasSizeGreaterThanOrEqualTo(40);

            try (SageMakerRuntimeClient alice = runtime(key.accessKeyId(), key.secretAccessKey())) {
                String body = alice.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                        .body(SdkBytes.fromUtf8String("5.1,3.5,1.4,0.2"))).body().asUtf8String();
                assertThat(body).contains("setosa");
            }
            assertThat(admin.getUser(r -> r.userName("it-alice")).user().tags())
                    .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("team=it"));
            assertThat(admin.listUsers().users()).extracting(User::userName).contains("demo-admin", "it-alice");
            assertThat(admin.listAccessKeys(r -> r.userName("it-alice")).accessKeyMetadata()).hasSize(1);

            // the files are the source of truth: a fresh load of the folder has the user and the inline policy
            Path file = home.resolve("policies/users/it-alice.json");
            assertThat(file).exists();
            var loaded = ValidatedConfiguration.load(home.resolve("policies")).configuration();
            assertThat(loaded.userByName("123456789012", "it-alice")).hasValueSatisfying(u ->
                    assertThat(u.inlinePolicies()).containsKey("invoke-iris"));

            // no secret in the audit trail
            String audit = allAuditText();
            assertThat(audit).contains("\"eventName\":\"CreateAccessKey\"").doesNotContain(key.secretAccessKey());

            assertThatThrownBy(() -> admin.deleteUser(r -> r.userName("it-alice")))
                    .isInstanceOf(DeleteConflictException.class)
                    .satisfies(e -> assertThat(((IamException) e).statusCode()).isEqualTo(409));
            admin.deleteAccessKey(r -> r.userName("it-alice").accessKeyId(key.accessKeyId()));
            try (SageMakerRuntimeClient alice = runtime(key.accessKeyId(), key.secretAccessKey())) {
                assertThatThrownBy(() -> alice.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                        .body(SdkBytes.fromUtf8String("5.1,3.5,1.4,0.2"))))
                        .isInstanceOf(software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException.class)
                        .satisfies(e -> assertThat(((software.amazon.awssdk.awscore.exception.AwsServiceException) e)
                                .awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
            }
        }
    }

    @Test
    void iamErrorsHaveTheirModelledCodesAndStatuses() throws Exception {
        try (IamClient admin = iam("demo-admin")) {
            assertThatThrownBy(() -> admin.getUser(r -> r.userName("no-such-user")))
                    .isInstanceOf(NoSuchEntityException.class)
                    .satisfies(e -> assertThat(((IamException) e).statusCode()).isEqualTo(404));
            admin.createUser(r -> r.userName("it-bob"));
            assertThatThrownBy(() -> admin.createUser(r -> r.userName("IT-BOB")))
                    .isInstanceOf(EntityAlreadyExistsException.class)
                    .satisfies(e -> assertThat(((IamException) e).statusCode()).isEqualTo(409));
            Path file = home.resolve("policies/users/it-bob.json");
            String before = Files.readString(file);
            assertThatThrownBy(() -> admin.putUserPolicy(r -> r.userName("it-bob").policyName("bad")
                    .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Alow\","
                            + "\"Action\":\"*\",\"Resource\":\"*\"}]}")))
                    .isInstanceOf(MalformedPolicyDocumentException.class);
            assertThat(Files.readString(file)).as("nothing written for a refused change").isEqualTo(before);
            assertThatThrownBy(() -> admin.createUser(r -> r.userName("bad name!")))
                    .isInstanceOf(IamException.class)
                    .satisfies(e -> assertThat(((IamException) e).statusCode()).isEqualTo(400));
        }
    }

    @Test
    void managementCallsAreAuthorizedByIamItself() throws Exception {
        try (IamClient analyst = iam("demo-analyst")) {
            assertThatThrownBy(() -> analyst.createUser(r -> r.userName("it-mallory")))
                    .isInstanceOf(IamException.class)
                    .satisfies(e -> {
                        IamException iamError = (IamException) e;
                        assertThat(iamError.statusCode()).isEqualTo(403);
                        assertThat(iamError.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(iamError.awsErrorDetails().errorMessage())
                                .contains("is not authorized to perform: iam:CreateUser on resource: "
                                        + "arn:aws:iam::123456789012:user/it-mallory")
                                .contains("no identity-based policy allows");
                        JsonNode event = auditEvent(iamError.requestId());
                        assertThat(event.path("eventSource").asString()).isEqualTo("iam.amazonaws.com");
                        assertThat(event.path("eventName").asString()).isEqualTo("CreateUser");
                        assertThat(event.path("errorCode").asString()).isEqualTo("AccessDenied");
                    });
        }
        assertThat(home.resolve("policies/users/it-mallory.json")).doesNotExist();
    }

    @Test
    void queryProtocolErrorsComeBackAsIamXml() throws Exception {
        HttpResponse<String> unknown = signedForm("Action=CreateUnicorn&Version=2010-05-08", "iam");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
                .contains("<Code>InvalidAction</Code>").contains("<Type>Sender</Type>");
        JsonNode event = auditEvent(unknown.headers().firstValue("x-amzn-RequestId").orElseThrow());
        assertThat(event.path("errorCode").asString()).isEqualTo("InvalidAction");

        HttpResponse<String> missing = signedForm("Version=2010-05-08", "iam");
        assertThat(missing.body()).contains("<Code>MissingAction</Code>");

        HttpResponse<String> malformed = signedForm("Action=ListUsers&Version=2010-05-08&X=%zz", "iam");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("<Code>MalformedQueryString</Code>");

        HttpResponse<String> wrongScope = signedForm("Action=ListUsers&Version=2010-05-08", "sts");
        assertThat(wrongScope.statusCode()).isEqualTo(403);
        assertThat(wrongScope.body()).contains("<Code>SignatureDoesNotMatch</Code>")
                .contains("Credential should be scoped to correct service");

        HttpResponse<String> ok = signedForm("Action=ListUsers&Version=2010-05-08", "iam");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue("text/xml");
        assertThat(ok.body()).startsWith("<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
                .contains("<UserName>demo-admin</UserName>");
    }

    @Test
    void theAwsCliManagesUsers() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aws")), "AWS CLI v2 (/usr/bin/aws) not installed");
        GatewayIntegrationTest.CliRun create = cli("iam create-user --user-name it-carol");
        assertThat(create.exit()).as(create.output()).isZero();
        assertThat(create.output()).contains("\"Arn\": \"arn:aws:iam::123456789012:user/it-carol\"");
        GatewayIntegrationTest.CliRun list = cli("iam list-users --query 'Users[].UserName' --output text");
        assertThat(list.exit()).as(list.output()).isZero();
        assertThat(list.output()).contains("it-carol").contains("demo-analyst");
        GatewayIntegrationTest.CliRun missing = cli("iam get-user --user-name nobody-here");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.output()).contains("(NoSuchEntity)");
    }

    GatewayIntegrationTest.CliRun cli(String args) throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        return GatewayIntegrationTest.runCli("AWS_ACCESS_KEY_ID=" + keys[0] + " AWS_SECRET_ACCESS_KEY=" + keys[1]
                + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE=" + home.resolve("keys/dev-ca.pem")
                + " /usr/bin/aws --endpoint-url https://localhost:" + port + " " + args);
    }

    HttpResponse<String> signedForm(String form, String service) throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        URI target = URI.create("https://localhost:" + port + "/");
        Map<String, String> signed = SigV4Signer.builder().credentials(keys[0], keys[1].toCharArray())
                .region("us-east-1").service(service).build()
                .sign("POST", target, Map.of("host", List.of("localhost:" + port),
                        "content-type", List.of("application/x-www-form-urlencoded; charset=utf-8")), body);
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host")) {
                request.header(name, value);
            }
        });
        HttpClient http = HttpClient.newBuilder().sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem")))
                .build();
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
