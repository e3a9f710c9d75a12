package io.mlgate.iam.admin;

import static io.mlgate.iam.admin.AdminFixture.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;

class SessionRevocationTest {

    static final Instant REVOKED_AT = Instant.parse("2026-03-01T10:20:00.250Z");
    static final String ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";
    static final String INVOKE_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}]}";

    @TempDir
    Path temp;
    AdminFixture f;
    SessionRevocation revocation;

    @BeforeEach
    void setUp() throws Exception {
        f = new AdminFixture(temp);
        revocation = new SessionRevocation(f.admin, Clock.fixed(REVOKED_AT, ZoneOffset.UTC));
    }

    static Decision decide(PrincipalContext principal, String tokenIssueTime) {
        RequestContext.Builder context = RequestContext.builder().put("aws:MultiFactorAuthAge", "10");
        if (tokenIssueTime != null) {
            context.put("aws:TokenIssueTime", tokenIssueTime);
        }
        return new PolicyEvaluator().evaluate(AuthorizationRequest.of(principal, "sagemaker:InvokeEndpoint", ENDPOINT,
                context.build()));
    }

    static PrincipalContext roleSession(IamConfiguration config) {
        IamRole role = config.roleByName(ACCOUNT, "runner").orElseThrow();
        return PrincipalContext.builder("arn:aws:sts::123456789012:assumed-role/runner/s1", ACCOUNT,
                PrincipalType.ASSUMED_ROLE).roleArn(role.arn()).identityPolicies(config.identityPoliciesOf(role)).build();
    }

    @Test
    void thePolicyIsAwsRevokeOlderSessionsText() {
        assertThat(SessionRevocation.policyDocument(Instant.parse("2026-03-01T10:20:01Z"))).isEqualTo(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],"
                        + "\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2026-03-01T10:20:01Z\"}}}]}");
    }

    @Test
    void roleSessionsIssuedBeforeAreExplicitlyDeniedAndLaterOnesAllowed() throws Exception {
        f.admin.putRolePolicy(ACCOUNT, "runner", "Invoke", INVOKE_ALL);
        IamConfiguration before = IamConfigurationLoader.load(f.policies);
        assertThat(decide(roleSession(before), "2026-03-01T10:00:00Z").outcome()).isEqualTo(Decision.Outcome.ALLOW);

        SessionRevocation.Revoked done = revocation.revokeRoleSessions(ACCOUNT, "runner");
        assertThat(done.entityArn()).isEqualTo("arn:aws:iam::123456789012:role/runner");
        assertThat(done.policyName()).isEqualTo("AWSRevokeOlderSessions");
        // rounded up to the next whole second: tokens carry whole seconds
        assertThat(done.issuedBefore()).isEqualTo(Instant.parse("2026-03-01T10:20:01Z"));
        assertThat(f.read("roles/runner.json")).contains("AWSRevokeOlderSessions").contains("2026-03-01T10:20:01Z");

        // the folder as written loads (what every replica's reload does), and the listener got it
        IamConfiguration after = IamConfigurationLoader.load(f.policies);
        assertThat(after.roleByName(ACCOUNT, "runner").orElseThrow().inlinePolicies()).containsKey("AWSRevokeOlderSessions");
        assertThat(f.served.get().roleByName(ACCOUNT, "runner").orElseThrow().inlinePolicies())
                .containsKey("AWSRevokeOlderSessions");
        PrincipalContext session = roleSession(after);
        assertThat(decide(session, "2026-03-01T10:00:00Z").outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        assertThat(decide(session, "2026-03-01T10:20:00Z").outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        assertThat(decide(session, "2026-03-01T10:20:01Z").outcome()).isEqualTo(Decision.Outcome.ALLOW);
        assertThat(decide(session, "2026-03-01T11:00:00Z").outcome()).isEqualTo(Decision.Outcome.ALLOW);
    }

    @Test
    void revokingAgainReplacesThePolicy() throws Exception {
        revocation.revokeRoleSessions(ACCOUNT, "runner");
        new SessionRevocation(f.admin, Clock.fixed(Instant.parse("2026-03-02T08:00:00Z"), ZoneOffset.UTC))
                .revokeRoleSessions(ACCOUNT, "runner");
        String file = f.read("roles/runner.json");
        assertThat(file).contains("2026-03-02T08:00:00Z").doesNotContain("2026-03-01T10:20:01Z");
        assertThat(file.split("AWSRevokeOlderSessions", -1)).hasSize(2);
    }

    @Test
    void userSessionsAreDeniedButLongTermKeysAreNot() throws Exception {
        SessionRevocation.Revoked done = revocation.revokeUserSessions(ACCOUNT, "alice");
        assertThat(done.entityArn()).isEqualTo("arn:aws:iam::123456789012:user/staff/alice");
        IamConfiguration after = IamConfigurationLoader.load(f.policies);
        IamUser alice = after.userByName(ACCOUNT, "alice").orElseThrow();
        assertThat(alice.inlinePolicies()).containsKeys("Invoke", "AWSRevokeOlderSessions");
        PrincipalContext user = after.principalForUser(alice.arn()).orElseThrow();
        // GetSessionToken / GetFederationToken sessions carry aws:TokenIssueTime and are evaluated with her policies
        assertThat(decide(user, "2026-03-01T09:00:00Z").outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        assertThat(decide(user, "2026-03-01T10:30:00Z").outcome()).isEqualTo(Decision.Outcome.ALLOW);
        // requests signed with her long-term keys have no aws:TokenIssueTime: the condition does not match
        assertThat(decide(user, null).outcome()).isEqualTo(Decision.Outcome.ALLOW);
    }

    @Test
    void unknownRoleOrUserIsNoSuchEntityAndWritesNothing() throws Exception {
        var before = f.snapshot();
        IamAdminException role = catchThrowableOfType(IamAdminException.class,
                () -> revocation.revokeRoleSessions(ACCOUNT, "nobody"));
        assertThat(role.error()).isEqualTo(IamErrorCode.NO_SUCH_ENTITY);
        IamAdminException user = catchThrowableOfType(IamAdminException.class,
                () -> revocation.revokeUserSessions("210987654321", "alice"));
        assertThat(user.error()).isEqualTo(IamErrorCode.NO_SUCH_ENTITY);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void administrationWithoutAccessKeysRevokesButRefusesKeyOperations() throws Exception {
        IamAdministration offline = IamAdministration.withoutAccessKeys(f.policies, Clock.systemUTC(), f.served::get,
                f.served::set);
        new SessionRevocation(offline, Clock.fixed(REVOKED_AT, ZoneOffset.UTC)).revokeRoleSessions(ACCOUNT, "runner");
        assertThat(f.read("roles/runner.json")).contains("AWSRevokeOlderSessions");
        IamAdminException e = catchThrowableOfType(IamAdminException.class,
                () -> offline.createAccessKey(ACCOUNT, "alice"));
        assertThat(e.error()).isEqualTo(IamErrorCode.SERVICE_FAILURE);
    }
}
