package io.mlgate.sts;

import static io.mlgate.sts.StsFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.XmlWriter;
import io.mlgate.sts.mfa.Base32;
import io.mlgate.sts.mfa.NewVirtualMfaDevice;
import io.mlgate.sts.mfa.Totp;
import io.mlgate.sts.oidc.WebIdentityTokenValidatorTestSupport;

class StsQueryServiceTest {

    static final Instant NOW = Instant.parse("2026-11-26T12:00:10Z");
    @TempDir
    Path dir;
    StsFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new StsFixture(dir, NOW);
    }

    static String form(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.append(i == 0 ? "" : "&").append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    String call(String op, PrincipalContext caller, String... kv) throws QueryException {
        QueryParameters p = QueryParameters.parse("Action=" + op + "&Version=2011-06-15" + (kv.length > 0 ? "&" + form(kv) : ""));
        f.sts.target(op, p, ACCT, caller);
        XmlWriter out = new XmlWriter();
        f.sts.invoke(op, p, caller, out);
        return out.xml();
    }

    static String field(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    SessionClaims claimsOf(String xml) {
        TokenCheck c = f.tokens.open(field(xml, "AccessKeyId"), field(xml, "SessionToken"), f.clock.instant());
        assertThat(c.isValid()).isTrue();
        return c.claims();
    }

    private static void assertCode(ThrowingCall call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void assumeRoleWithExternalIdReturnsAwsShapedResult() throws Exception {
        String xml = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "DurationSeconds", "900", "ExternalId", "ext-1");
        assertThat(xml).matches("<Credentials><AccessKeyId>ASIA[A-Z2-7]{16}</AccessKeyId><SecretAccessKey>[^<]{40}"
                + "</SecretAccessKey><SessionToken>[A-Za-z0-9_-]+</SessionToken><Expiration>2026-11-26T12:15:10Z"
                + "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA[A-Z2-7]{17}:s1</AssumedRoleId>"
                + "<Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn></AssumedRoleUser>");
        SessionClaims c = claimsOf(xml);
        assertThat(c.kind()).isEqualTo(SessionKind.ASSUMED_ROLE);
        assertThat(c.sourceArn()).contains(ALICE);
        assertThat(c.roleChained()).isFalse();
    }

    @Test
    void trustPolicyConditionsAreEnforced() {
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1"), "AccessDenied");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "wrong"), "AccessDenied");
        // bob's identity policy allows sts:AssumeRole, but demo's trust policy does not name him
        assertCode(() -> call("AssumeRole", f.user(BOB), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "ext-1"), "AccessDenied");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", "arn:aws:iam::123456789012:role/nope",
                "RoleSessionName", "s1"), "AccessDenied");
    }

    @Test
    void rootCannotAssumeRoles() {
        PrincipalContext root = PrincipalContext.builder("arn:aws:iam::123456789012:root", ACCT, PrincipalType.ACCOUNT).build();
        assertThatThrownBy(() -> call("AssumeRole", root, "RoleArn", MFA_ROLE, "RoleSessionName", "s1"))
                .hasMessage("Roles may not be assumed by root accounts.");
    }

    @Test
    void accessDeniedMessageIsAwsShaped() {
        assertThatThrownBy(() -> call("AssumeRole", f.user(BOB), "RoleArn", DEMO, "RoleSessionName", "s1"))
                .hasMessageStartingWith("User: " + BOB + " is not authorized to perform: sts:AssumeRole on resource: " + DEMO);
    }

    @Test
    void sessionTagsNeedTagSessionInTheTrustPolicy() throws Exception {
        String xml = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1",
                "Tags.member.1.Key", "project", "Tags.member.1.Value", "ml", "TransitiveTagKeys.member.1", "project");
        assertThat(field(xml, "PackedPolicySize")).isNotNull();
        SessionClaims c = claimsOf(xml);
        assertThat(c.sessionTags()).containsEntry("project", "ml");
        assertThat(c.transitiveTagKeys()).containsExactly("project");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "ext-1", "Tags.member.1.Key", "project", "Tags.member.1.Value", "other"), "AccessDenied");
    }

    @Test
    void sourceIdentityNeedsSetSourceIdentity() throws Exception {
        String xml = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1",
                "SourceIdentity", "alice-laptop");
        assertThat(field(xml, "SourceIdentity")).isEqualTo("alice-laptop");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "ext-1", "SourceIdentity", "mallory"), "AccessDenied");
    }

    @Test
    void durationIsBoundedByTheModelAndTheRole() throws Exception {
        call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1",
                "DurationSeconds", "7200");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "ext-1", "DurationSeconds", "7201"), "ValidationError");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "ext-1", "DurationSeconds", "899"), "ValidationError");
    }

    @Test
    void parametersAreValidatedPerTheModel() {
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s"), "ValidationError");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "bad name"), "ValidationError");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "x"), "ValidationError");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "SerialNumber", "arn:aws:iam::123456789012:mfa/x", "TokenCode", "12345"), "ValidationError");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "Policy", "{not json"), "MalformedPolicyDocument");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "Tags.member.1.Key", "a", "Tags.member.1.Value", "1", "Tags.member.2.Key", "A",
                "Tags.member.2.Value", "2"), "InvalidParameterValue");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "Tags.member.1.Key", "a", "Tags.member.1.Value", "1", "TransitiveTagKeys.member.1", "b"),
                "InvalidParameterValue");
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", "arn:aws:iam::123456789012:user/alice",
                "RoleSessionName", "s1"), "ValidationError");
        String[] tooMany = new String[51 * 4 + 4];
        tooMany[0] = "RoleArn";
        tooMany[1] = DEMO;
        tooMany[2] = "RoleSessionName";
        tooMany[3] = "s1";
        for (int i = 0; i < 51; i++) {
            tooMany[4 + 4 * i] = "Tags.member." + (i + 1) + ".Key";
            tooMany[5 + 4 * i] = "k" + i;
            tooMany[6 + 4 * i] = "Tags.member." + (i + 1) + ".Value";
            tooMany[7 + 4 * i] = "v";
        }
        assertCode(() -> call("AssumeRole", f.user(ALICE), tooMany), "ValidationError");
    }

    @Test
    void sessionPoliciesLimitTheSession() throws Exception {
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                + "\"sagemaker:InvokeEndpoint\",\"Resource\":\"arn:aws:sagemaker:us-east-1:123456789012:endpoint/a\"}]}";
        String xml = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1",
                "Policy", policy, "PolicyArns.member.1.arn", "arn:aws:iam::123456789012:policy/Invoke");
        assertThat(field(xml, "PackedPolicySize")).isNotNull();
        PrincipalContext session = f.sessions.principalFor(claimsOf(xml));
        assertThat(session.sessionPolicies()).hasSize(2);
        PolicyEvaluator eval = new PolicyEvaluator();
        assertThat(eval.evaluate(AuthorizationRequest.of(session, "sagemaker:InvokeEndpoint",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/b")).isAllowed()).isTrue();
        assertThat(eval.evaluate(AuthorizationRequest.of(session, "sagemaker:CreateEndpoint",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/b")).isAllowed()).isFalse();
        assertCode(() -> call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1",
                "ExternalId", "ext-1", "PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
                "InvalidParameterValue");
    }

    @Test
    void roleChainingCapsAtOneHourAndCarriesTransitiveTags() throws Exception {
        String first = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1",
                "Tags.member.1.Key", "project", "Tags.member.1.Value", "ml", "TransitiveTagKeys.member.1", "project",
                "SourceIdentity", "alice-1");
        PrincipalContext demoSession = f.sessions.principalFor(claimsOf(first));
        assertThat(demoSession.type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertCode(() -> call("AssumeRole", demoSession, "RoleArn", CHAIN, "RoleSessionName", "s2",
                "DurationSeconds", "3601"), "ValidationError");
        // the inherited transitive tag project=ml replaces chain's own project=other in aws:ResourceTag
        String second = call("AssumeRole", demoSession, "RoleArn", CHAIN, "RoleSessionName", "s2");
        SessionClaims c = claimsOf(second);
        assertThat(c.roleChained()).isTrue();
        assertThat(c.lifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(c.sessionTags()).containsEntry("project", "ml");
        assertThat(c.sourceIdentity()).contains("alice-1");
        assertThat(field(second, "SourceIdentity")).isEqualTo("alice-1");
        assertCode(() -> call("AssumeRole", demoSession, "RoleArn", CHAIN, "RoleSessionName", "s3",
                "SourceIdentity", "alice-2"), "ValidationError");
        // without the transitive tag the condition on aws:ResourceTag/project fails
        String plain = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s4", "ExternalId", "ext-1");
        PrincipalContext plainSession = f.sessions.principalFor(claimsOf(plain));
        assertCode(() -> call("AssumeRole", plainSession, "RoleArn", CHAIN, "RoleSessionName", "s5"), "AccessDenied");
    }

    @Test
    void mfaInAssumeRoleSatisfiesTheTrustPolicy() throws Exception {
        NewVirtualMfaDevice d = f.mfa.create(ACCT, "/", "bob");
        byte[] seed = Base32.decode(d.base32StringSeed());
        long step = Totp.step(NOW);
        f.mfa.enable(d.serialNumber(), BOB, Totp.code(seed, step - 2), Totp.code(seed, step - 1));
        assertCode(() -> call("AssumeRole", f.user(BOB), "RoleArn", MFA_ROLE, "RoleSessionName", "s1"), "AccessDenied");
        assertCode(() -> call("AssumeRole", f.user(BOB), "RoleArn", MFA_ROLE, "RoleSessionName", "s1",
                "SerialNumber", d.serialNumber(), "TokenCode", Totp.code(seed, step + 5)), "AccessDenied");
        String xml = call("AssumeRole", f.user(BOB), "RoleArn", MFA_ROLE, "RoleSessionName", "s1",
                "SerialNumber", d.serialNumber(), "TokenCode", Totp.code(seed, step));
        assertThat(claimsOf(xml).mfaPresent()).isTrue();
        assertCode(() -> call("AssumeRole", f.user(BOB), "RoleArn", MFA_ROLE, "RoleSessionName", "s1",
                "SerialNumber", d.serialNumber(), "TokenCode", Totp.code(seed, step)), "AccessDenied");
    }

    @Test
    void getSessionTokenWithMfaCarriesMfaIntoAssumeRole() throws Exception {
        NewVirtualMfaDevice d = f.mfa.create(ACCT, "/", "bob");
        byte[] seed = Base32.decode(d.base32StringSeed());
        long step = Totp.step(NOW);
        f.mfa.enable(d.serialNumber(), BOB, Totp.code(seed, step - 2), Totp.code(seed, step - 1));
        String xml = call("GetSessionToken", f.user(BOB), "DurationSeconds", "900", "SerialNumber", d.serialNumber(),
                "TokenCode", Totp.code(seed, step));
        assertThat(xml).startsWith("<Credentials>").endsWith("</Credentials>");
        SessionClaims c = claimsOf(xml);
        assertThat(c.kind()).isEqualTo(SessionKind.USER_SESSION);
        PrincipalContext session = f.sessions.principalFor(c);
        assertThat(session.type()).isEqualTo(PrincipalType.USER);
        assertThat(session.arn()).isEqualTo(BOB);
        assertThat(SessionPrincipals.requestKeys(c, NOW.plusSeconds(60)))
                .containsEntry("aws:MultiFactorAuthPresent", java.util.List.of("true"))
                .containsEntry("aws:MultiFactorAuthAge", java.util.List.of("60"));
        // the gateway passes the session's keys in the request context
        String role = call("AssumeRole", session, "RoleArn", MFA_ROLE, "RoleSessionName", "s1");
        assertThat(claimsOf(role).mfaPresent()).isTrue();
        // session credentials cannot call GetSessionToken again
        assertCode(() -> call("GetSessionToken", session), "AccessDenied");
        String noMfa = call("GetSessionToken", f.user(BOB));
        assertThat(claimsOf(noMfa).lifetime()).isEqualTo(Duration.ofHours(12));
        assertCode(() -> call("AssumeRole", f.sessions.principalFor(claimsOf(noMfa)), "RoleArn", MFA_ROLE,
                "RoleSessionName", "s1"), "AccessDenied");
    }

    @Test
    void getFederationTokenNeedsPermissionAndASessionPolicy() throws Exception {
        assertCode(() -> call("GetFederationToken", f.user(ALICE), "Name", "fed"), "AccessDenied");
        String xml = call("GetFederationToken", f.user(BOB), "Name", "fed");
        assertThat(field(xml, "FederatedUserId")).isEqualTo("123456789012:fed");
        assertThat(field(xml, "Arn")).isEqualTo("arn:aws:sts::123456789012:federated-user/fed");
        PrincipalContext fed = f.sessions.principalFor(claimsOf(xml));
        PolicyEvaluator eval = new PolicyEvaluator();
        String endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/a";
        assertThat(eval.evaluate(AuthorizationRequest.of(fed, "sagemaker:InvokeEndpoint", endpoint)).isAllowed())
                .as("no session policy: no permissions").isFalse();
        String withPolicy = call("GetFederationToken", f.user(BOB), "Name", "fed",
                "PolicyArns.member.1.arn", "arn:aws:iam::123456789012:policy/Invoke");
        PrincipalContext fed2 = f.sessions.principalFor(claimsOf(withPolicy));
        assertThat(eval.evaluate(AuthorizationRequest.of(fed2, "sagemaker:InvokeEndpoint", endpoint)).isAllowed()).isTrue();
        assertThat(fed2.userId()).contains("123456789012:fed");
        assertCode(() -> call("AssumeRole", fed2, "RoleArn", MFA_ROLE, "RoleSessionName", "s1"), "AccessDenied");
        assertThat(field(call("GetCallerIdentity", fed2), "Arn")).isEqualTo("arn:aws:sts::123456789012:federated-user/fed");
    }

    @Test
    void getCallerIdentityForUsersAndSessions() throws Exception {
        String xml = call("GetCallerIdentity", f.user(ALICE));
        assertThat(xml).isEqualTo("<UserId>" + f.user(ALICE).userId().orElseThrow() + "</UserId><Account>123456789012"
                + "</Account><Arn>" + ALICE + "</Arn>");
        String session = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1");
        String who = call("GetCallerIdentity", f.sessions.principalFor(claimsOf(session)));
        assertThat(field(who, "UserId")).isEqualTo(field(session, "AssumedRoleId"));
        assertThat(field(who, "Arn")).isEqualTo("arn:aws:sts::123456789012:assumed-role/demo/s1");
        assertCode(() -> call("GetCallerIdentity", null), "MissingAuthenticationToken");
    }

    @Test
    void assumeRoleWithWebIdentityIsUnsignedAndChecksTheTrustPolicy() throws Exception {
        assertThat(f.sts.requiresSignature("AssumeRoleWithWebIdentity")).isFalse();
        assertThat(f.sts.requiresSignature("AssumeRole")).isTrue();
        String token = WebIdentityTokenValidatorTestSupport.token(WebIdentityTokenValidatorTestSupport.claims(NOW).build());
        String xml = call("AssumeRoleWithWebIdentity", null, "RoleArn", WEB, "RoleSessionName", "w1",
                "WebIdentityToken", token);
        assertThat(field(xml, "SubjectFromWebIdentityToken")).isEqualTo("repo:x");
        assertThat(field(xml, "Provider")).isEqualTo("https://idp.example.com");
        assertThat(field(xml, "Audience")).isEqualTo("gateway");
        assertThat(field(xml, "Arn")).isEqualTo("arn:aws:sts::123456789012:assumed-role/web/w1");
        SessionClaims c = claimsOf(xml);
        assertThat(c.kind()).isEqualTo(SessionKind.WEB_IDENTITY);
        assertThat(SessionPrincipals.requestKeys(c, NOW)).containsEntry("idp.example.com:sub", java.util.List.of("repo:x"))
                .containsEntry("aws:FederatedProvider",
                        java.util.List.of("arn:aws:iam::123456789012:oidc-provider/idp.example.com"));
        String otherSub = WebIdentityTokenValidatorTestSupport.token(
                WebIdentityTokenValidatorTestSupport.claims(NOW).subject("repo:evil").build());
        assertCode(() -> call("AssumeRoleWithWebIdentity", null, "RoleArn", WEB, "RoleSessionName", "w1",
                "WebIdentityToken", otherSub), "AccessDenied");
        assertCode(() -> call("AssumeRoleWithWebIdentity", null, "RoleArn", DEMO, "RoleSessionName", "w1",
                "WebIdentityToken", token), "AccessDenied");
        assertCode(() -> call("AssumeRoleWithWebIdentity", null, "RoleArn", WEB, "RoleSessionName", "w1",
                "WebIdentityToken", token + "x"), "InvalidIdentityToken");
    }

    @Test
    void targetsNameTheActionAndResource() throws Exception {
        QueryParameters p = QueryParameters.parse(form("RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1"));
        var t = f.sts.target("AssumeRole", p, ACCT, f.user(ALICE));
        assertThat(t.action()).isEqualTo("sts:AssumeRole");
        assertThat(t.resourceArn()).isEqualTo(DEMO);
        assertThat(t.requestParameters()).doesNotContainKey("externalId");
        var fed = f.sts.target("GetFederationToken", QueryParameters.parse("Name=fed"), ACCT, f.user(BOB));
        assertThat(fed.resourceArn()).isEqualTo("arn:aws:sts::123456789012:federated-user/fed");
        assertThat(f.sts.target("GetCallerIdentity", QueryParameters.parse(""), ACCT, f.user(BOB)).readOnly()).isTrue();
    }

    @Test
    void sessionPrincipalCarriesRoleFactsAndSessionTagsOverrideRoleTags() throws Exception {
        String xml = call("AssumeRole", f.user(ALICE), "RoleArn", DEMO, "RoleSessionName", "s1", "ExternalId", "ext-1",
                "Tags.member.1.Key", "project", "Tags.member.1.Value", "ml");
        SessionClaims c = claimsOf(xml);
        PrincipalContext p = f.sessions.principalFor(c);
        assertThat(p.roleArn()).contains(DEMO);
        assertThat(p.userId()).contains(field(xml, "AssumedRoleId"));
        assertThat(p.tags()).containsEntry("team", "platform");
        assertThat(p.sessionTags()).containsEntry("project", "ml");
        assertThat(p.identityPolicies()).isNotEmpty();
        assertThat(f.sessions.claimsOf(p)).contains(c);
        assertThat(f.sessions.claimsOf(f.user(ALICE))).isEmpty();
        assertThat(f.sessions.principalFor(c)).isSameAs(p);
        PolicyEvaluator eval = new PolicyEvaluator();
        RequestContext ctx = SessionPrincipals.addRequestKeys(c, NOW, RequestContext.builder()).build();
        assertThat(eval.evaluate(AuthorizationRequest.of(p, "sagemaker:InvokeEndpoint",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/a", ctx)).isAllowed()).isTrue();
    }
}
