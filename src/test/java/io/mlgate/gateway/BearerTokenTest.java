package io.mlgate.gateway;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Authorization: Bearer <OIDC ID token>} on InvokeEndpoint, enabled with {@code mlgate.bearer-role-arn}: a
 * token from a configured provider whose claims the role's trust policy accepts invokes the endpoint as a
 * web-identity session of the role; anything else is refused with STS's codes and audited.
 */
class BearerTokenTest {

    @TempDir
    Path home;

    @Test
    void bearerTokensAuthenticateThroughTheRolesWebIdentityTrust() throws Exception {
        Path policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        Files.createDirectories(policies.resolve("oidc-providers"));
        Files.writeString(policies.resolve("oidc-providers/idp.jwks.json"), new JWKSet(key.toPublicJWK()).toString());
        Files.writeString(policies.resolve("oidc-providers/idp.json"), """
                {"Url": "https://idp.bearer.test", "Accounts": ["123456789012"], "ClientIDList": ["invoke-app"],
                 "JwksFile": "idp.jwks.json"}
                """);
        Files.writeString(policies.resolve("roles/bearer-role.json"), """
                {"Account": "123456789012", "RoleName": "bearer-role",
                 "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/idp.bearer.test"},
                   "Action": "sts:AssumeRoleWithWebIdentity",
                   "Condition": {"StringLike": {"idp.bearer.test:sub": "team-ml/*"}}}]},
                 "AttachedPolicies": ["arn:aws:iam::123456789012:policy/InvokeIrisEndpoint"]}
                """);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies,
                        "--mlgate.bearer-role-arn=arn:aws:iam::123456789012:role/bearer-role")) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem"))).build();

            HttpResponse<String> ok = invoke(http, port, token(key, "team-ml/alice", "invoke-app"));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("setosa");
            String audit = auditText(home);
            assertThat(audit).contains("assumed-role/bearer-role/team-ml-alice").contains("webIdFederationData");

            HttpResponse<String> otherSubject = invoke(http, port, token(key, "team-web/bob", "invoke-app"));
            assertThat(otherSubject.statusCode()).isEqualTo(403);
            assertThat(otherSubject.body()).contains("AccessDenied");

            HttpResponse<String> wrongAudience = invoke(http, port, token(key, "team-ml/alice", "other-app"));
            assertThat(wrongAudience.statusCode()).isEqualTo(400);
            assertThat(wrongAudience.body()).contains("InvalidIdentityToken");

            RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
            HttpResponse<String> forged = invoke(http, port, token(stranger, "team-ml/alice", "invoke-app"));
            assertThat(forged.statusCode()).isEqualTo(400);
            assertThat(forged.body()).contains("InvalidIdentityToken");

            HttpResponse<String> garbage = invoke(http, port, "not-a-jwt");
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(auditText(home)).doesNotContain("not-a-jwt");
        }
    }

    private static String token(RSAKey key, String subject, String audience) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("https://idp.bearer.test").audience(audience).subject(subject)
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static HttpResponse<String> invoke(HttpClient http, int port, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/endpoints/iris/invocations"))
                .header("Content-Type", "text/csv").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("5.1,3.5,1.4,0.2")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String auditText(Path home) throws Exception {
        return String.join("\n", TestFiles.auditLines(home.resolve("audit")));
    }
}
