package io.mlgate.sts;

import static io.mlgate.sts.StsFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryResponses;
import io.mlgate.protocol.query.XmlWriter;
import io.mlgate.sts.oidc.WebIdentityTokenValidatorTestSupport;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.GetFederationTokenResponse;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Serves the service's XML to the real AWS SDK for Java v2 STS client over a loopback HTTP server (the caller is
 * fixed as alice or bob by a header; signatures are not checked here), proving the response shapes parse.
 */
class StsSdkRoundTripTest {

    static final Instant NOW = Instant.now();
    @TempDir
    Path dir;
    StsFixture f;
    HttpServer server;
    volatile String callerArn = ALICE;

    @BeforeEach
    void start() throws Exception {
        f = new StsFixture(dir, NOW);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String requestId = UUID.randomUUID().toString();
        String body;
        int status = 200;
        try {
            QueryParameters p = QueryParameters.parseForm(ex.getRequestBody().readAllBytes());
            String op = p.action();
            PrincipalContext caller = f.sts.requiresSignature(op) ? f.user(callerArn) : null;
            f.sts.target(op, p, ACCT, caller);
            XmlWriter out = new XmlWriter();
            f.sts.invoke(op, p, caller, out);
            body = QueryResponses.success(op, f.sts.xmlNamespace(), out, requestId);
        } catch (QueryException e) {
            status = e.status();
            body = QueryResponses.error(f.sts.xmlNamespace(), e.status(), e.code(), e.getMessage(), requestId);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/xml");
        ex.getResponseHeaders().add("x-amzn-RequestId", requestId);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private StsClient client(boolean anonymous) {
        return StsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1).httpClient(ApacheHttpClient.create())
                .credentialsProvider(anonymous ? AnonymousCredentialsProvider.create()
                        : StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .build();
    }

    @Test
    void sdkParsesAssumeRoleAndCallerIdentity() {
        try (StsClient sts = client(false)) {
            AssumeRoleResponse r = sts.assumeRole(b -> b.roleArn(DEMO).roleSessionName("s1").externalId("ext-1")
                    .durationSeconds(900).tags(Tag.builder().key("project").value("ml").build())
                    .sourceIdentity("alice-1"));
            assertThat(r.credentials().accessKeyId()).startsWith("ASIA");
            assertThat(r.credentials().expiration()).isAfter(NOW);
            assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/demo/s1");
            assertThat(r.assumedRoleUser().assumedRoleId()).endsWith(":s1");
            assertThat(r.packedPolicySize()).isPositive();
            assertThat(r.sourceIdentity()).isEqualTo("alice-1");
            assertThat(f.tokens.open(r.credentials().accessKeyId(), r.credentials().sessionToken(), Instant.now())
                    .isValid()).isTrue();
            assertThat(sts.getCallerIdentity().arn()).isEqualTo(ALICE);
        }
    }

    @Test
    void sdkSeesAccessDeniedAsStsException() {
        callerArn = BOB;
        try (StsClient sts = client(false)) {
            assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(DEMO).roleSessionName("s1")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.statusCode()).isEqualTo(403);
                    });
            GetFederationTokenResponse fed = sts.getFederationToken(b -> b.name("fed"));
            assertThat(fed.federatedUser().federatedUserId()).isEqualTo("123456789012:fed");
        }
    }

    @Test
    void sdkSendsWebIdentityUnsignedAndParsesTheResult() throws Exception {
        String token = WebIdentityTokenValidatorTestSupport.token(WebIdentityTokenValidatorTestSupport.claims(NOW).build());
        try (StsClient sts = client(true)) {
            AssumeRoleWithWebIdentityResponse r = sts.assumeRoleWithWebIdentity(b -> b.roleArn(WEB)
                    .roleSessionName("w1").webIdentityToken(token));
            assertThat(r.subjectFromWebIdentityToken()).isEqualTo("repo:x");
            assertThat(r.provider()).isEqualTo("https://idp.example.com");
            assertThat(r.audience()).isEqualTo("gateway");
            assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/web/w1");
        }
    }
}
