package io.mlgate.sts;

import static io.mlgate.sts.StsFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;

class SessionPrincipalsTest {

    static final Instant NOW = Instant.parse("2026-11-26T12:00:10Z");
    static final String ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/a";
    @TempDir
    Path dir;
    StsFixture f;
    final PolicyEvaluator eval = new PolicyEvaluator();

    @BeforeEach
    void setUp() throws Exception {
        f = new StsFixture(dir, NOW);
    }

    private SessionClaims demoSession(List<SessionPolicy> policies) throws Exception {
        return f.tokens.issue(SessionClaims.builder(SessionKind.ASSUMED_ROLE, ACCT,
                        "arn:aws:sts::123456789012:assumed-role/demo/s1")
                .role(DEMO, f.config.role(DEMO).orElseThrow().roleId(), "s1")
                .sessionPolicies(PackedPolicies.pack(policies, Map.of()))
                .validity(NOW, NOW.plusSeconds(900))).claims();
    }

    @Test
    void roleSessionGetsTheRolesPermissions() throws Exception {
        PrincipalContext p = f.sessions.principalFor(demoSession(List.of()));
        assertThat(eval.evaluate(AuthorizationRequest.of(p, "sagemaker:InvokeEndpoint", ENDPOINT)).isAllowed()).isTrue();
    }

    @Test
    void deletedRoleLeavesTheSessionWithoutPermissions() throws Exception {
        SessionPrincipals empty = new SessionPrincipals(IamConfiguration::empty);
        PrincipalContext p = empty.principalFor(demoSession(List.of()));
        assertThat(p.arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/demo/s1");
        assertThat(eval.evaluate(AuthorizationRequest.of(p, "sagemaker:InvokeEndpoint", ENDPOINT)).isAllowed()).isFalse();
    }

    @Test
    void missingManagedSessionPolicyAllowsNothing() throws Exception {
        PrincipalContext p = f.sessions.principalFor(demoSession(List.of(
                SessionPolicy.managed("arn:aws:iam::123456789012:policy/Gone"))));
        assertThat(eval.evaluate(AuthorizationRequest.of(p, "sagemaker:InvokeEndpoint", ENDPOINT)).isAllowed()).isFalse();
        PrincipalContext withExisting = f.sessions.principalFor(demoSession(List.of(
                SessionPolicy.managed("arn:aws:iam::123456789012:policy/Invoke"))));
        assertThat(eval.evaluate(AuthorizationRequest.of(withExisting, "sagemaker:InvokeEndpoint", ENDPOINT))
                .isAllowed()).isTrue();
    }

    @Test
    void cloudTrailUserIdentityOfARoleSession() throws Exception {
        SessionClaims c = demoSession(List.of());
        Map<String, Object> id = SessionUserIdentity.of(c, null);
        assertThat(id).containsEntry("type", "AssumedRole")
                .containsEntry("principalId", c.roleId().orElseThrow() + ":s1")
                .containsEntry("accessKeyId", c.accessKeyId())
                .doesNotContainValue(c.secretAccessKey());
        @SuppressWarnings("unchecked")
        Map<String, Object> session = (Map<String, Object>) id.get("sessionContext");
        assertThat(session.get("sessionIssuer")).isEqualTo(Map.of("type", "Role", "principalId", c.roleId().orElseThrow(),
                "arn", DEMO, "accountId", ACCT, "userName", "demo"));
        assertThat(session.get("attributes")).isEqualTo(Map.of("creationDate", "2026-11-26T12:00:10Z",
                "mfaAuthenticated", "false"));
        assertThat(session.get("webIdFederationData")).isEqualTo(Map.of());
    }
}
