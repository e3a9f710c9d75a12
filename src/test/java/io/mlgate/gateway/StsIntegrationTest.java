package io.mlgate.gateway;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.mlgate.sts.SessionClaims;
import io.mlgate.sts.SessionKind;
import io.mlgate.sts.SessionTokens;
import io.mlgate.sts.IssuedSession;
import io.mlgate.sts.mfa.Base32;
import io.mlgate.sts.mfa.Totp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * STS end to end: the AWS SDK for Java v2 credential providers, unmodified ({@code StsAssumeRoleCredentialsProvider},
 * {@code StsAssumeRoleWithWebIdentityCredentialsProvider} with tokens signed by a test IdP key), feed a
 * {@code SageMakerRuntimeClient}; session policies, expiry, revocation and MFA change what the session may do; web
 * identity token attacks are refused and audited; the AWS CLI v2 uses STS directly and through a role profile.
 */
class StsIntegrationTest extends RunningGateway {

    private static final String ACCOUNT = "123456789012";
    private static final String INFERENCE_ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    private static final String WEB_ROLE = "arn:aws:iam::123456789012:role/it-web-role";
    private static final String MFA_ROLE = "arn:aws:iam::123456789012:role/it-mfa-role";
    private static final String REVOKE_ROLE = "arn:aws:iam::123456789012:role/it-revoke-role";
    private static final String ISSUER = "https://idp.test.mlgate";
    private static final String AUDIENCE = "mlgate-tests";
    private static final String CSV = "5.1,3.5,1.4,0.2";

    private static RSAKey idpKey;

    @Autowired
    PolicyReloader reloader;

    @Autowired
    SessionTokens sessionTokens;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void configureOnce() throws Exception {
        synchronized (StsIntegrationTest.class) {
            if (idpKey != null) {
                return;
            }
            idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
            Path policies = home.resolve("policies");
            Files.createDirectories(policies.resolve("oidc-providers"));
            Files.writeString(policies.resolve("oidc-providers/test-idp.jwks.json"),
                    new JWKSet(idpKey.toPublicJWK()).toString());
            Files.writeString(policies.resolve("oidc-providers/test-idp.json"), """
                    {"Url": "%s", "Accounts": ["%s"], "ClientIDList": ["%s"], "JwksFile": "test-idp.jwks.json"}
                    """.formatted(ISSUER, ACCOUNT, AUDIENCE));
            Files.writeString(policies.resolve("roles/it-web-role.json"), """
                    {"Account": "%s", "RoleName": "it-web-role",
                     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                       "Principal": {"Federated": "arn:aws:iam::%s:oidc-provider/idp.test.mlgate"},
                       "Action": "sts:AssumeRoleWithWebIdentity",
                       "Condition": {"StringEquals": {"idp.test.mlgate:aud": "%s", "idp.test.mlgate:sub": "ci-job"}}}]},
                     "AttachedPolicies": ["arn:aws:iam::%s:policy/InvokeIrisEndpoint"]}
                    """.formatted(ACCOUNT, ACCOUNT, AUDIENCE, ACCOUNT));
            Files.writeString(policies.resolve("roles/it-mfa-role.json"), """
                    {"Account": "%s", "RoleName": "it-mfa-role",
                     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                       "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "sts:AssumeRole"}]},
                     "InlinePolicies": {"invoke-with-mfa": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                       "Action": "sagemaker:InvokeEndpoint", "Resource": "arn:aws:sagemaker:*:%s:endpoint/iris",
                       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}}}
                    """.formatted(ACCOUNT, ACCOUNT, ACCOUNT));
            Files.writeString(policies.resolve("roles/it-revoke-role.json"), """
                    {"Account": "%s", "RoleName": "it-revoke-role",
                     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                       "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "sts:AssumeRole"}]},
                     "AttachedPolicies": ["arn:aws:iam::%s:policy/InvokeIrisEndpoint"]}
                    """.formatted(ACCOUNT, ACCOUNT, ACCOUNT));
            reloader.check();
            assertThat(reloader.oidcProviders()).isNotNull();
        }
    }

    // ---------------------------------------------------------------- clients

    SdkHttpClient http() throws Exception {
        return ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build();
    }

    String[] keys(String profile) throws IOException {
        return DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get(profile);
    }

    StsClient sts(AwsCredentialsProvider credentials) throws Exception {
        return StsClient.builder().endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    StsClient sts(String profile) throws Exception {
        String[] k = keys(profile);
        return sts(StaticCredentialsProvider.create(AwsBasicCredentials.create(k[0], k[1])));
    }

    SageMakerRuntimeClient runtime(AwsCredentialsProvider credentials) throws Exception {
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    SageMakerRuntimeClient runtime(Credentials c) throws Exception {
        return runtime(StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())));
    }

    static String invoke(SageMakerRuntimeClient client) {
        return client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                .body(SdkBytes.fromUtf8String(CSV))).body().asUtf8String();
    }

    static String errorCode(Throwable e) {
        return ((AwsServiceException) e).awsErrorDetails().errorCode();
    }

    // ---------------------------------------------------------------- AssumeRole

    @Test
    void assumeRoleCredentialsProviderFeedsTheRuntimeClientAndTheSessionIsAudited() throws Exception {
        try (StsClient sts = sts("demo-admin");
             StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                     .refreshRequest(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("it-provider")
                             .durationSeconds(900))
                     .build();
             SageMakerRuntimeClient client = runtime(provider)) {
            assertThat(invoke(client)).contains("setosa");
            var response = client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(SdkBytes.fromUtf8String(CSV)));
            JsonNode identity = auditEvent(response.responseMetadata().requestId()).path("userIdentity");
            assertThat(identity.path("type").asString()).isEqualTo("AssumedRole");
            assertThat(identity.path("arn").asString())
                    .isEqualTo("arn:aws:sts::123456789012:assumed-role/demo-inference/it-provider");
            assertThat(identity.path("accessKeyId").asString()).startsWith("ASIA");
            assertThat(identity.path("sessionContext").path("sessionIssuer").path("arn").asString())
                    .isEqualTo(INFERENCE_ROLE);
            assertThat(identity.path("sessionContext").path("attributes").path("mfaAuthenticated").asString())
                    .isEqualTo("false");
            assertThat(allAuditText()).doesNotContain(provider.resolveCredentials().secretAccessKey());
        }
    }

    @Test
    void getCallerIdentityNamesTheSession() throws Exception {
        try (StsClient admin = sts("demo-admin")) {
            Credentials c = admin.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("who")).credentials();
            try (StsClient session = sts(StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))) {
                var id = session.getCallerIdentity();
                assertThat(id.arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/demo-inference/who");
                assertThat(id.account()).isEqualTo(ACCOUNT);
                assertThat(id.userId()).startsWith("AROA").endsWith(":who");
            }
        }
    }

    @Test
    void aSessionPolicyThatOmitsInvokeEndpointMakesTheSameCallFail() throws Exception {
        String onlyIdentity = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"sts:GetCallerIdentity\",\"Resource\":\"*\"}]}";
        try (StsClient admin = sts("demo-admin")) {
            AssumeRoleResponse narrowed = admin.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("narrow")
                    .policy(onlyIdentity));
            assertThat(narrowed.packedPolicySize()).isPositive();
            try (SageMakerRuntimeClient client = runtime(narrowed.credentials())) {
                assertThatThrownBy(() -> invoke(client))
                        .satisfies(e -> {
                            assertThat(errorCode(e)).isEqualTo("AccessDeniedException");
                            assertThat(e.getMessage()).contains("because no session policy allows");
                        });
            }
            Credentials full = admin.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("full")).credentials();
            try (SageMakerRuntimeClient client = runtime(full)) {
                assertThat(invoke(client)).contains("setosa");
            }
        }
    }

    @Test
    void anExpiredSessionFailsWithExpiredTokenException() throws Exception {
        // a session of the demo role issued two hours ago for 15 minutes, sealed with the gateway's own keys
        Instant issued = Instant.now().minus(Duration.ofHours(2));
        IssuedSession old = sessionTokens.issue(SessionClaims.builder(SessionKind.ASSUMED_ROLE, ACCOUNT,
                        "arn:aws:sts::123456789012:assumed-role/demo-inference/old")
                .role(INFERENCE_ROLE, roleId(), "old")
                .sourceArn("arn:aws:iam::123456789012:user/demo-admin")
                .validity(issued, issued.plus(Duration.ofMinutes(15))));
        try (SageMakerRuntimeClient client = runtime(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                old.accessKeyId(), old.secretAccessKey(), old.sessionToken())))) {
            assertThatThrownBy(() -> invoke(client))
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ExpiredTokenException"));
        }
    }

    @Test
    void aSessionTokenWithOneBitChangedIsRejected() throws Exception {
        try (StsClient admin = sts("demo-admin")) {
            Credentials c = admin.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("bits")).credentials();
            byte[] token = Base64.getUrlDecoder().decode(c.sessionToken());
            token[token.length / 2] ^= 0x10;
            String flipped = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
            try (SageMakerRuntimeClient client = runtime(StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), flipped)))) {
                assertThatThrownBy(() -> invoke(client))
                        .satisfies(e -> assertThat(errorCode(e)).isEqualTo("UnrecognizedClientException"));
            }
            try (StsClient session = sts(StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), flipped)))) {
                assertThatThrownBy(session::getCallerIdentity)
                        .satisfies(e -> assertThat(errorCode(e)).isEqualTo("InvalidClientTokenId"));
            }
        }
    }

    @Test
    void aRevokedSessionFailsAndANewOneWorks() throws Exception {
        try (StsClient admin = sts("demo-admin")) {
            Credentials before = admin.assumeRole(r -> r.roleArn(REVOKE_ROLE).roleSessionName("before")).credentials();
            try (SageMakerRuntimeClient client = runtime(before)) {
                assertThat(invoke(client)).contains("setosa");
            }
            Thread.sleep(1100); // token issue times have second precision
            revoke("it-revoke-role");
            reloader.check();
            try (SageMakerRuntimeClient client = runtime(before)) {
                assertThatThrownBy(() -> invoke(client)).satisfies(e -> {
                    assertThat(errorCode(e)).isEqualTo("AccessDeniedException");
                    assertThat(e.getMessage()).contains("with an explicit deny in an identity-based policy");
                });
            }
            Thread.sleep(1100);
            Credentials after = admin.assumeRole(r -> r.roleArn(REVOKE_ROLE).roleSessionName("after")).credentials();
            try (SageMakerRuntimeClient client = runtime(after)) {
                assertThat(invoke(client)).contains("setosa");
            }
        }
    }

    /** {@code ./mlgate iam revoke-sessions --role NAME}, run in-process on the gateway's policies folder. */
    private void revoke(String roleName) {
        int exit = new picocli.CommandLine(new io.mlgate.cli.Main()).execute("iam", "revoke-sessions", "--role",
                roleName, "--policies", home.resolve("policies").toString());
        assertThat(exit).isZero();
    }

    @Test
    void anMfaRequiringPolicyDeniesANonMfaSessionAndAllowsAnMfaOne() throws Exception {
        String[] k = keys("demo-admin");
        String serial;
        byte[] seed;
        long step = Totp.step(Instant.now());
        try (software.amazon.awssdk.services.iam.IamClient iam = software.amazon.awssdk.services.iam.IamClient.builder()
                .endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k[0], k[1])))
                .httpClient(http()).build()) {
            var device = iam.createVirtualMFADevice(r -> r.virtualMFADeviceName("it-admin-device")).virtualMFADevice();
            serial = device.serialNumber();
            // AWS returns the Base32 seed text, base64-encoded as a blob; the SDK decodes the base64
            seed = Base32.decode(device.base32StringSeed().asUtf8String());
            iam.enableMFADevice(r -> r.userName("demo-admin").serialNumber(serial)
                    .authenticationCode1(Totp.code(seed, step - 1)).authenticationCode2(Totp.code(seed, step)));
            assertThat(iam.listMFADevices(r -> r.userName("demo-admin")).mfaDevices())
                    .anySatisfy(d -> assertThat(d.serialNumber()).isEqualTo(serial));
        }
        try (StsClient admin = sts("demo-admin")) {
            Credentials plain = admin.assumeRole(r -> r.roleArn(MFA_ROLE).roleSessionName("no-mfa")).credentials();
            try (SageMakerRuntimeClient client = runtime(plain)) {
                assertThatThrownBy(() -> invoke(client))
                        .satisfies(e -> assertThat(errorCode(e)).isEqualTo("AccessDeniedException"));
            }
            assertThatThrownBy(() -> admin.assumeRole(r -> r.roleArn(MFA_ROLE).roleSessionName("bad-code")
                    .serialNumber(serial).tokenCode("000000".equals(Totp.code(seed, step + 1))
                            ? "111111" : "000000")))
                    .isInstanceOf(StsException.class);
            Credentials mfa = admin.assumeRole(r -> r.roleArn(MFA_ROLE).roleSessionName("with-mfa")
                    .serialNumber(serial).tokenCode(Totp.code(seed, step + 1))).credentials();
            try (SageMakerRuntimeClient client = runtime(mfa)) {
                var response = client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                        .body(SdkBytes.fromUtf8String(CSV)));
                assertThat(response.body().asUtf8String()).contains("setosa");
                assertThat(auditEvent(response.responseMetadata().requestId()).path("userIdentity")
                        .path("sessionContext").path("attributes").path("mfaAuthenticated").asString())
                        .isEqualTo("true");
            }
        }
    }

    // ---------------------------------------------------------------- web identity

    private static String token(JWSAlgorithm alg, String kid, String issuer, String audience, String subject,
                                Instant issuedAt, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
                        .issueTime(Date.from(issuedAt)).expirationTime(Date.from(expires)).build());
        jwt.sign(new RSASSASigner(idpKey));
        return jwt.serialize();
    }

    private static String goodToken() throws Exception {
        Instant now = Instant.now();
        return token(JWSAlgorithm.RS256, "idp-1", ISSUER, AUDIENCE, "ci-job", now, now.plusSeconds(600));
    }

    @Test
    void webIdentityCredentialsProviderFeedsTheRuntimeClient() throws Exception {
        try (StsClient anonymous = sts(AnonymousCredentialsProvider.create());
             StsAssumeRoleWithWebIdentityCredentialsProvider provider = StsAssumeRoleWithWebIdentityCredentialsProvider
                     .builder().stsClient(anonymous)
                     .refreshRequest(() -> {
                         try {
                             return software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest.builder()
                                     .roleArn(WEB_ROLE).roleSessionName("ci-run-1").webIdentityToken(goodToken())
                                     .build();
                         } catch (Exception e) {
                             throw new IllegalStateException(e);
                         }
                     })
                     .build();
             SageMakerRuntimeClient client = runtime(provider)) {
            var response = client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(SdkBytes.fromUtf8String(CSV)));
            assertThat(response.body().asUtf8String()).contains("setosa");
            JsonNode identity = auditEvent(response.responseMetadata().requestId()).path("userIdentity");
            assertThat(identity.path("type").asString()).isEqualTo("AssumedRole");
            assertThat(identity.path("arn").asString())
                    .isEqualTo("arn:aws:sts::123456789012:assumed-role/it-web-role/ci-run-1");
            assertThat(identity.path("sessionContext").path("webIdFederationData").path("federatedProvider")
                    .asString()).contains("idp.test.mlgate");
        }
        JsonNode assume = auditEvents().stream()
                .filter(e -> e.path("eventName").asString().equals("AssumeRoleWithWebIdentity")
                        && !e.has("errorCode"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(assume.path("userIdentity").path("type").asString()).isEqualTo("WebIdentityUser");
        assertThat(assume.path("userIdentity").path("userName").asString()).isEqualTo("ci-job");
        assertThat(assume.toString()).doesNotContain(goodToken().substring(0, 40));
    }

    @Test
    void webIdentityTokenAttacksAreRejectedAndAudited() throws Exception {
        Instant now = Instant.now();
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        Map<String, String> attacks = new LinkedHashMap<>();

        attacks.put("alg none", new PlainJWT(new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
                .subject("ci-job").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).build())
                .serialize());

        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("idp-1").build(), claims(now));
        hs.sign(new MACSigner(idpKey.toPublicJWK().toRSAPublicKey().getEncoded()));
        attacks.put("HS256 keyed with the RSA public key", hs.serialize());

        attacks.put("unknown kid", token(JWSAlgorithm.RS256, "nope", ISSUER, AUDIENCE, "ci-job", now,
                now.plusSeconds(600)));
        attacks.put("jku header", signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-1")
                .jwkURL(URI.create("https://evil.example/jwks.json")).build(), attacker, now));
        attacks.put("x5u header", signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-1")
                .x509CertURL(URI.create("https://evil.example/cert.pem")).build(), attacker, now));
        attacks.put("embedded jwk", signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-1")
                .jwk(attacker.toPublicJWK()).build(), attacker, now));
        attacks.put("expired", token(JWSAlgorithm.RS256, "idp-1", ISSUER, AUDIENCE, "ci-job",
                now.minusSeconds(3600), now.minusSeconds(600)));
        SignedJWT notYet = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-1").build(),
                new JWTClaimsSet.Builder(claims(now)).notBeforeTime(Date.from(now.plusSeconds(900))).build());
        notYet.sign(new RSASSASigner(idpKey));
        attacks.put("not yet valid", notYet.serialize());
        attacks.put("wrong issuer", token(JWSAlgorithm.RS256, "idp-1", "https://other.idp", AUDIENCE, "ci-job",
                now, now.plusSeconds(600)));
        attacks.put("wrong audience", token(JWSAlgorithm.RS256, "idp-1", ISSUER, "someone-else", "ci-job",
                now, now.plusSeconds(600)));
        SignedJWT large = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-1").build(),
                new JWTClaimsSet.Builder(claims(now)).claim("pad", "x".repeat(21000)).build());
        large.sign(new RSASSASigner(idpKey));
        attacks.put("too large", large.serialize());
        String good = goodToken();
        String[] parts = good.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("ci-job", "ci-jox");
        attacks.put("tampered payload", parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        attacks.put("signature from another key", signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-1")
                .build(), attacker, now));

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            HttpResponse<String> response = unsignedWebIdentity(attack.getValue());
            String code = between(response.body(), "<Code>", "</Code>");
            String expected = attack.getKey().equals("expired") ? "ExpiredTokenException"
                    : attack.getKey().equals("too large") ? "ValidationError" : "InvalidIdentityToken";
            if (response.statusCode() != 400 || !expected.equals(code)) {
                problems.add(attack.getKey() + ": HTTP " + response.statusCode() + " " + code);
                continue;
            }
            JsonNode event = auditEvent(response.headers().firstValue("x-amzn-RequestId").orElseThrow());
            if (!expected.equals(event.path("errorCode").asString())
                    || !"AssumeRoleWithWebIdentity".equals(event.path("eventName").asString())) {
                problems.add(attack.getKey() + ": audit " + event.path("errorCode").asString());
            }
            if (event.toString().contains(attack.getValue().substring(0, Math.min(60, attack.getValue().length())))) {
                problems.add(attack.getKey() + ": the token reached the audit log");
            }
        }
        assertThat(problems).isEmpty();
        // and the genuine token works through the same path
        HttpResponse<String> ok = unsignedWebIdentity(good);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("<SubjectFromWebIdentityToken>ci-job</SubjectFromWebIdentityToken>")
                .contains("<Provider>").contains("<Audience>mlgate-tests</Audience>");
    }

    private static JWTClaimsSet claims(Instant now) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("ci-job")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).build();
    }

    private static String signed(JWSHeader header, RSAKey key, Instant now) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims(now));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private HttpResponse<String> unsignedWebIdentity(String token) throws Exception {
        String form = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn="
                + URLEncoder.encode(WEB_ROLE, StandardCharsets.UTF_8) + "&RoleSessionName=attack&WebIdentityToken="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem"))).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getSessionTokenAndGetFederationTokenSessionsWork() throws Exception {
        try (StsClient analyst = sts("demo-analyst")) {
            Credentials c = analyst.getSessionToken(r -> r.durationSeconds(900)).credentials();
            try (SageMakerRuntimeClient client = runtime(c)) {
                var response = client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                        .body(SdkBytes.fromUtf8String(CSV)));
                JsonNode identity = auditEvent(response.responseMetadata().requestId()).path("userIdentity");
                assertThat(identity.path("type").asString()).isEqualTo("IAMUser");
                assertThat(identity.path("userName").asString()).isEqualTo("demo-analyst");
                assertThat(identity.path("accessKeyId").asString()).startsWith("ASIA");
                assertThat(identity.path("sessionContext").path("attributes").has("creationDate")).isTrue();
            }
        }
        String invokeIris = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}]}";
        try (StsClient admin = sts("demo-admin")) {
            var federated = admin.getFederationToken(r -> r.name("partner-bob").policy(invokeIris));
            assertThat(federated.federatedUser().arn()).isEqualTo("arn:aws:sts::123456789012:federated-user/partner-bob");
            try (SageMakerRuntimeClient client = runtime(federated.credentials())) {
                var response = client.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                        .body(SdkBytes.fromUtf8String(CSV)));
                JsonNode identity = auditEvent(response.responseMetadata().requestId()).path("userIdentity");
                assertThat(identity.path("type").asString()).isEqualTo("FederatedUser");
                assertThat(identity.path("sessionContext").path("sessionIssuer").path("userName").asString())
                        .isEqualTo("demo-admin");
            }
            // without a session policy a federated user has no permissions
            Credentials bare = admin.getFederationToken(r -> r.name("partner-eve")).credentials();
            try (SageMakerRuntimeClient client = runtime(bare)) {
                assertThatThrownBy(() -> invoke(client))
                        .satisfies(e -> assertThat(errorCode(e)).isEqualTo("AccessDeniedException"));
            }
        }
    }

    @Test
    void bearerTokensAreRefusedWhenNotEnabled() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem"))).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + port + "/endpoints/iris/invocations"))
                .header("Content-Type", "text/csv").header("Authorization", "Bearer " + goodToken())
                .POST(HttpRequest.BodyPublishers.ofString(CSV)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("UnrecognizedClientException");
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badInputGetsTheModelledErrors() throws Exception {
        try (StsClient admin = sts("demo-admin")) {
            assertThatThrownBy(() -> admin.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("bad name!")))
                    .satisfies(e -> {
                        assertThat(errorCode(e)).isEqualTo("ValidationError");
                        assertThat(((StsException) e).statusCode()).isEqualTo(400);
                    });
            assertThatThrownBy(() -> admin.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("ok")
                    .policy("{\"Statement\":[{\"Effect\":\"Alow\",\"Action\":\"*\",\"Resource\":\"*\"}]}")))
                    .satisfies(e -> {
                        assertThat(errorCode(e)).isEqualTo("MalformedPolicyDocument");
                        assertThat(((StsException) e).statusCode()).isEqualTo(400);
                    });
            assertThatThrownBy(() -> admin.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("ok")
                    .durationSeconds(60)))
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ValidationError"));
            assertThatThrownBy(() -> admin.assumeRole(r -> r.roleArn("arn:aws:iam::123456789012:role/nope")
                    .roleSessionName("ok")))
                    .satisfies(e -> assertThat(((StsException) e).statusCode()).isEqualTo(403));
        }
        try (StsClient analyst = sts("demo-analyst")) {
            // the analyst's own policies do not allow sts:AssumeRole, and the trust policy names only the account
            assertThatThrownBy(() -> analyst.assumeRole(r -> r.roleArn(INFERENCE_ROLE).roleSessionName("analyst-try")))
                    .satisfies(e -> {
                        assertThat(errorCode(e)).isEqualTo("AccessDenied");
                        assertThat(e.getMessage()).contains("is not authorized to perform: sts:AssumeRole");
                    });
        }
    }

    // ---------------------------------------------------------------- AWS CLI v2

    @Test
    void theAwsCliUsesStsDirectlyAndThroughARoleProfile() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aws")), "AWS CLI v2 (/usr/bin/aws) not installed");
        String[] admin = keys("demo-admin");
        String env = "AWS_ACCESS_KEY_ID=" + admin[0] + " AWS_SECRET_ACCESS_KEY=" + admin[1]
                + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE=" + home.resolve("keys/dev-ca.pem") + " ";
        String endpoint = " --endpoint-url https://localhost:" + port;

        GatewayIntegrationTest.CliRun who = GatewayIntegrationTest.runCli(env + "/usr/bin/aws sts get-caller-identity"
                + endpoint);
        assertThat(who.exit()).as(who.output()).isZero();
        assertThat(who.output()).contains("\"Arn\": \"arn:aws:iam::123456789012:user/demo-admin\"");

        GatewayIntegrationTest.CliRun assume = GatewayIntegrationTest.runCli(env + "/usr/bin/aws sts assume-role"
                + endpoint + " --role-arn " + INFERENCE_ROLE + " --role-session-name cli-session");
        assertThat(assume.exit()).as(assume.output()).isZero();
        assertThat(assume.output()).contains("\"AccessKeyId\": \"ASIA")
                .contains("assumed-role/demo-inference/cli-session");

        // a role profile: the CLI assumes the role itself (through mlgate's STS) and signs the call with the session
        Path config = home.resolve("cli-config");
        Files.writeString(config, """
                [profile source]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                region = us-east-1

                [profile inference]
                role_arn = %s
                source_profile = source
                role_session_name = cli-profile
                region = us-east-1
                services = mlgate

                [services mlgate]
                sts =
                  endpoint_url = https://localhost:%d
                sagemaker_runtime =
                  endpoint_url = https://localhost:%d
                """.formatted(admin[0], admin[1], INFERENCE_ROLE, port, port));
        String profileEnv = "AWS_CONFIG_FILE=" + config + " AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CA_BUNDLE="
                + home.resolve("keys/dev-ca.pem") + " ";
        GatewayIntegrationTest.CliRun viaProfile = GatewayIntegrationTest.runCli(profileEnv
                + "/usr/bin/aws sts get-caller-identity --profile inference");
        assertThat(viaProfile.exit()).as(viaProfile.output()).isZero();
        assertThat(viaProfile.output()).contains("assumed-role/demo-inference/cli-profile");
    }

    // ---------------------------------------------------------------- helpers

    @Autowired
    PrincipalDirectory principals;

    private String roleId() {
        return principals.configuration().role(INFERENCE_ROLE).orElseThrow().roleId();
    }

    private static String between(String text, String open, String close) {
        int a = text.indexOf(open);
        int b = a < 0 ? -1 : text.indexOf(close, a);
        return a < 0 || b < 0 ? null : text.substring(a + open.length(), b);
    }
}
