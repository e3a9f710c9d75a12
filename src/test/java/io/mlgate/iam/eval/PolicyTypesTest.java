package io.mlgate.iam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParser;

/**
 * Evaluation across policy types. Each rule has an allowing and a denying case; the comment or name cites the
 * reference key (shared/reference/iam-policy-semantics.md).
 */
class PolicyTypesTest {

    static final String A = "111122223333";
    static final String B = "444455556666";
    static final String USER = "arn:aws:iam::" + A + ":user/alice";
    static final String ROLE = "arn:aws:iam::" + A + ":role/runner";
    static final String SESSION_ARN = "arn:aws:sts::" + A + ":assumed-role/runner/s1";
    static final String FED_ARN = "arn:aws:sts::" + A + ":federated-user/bob";
    static final String ROOT = "arn:aws:iam::" + A + ":root";
    static final String RES = "arn:aws:sagemaker:us-east-1:" + A + ":endpoint/iris";
    static final String RES_B = "arn:aws:sagemaker:us-east-1:" + B + ":endpoint/iris";
    static final String BUCKET = "arn:aws:s3:::bucket/key";
    static final String INVOKE = "sagemaker:InvokeEndpoint";

    private final PolicyEvaluator evaluator = new PolicyEvaluator();

    static IdentityPolicy doc(PolicyKind kind, String name, String json) {
        try {
            return IdentityPolicy.inline(name, "test", PolicyParser.parse(json, name, kind));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static IdentityPolicy identity(String effect, String action, String resource, String condition) {
        return doc(PolicyKind.IDENTITY, "id", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S\",\"Effect\":\""
                + effect + "\",\"Action\":\"" + action + "\",\"Resource\":\"" + resource + "\""
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}]}");
    }

    static IdentityPolicy allowAll() {
        return identity("Allow", "*", "*", null);
    }

    static IdentityPolicy allowInvoke() {
        return identity("Allow", INVOKE, "*", null);
    }

    static IdentityPolicy resource(String effect, String principalJson, String action, String resource) {
        return doc(PolicyKind.RESOURCE, "rp", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"R\",\"Effect\":\""
                + effect + "\"," + principalJson + ",\"Action\":\"" + action + "\",\"Resource\":\"" + resource + "\"}]}");
    }

    static IdentityPolicy trust(String principalJson) {
        return doc(PolicyKind.TRUST, "trust", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"T\",\"Effect\":\"Allow\","
                + principalJson + ",\"Action\":\"sts:AssumeRole*\"}]}");
    }

    static PrincipalContext.Builder user() {
        return PrincipalContext.builder(USER, A, PrincipalType.USER).userName("alice");
    }

    static PrincipalContext.Builder roleSession() {
        return PrincipalContext.builder(SESSION_ARN, A, PrincipalType.ASSUMED_ROLE).roleArn(ROLE);
    }

    static PrincipalContext.Builder federatedUser() {
        return PrincipalContext.builder(FED_ARN, A, PrincipalType.FEDERATED_USER).federatingUserArn(USER);
    }

    Decision decide(PrincipalContext p, String action, String resource) {
        return evaluator.evaluate(AuthorizationRequest.of(p, action, resource));
    }

    Decision decide(AuthorizationRequest.Builder b) {
        return evaluator.evaluate(b.build());
    }

    static AuthorizationRequest.Builder req(PrincipalContext p) {
        return AuthorizationRequest.builder(p, INVOKE, RES);
    }

    static void expect(Decision d, Decision.Outcome outcome, PolicyType type) {
        assertThat(d.outcome()).as(d.toString()).isEqualTo(outcome);
        assertThat(d.policyType()).as(d.toString()).isEqualTo(type);
    }

    @Nested
    class PermissionsBoundary {
        @Test
        void boundaryAndIdentityBothAllow_allows_PB() {
            PrincipalContext p = user().identityPolicy(allowAll()).permissionsBoundary(allowInvoke()).build();
            expect(decide(p, INVOKE, RES), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void boundaryWithoutAllow_implicitlyDenies_PB() {
            PrincipalContext p = user().identityPolicy(allowAll()).permissionsBoundary(identity("Allow", "s3:*", "*", null)).build();
            AuthorizationRequest r = AuthorizationRequest.of(p, INVOKE, RES);
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.PERMISSIONS_BOUNDARY);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith(
                    "because no permissions boundary allows the sagemaker:InvokeEndpoint action");
        }

        @Test
        void denyInBoundary_explicitlyDenies_PB_EVAL() {
            PrincipalContext p = user().identityPolicy(allowAll()).permissionsBoundary(identity("Deny", "*", "*", null)).build();
            AuthorizationRequest r = AuthorizationRequest.of(p, INVOKE, RES);
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.EXPLICIT_DENY, PolicyType.PERMISSIONS_BOUNDARY);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith("with an explicit deny in a permissions boundary");
            assertThat(d.statements()).singleElement().satisfies(s -> assertThat(s.policyType()).isEqualTo(PolicyType.PERMISSIONS_BOUNDARY));
        }

        @Test
        void boundaryAloneGrantsNothing_PB() {
            PrincipalContext p = user().permissionsBoundary(allowAll()).build();
            expect(decide(p, INVOKE, RES), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }
    }

    @Nested
    class SessionPolicies {
        @Test
        void roleSessionWithAllowingSessionPolicy_allows_SESS() {
            PrincipalContext p = roleSession().identityPolicy(allowAll()).sessionPolicy(allowInvoke()).build();
            expect(decide(p, INVOKE, RES), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void sessionPolicyWithoutAllow_implicitlyDenies_SESS() {
            PrincipalContext p = roleSession().identityPolicy(allowAll()).sessionPolicy(identity("Allow", "s3:*", "*", null)).build();
            AuthorizationRequest r = AuthorizationRequest.of(p, INVOKE, RES);
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.SESSION);
            assertThat(AccessDeniedMessage.render(r, d)).isEqualTo("User: " + SESSION_ARN
                    + " is not authorized to perform: sagemaker:InvokeEndpoint on resource: " + RES
                    + " because no session policy allows the sagemaker:InvokeEndpoint action");
        }

        @Test
        void denyInSessionPolicy_explicitlyDenies_SESS() {
            PrincipalContext p = roleSession().identityPolicy(allowAll()).sessionPolicy(identity("Deny", "*", "*", null)).build();
            expect(decide(p, INVOKE, RES), Decision.Outcome.EXPLICIT_DENY, PolicyType.SESSION);
        }

        @Test
        void roleSessionWithoutSessionPolicy_keepsRolePermissions_EVAL() {
            expect(decide(roleSession().identityPolicy(allowInvoke()).build(), INVOKE, RES),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void federatedUserWithoutSessionPolicy_hasNoPermissions_GFT() {
            expect(decide(federatedUser().identityPolicy(allowAll()).build(), INVOKE, RES),
                    Decision.Outcome.IMPLICIT_DENY, PolicyType.SESSION);
            expect(decide(federatedUser().identityPolicy(allowAll()).sessionPolicy(allowInvoke()).build(), INVOKE, RES),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }
    }

    /** Table 1.2 of the reference [EVAL, PB, SESS, PRIN]. */
    @Nested
    class SameAccountResourcePolicy {
        @Test
        void grantToUserArn_ignoresIdentityAndBoundary() {
            PrincipalContext p = user().permissionsBoundary(identity("Allow", "s3:*", "*", null)).build();
            Decision d = decide(req(p).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"" + USER + "\"}", INVOKE, "*")));
            expect(d, Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            assertThat(d.statements()).singleElement().satisfies(s -> assertThat(s.policyType()).isEqualTo(PolicyType.RESOURCE));
        }

        @Test
        void grantToOtherUser_doesNotGrant() {
            PrincipalContext p = user().build();
            AuthorizationRequest r = req(p).resourcePolicy(resource("Allow",
                    "\"Principal\":{\"AWS\":\"arn:aws:iam::" + A + ":user/mallory\"}", INVOKE, "*")).build();
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith("because no identity-based policy allows the sagemaker:InvokeEndpoint action");
        }

        @Test
        void grantToRoleArn_ignoresIdentityImplicitDeny() {
            Decision d = decide(req(roleSession().build()).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"" + ROLE + "\"}", INVOKE, "*")));
            expect(d, Decision.Outcome.ALLOW, PolicyType.RESOURCE);
        }

        @Test
        void grantToRoleArn_isLimitedByBoundary_PB() {
            PrincipalContext p = roleSession().permissionsBoundary(identity("Allow", "s3:*", "*", null)).build();
            Decision d = decide(req(p).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"" + ROLE + "\"}", INVOKE, "*")));
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.PERMISSIONS_BOUNDARY);
        }

        @Test
        void grantToRoleArn_isLimitedBySessionPolicy_SESS() {
            PrincipalContext p = roleSession().sessionPolicy(identity("Allow", "s3:*", "*", null)).build();
            Decision d = decide(req(p).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"" + ROLE + "\"}", INVOKE, "*")));
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.SESSION);
        }

        @Test
        void grantToSessionArn_ignoresBoundaryAndSessionPolicy_SESS_PB() {
            PrincipalContext p = roleSession().permissionsBoundary(identity("Allow", "s3:*", "*", null))
                    .sessionPolicy(identity("Allow", "s3:*", "*", null)).build();
            Decision d = decide(req(p).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"" + SESSION_ARN + "\"}", INVOKE, "*")));
            expect(d, Decision.Outcome.ALLOW, PolicyType.RESOURCE);
        }

        @Test
        void grantToFederatedUserArn_grantsWithoutSessionPolicy_GFT() {
            Decision d = decide(req(federatedUser().build()).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"" + FED_ARN + "\"}", INVOKE, "*")));
            expect(d, Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            Decision viaUser = decide(req(federatedUser().build()).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"" + USER + "\"}", INVOKE, "*")));
            expect(viaUser, Decision.Outcome.IMPLICIT_DENY, PolicyType.SESSION); // federating user's ARN is limited
        }

        @Test
        void grantToAccount_delegatesToIdentityPolicy_PRIN() {
            IdentityPolicy toAccount = resource("Allow", "\"Principal\":{\"AWS\":\"" + A + "\"}", INVOKE, "*");
            expect(decide(req(user().build()).resourcePolicy(toAccount)), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
            expect(decide(req(user().identityPolicy(allowInvoke()).build()).resourcePolicy(toAccount)),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void grantToStar_allowsWithoutIdentityPolicy_PRIN() {
            expect(decide(req(user().build()).resourcePolicy(resource("Allow", "\"Principal\":\"*\"", INVOKE, "*"))),
                    Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            expect(decide(req(user().build()).resourcePolicy(resource("Allow", "\"Principal\":\"*\"", "sagemaker:Describe*", "*"))),
                    Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void denyInResourcePolicy_beatsIdentityAllow_EVAL() {
            AuthorizationRequest r = req(user().identityPolicy(allowAll()).build())
                    .resourcePolicy(resource("Deny", "\"Principal\":{\"AWS\":\"" + A + "\"}", INVOKE, "*")).build();
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.EXPLICIT_DENY, PolicyType.RESOURCE);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith("with an explicit deny in a resource-based policy");
            assertThat(d.statements().get(0).describe()).contains("resource-based policy");
        }
    }

    @Nested
    class CrossAccount {
        static final String B_ROLE_GRANT = "\"Principal\":{\"AWS\":\"arn:aws:iam::" + A + ":root\"}";

        @Test
        void bothSidesAllow_allows_XACCT() {
            Decision d = decide(AuthorizationRequest.builder(user().identityPolicy(allowInvoke()).build(), INVOKE, RES_B)
                    .resourceAccount(B).resourcePolicy(resource("Allow", B_ROLE_GRANT, INVOKE, "*")));
            expect(d, Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            assertThat(d.statements()).extracting(DecidingStatement::policyType).containsExactly(PolicyType.IDENTITY, PolicyType.RESOURCE);
        }

        @Test
        void identitySideOnly_implicitlyDenies_XACCT() {
            AuthorizationRequest r = AuthorizationRequest.builder(user().identityPolicy(allowInvoke()).build(), INVOKE, RES_B)
                    .resourceAccount(B).build();
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.RESOURCE);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith("because no resource-based policy allows the sagemaker:InvokeEndpoint action");
        }

        @Test
        void resourceSideOnly_evenStar_implicitlyDenies_XACCT_PRIN() {
            Decision d = decide(AuthorizationRequest.builder(user().build(), INVOKE, RES_B)
                    .resourceAccount(B).resourcePolicy(resource("Allow", "\"Principal\":\"*\"", INVOKE, "*")));
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void resourcePolicyNamingAnotherAccount_doesNotCount_XACCT() {
            Decision d = decide(AuthorizationRequest.builder(user().identityPolicy(allowInvoke()).build(), INVOKE, RES_B)
                    .resourceAccount(B).resourcePolicy(resource("Allow", "\"Principal\":{\"AWS\":\"999988887777\"}", INVOKE, "*")));
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.RESOURCE);
        }
    }

    @Nested
    class TrustAndKeyPolicies {
        static final String KEY = "arn:aws:kms:us-east-1:" + A + ":key/1234abcd-12ab-34cd-56ef-1234567890ab";

        IdentityPolicy keyPolicy(String principalJson) {
            return resource("Allow", principalJson, "kms:*", "*");
        }

        @Test
        void identityAllowAloneNeverSuffices_KMS() {
            Decision d = decide(AuthorizationRequest.builder(user().identityPolicy(allowAll()).build(), "kms:Decrypt", KEY)
                    .resourcePolicyType(ResourcePolicyType.KMS_KEY_POLICY));
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.RESOURCE);
        }

        @Test
        void keyPolicyEnablingIamPolicies_plusIdentityAllow_allows_KMS() {
            IdentityPolicy enableIam = keyPolicy("\"Principal\":{\"AWS\":\"" + ROOT + "\"}");
            expect(decide(AuthorizationRequest.builder(user().identityPolicy(allowAll()).build(), "kms:Decrypt", KEY)
                    .resourcePolicyType(ResourcePolicyType.KMS_KEY_POLICY).resourcePolicy(enableIam)),
                    Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            expect(decide(AuthorizationRequest.builder(user().build(), "kms:Decrypt", KEY)
                    .resourcePolicyType(ResourcePolicyType.KMS_KEY_POLICY).resourcePolicy(enableIam)),
                    Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void keyPolicyNamingThePrincipal_allows_KMS() {
            expect(decide(AuthorizationRequest.builder(user().build(), "kms:Decrypt", KEY)
                    .resourcePolicyType(ResourcePolicyType.KMS_KEY_POLICY).resourcePolicy(keyPolicy("\"Principal\":{\"AWS\":\"" + USER + "\"}"))),
                    Decision.Outcome.ALLOW, PolicyType.RESOURCE);
        }

        @Test
        void trustPolicyNamingCaller_allowsAssumeRole_ROLES() {
            expect(decide(AuthorizationRequest.builder(user().build(), "sts:AssumeRole", ROLE)
                    .resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY).resourcePolicy(trust("\"Principal\":{\"AWS\":\"" + USER + "\"}"))),
                    Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            expect(decide(AuthorizationRequest.builder(user().identityPolicy(allowAll()).build(), "sts:AssumeRole", ROLE)
                    .resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY)
                    .resourcePolicy(trust("\"Principal\":{\"AWS\":\"arn:aws:iam::" + A + ":user/other\"}"))),
                    Decision.Outcome.IMPLICIT_DENY, PolicyType.RESOURCE);
        }

        @Test
        void webIdentityMatchesFederatedPrincipalOnly_ROLES_PRIN() {
            PrincipalContext google = PrincipalContext.builder("accounts.google.com", "", PrincipalType.WEB_IDENTITY)
                    .provider("accounts.google.com").build();
            AuthorizationRequest.Builder ok = AuthorizationRequest.builder(google, "sts:AssumeRoleWithWebIdentity", ROLE)
                    .resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY)
                    .resourcePolicy(trust("\"Principal\":{\"Federated\":\"accounts.google.com\"}"));
            expect(decide(ok), Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            expect(decide(AuthorizationRequest.builder(google, "sts:AssumeRoleWithWebIdentity", ROLE)
                    .resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY)
                    .resourcePolicy(trust("\"Principal\":{\"Federated\":\"cognito-identity.amazonaws.com\"}"))),
                    Decision.Outcome.IMPLICIT_DENY, PolicyType.RESOURCE);
        }

        @Test
        void servicePrincipal_PRIN() {
            PrincipalContext svc = PrincipalContext.builder("sagemaker.amazonaws.com", "", PrincipalType.SERVICE).build();
            expect(decide(AuthorizationRequest.builder(svc, "sts:AssumeRole", ROLE).resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY)
                    .resourcePolicy(trust("\"Principal\":{\"Service\":\"sagemaker.amazonaws.com\"}"))), Decision.Outcome.ALLOW, PolicyType.RESOURCE);
            expect(decide(AuthorizationRequest.builder(svc, "sts:AssumeRole", ROLE).resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY)
                    .resourcePolicy(trust("\"Principal\":{\"Service\":\"ec2.amazonaws.com\"}"))), Decision.Outcome.IMPLICIT_DENY, PolicyType.RESOURCE);
        }
    }

    @Nested
    class OrganizationPolicies {
        @Test
        void scpDeny_explicitlyDenies_SCP() {
            PrincipalContext p = user().identityPolicy(allowAll()).serviceControlPolicy(allowAll())
                    .serviceControlPolicy(identity("Deny", "sagemaker:*", "*", null)).build();
            AuthorizationRequest r = AuthorizationRequest.of(p, INVOKE, RES);
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.EXPLICIT_DENY, PolicyType.SERVICE_CONTROL);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith("with an explicit deny in a service control policy");
        }

        @Test
        void scpWithoutAllow_denies_SCP() {
            PrincipalContext p = user().identityPolicy(allowAll()).serviceControlPolicy(identity("Allow", "s3:*", "*", null)).build();
            AuthorizationRequest r = AuthorizationRequest.of(p, INVOKE, RES);
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.IMPLICIT_DENY, PolicyType.SERVICE_CONTROL);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith("because no service control policy allows the sagemaker:InvokeEndpoint action");
        }

        @Test
        void scpAllowNeverGrants_SCP() {
            expect(decide(user().serviceControlPolicy(allowAll()).build(), INVOKE, RES), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
            expect(decide(user().identityPolicy(allowInvoke()).serviceControlPolicy(allowAll()).build(), INVOKE, RES),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void rootUserIsAllowedButSubjectToScps_EVAL_SCP() {
            PrincipalContext root = PrincipalContext.builder(ROOT, A, PrincipalType.ACCOUNT).serviceControlPolicy(allowAll()).build();
            Decision ok = decide(root, INVOKE, RES);
            expect(ok, Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            assertThat(ok.explanation()).contains("root user");
            PrincipalContext denied = PrincipalContext.builder(ROOT, A, PrincipalType.ACCOUNT)
                    .serviceControlPolicy(identity("Deny", "*", "*", null)).build();
            expect(decide(denied, INVOKE, RES), Decision.Outcome.EXPLICIT_DENY, PolicyType.SERVICE_CONTROL);
        }

        @Test
        void rcpDenyAppliesToCoveredServices_EVAL_KMSRCP() {
            IdentityPolicy rcp = identity("Deny", "*", "*", null);
            PrincipalContext p = user().identityPolicy(allowAll()).build();
            AuthorizationRequest r = AuthorizationRequest.builder(p, "s3:GetObject", BUCKET).resourceControlPolicy(rcp).build();
            Decision d = evaluator.evaluate(r);
            expect(d, Decision.Outcome.EXPLICIT_DENY, PolicyType.RESOURCE_CONTROL);
            assertThat(AccessDeniedMessage.render(r, d)).endsWith("with an explicit deny in a resource control policy");
            // SageMaker is not an RCP service
            expect(decide(AuthorizationRequest.builder(p, INVOKE, RES).resourceControlPolicy(rcp)), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void rcpWithoutAllowDoesNotDeny_RCPFullAWSAccess_EVAL() {
            PrincipalContext p = user().identityPolicy(allowAll()).build();
            expect(decide(AuthorizationRequest.builder(p, "s3:GetObject", BUCKET).resourceControlPolicy(identity("Deny", "s3:PutObject", "*", null))),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }
    }

    @Nested
    class NotPrincipalRules {
        IdentityPolicy denyAllExcept(String... listed) {
            return resource("Deny", "\"NotPrincipal\":{\"AWS\":[\"" + String.join("\",\"", listed) + "\"]}", "*", "*");
        }

        @Test
        void listedUserAndAccount_areExempt_NPRIN() {
            expect(decide(req(user().identityPolicy(allowAll()).build()).resourcePolicy(denyAllExcept(USER, ROOT))),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void otherPrincipalsOfListedAccount_areDenied_NPRIN() {
            PrincipalContext carol = PrincipalContext.builder("arn:aws:iam::" + A + ":user/carol", A, PrincipalType.USER)
                    .identityPolicy(allowAll()).build();
            expect(decide(req(carol).resourcePolicy(denyAllExcept(USER, ROOT))), Decision.Outcome.EXPLICIT_DENY, PolicyType.RESOURCE);
        }

        @Test
        void userArnWithoutAccount_isDenied_NPRIN() {
            expect(decide(req(user().identityPolicy(allowAll()).build()).resourcePolicy(denyAllExcept(USER))),
                    Decision.Outcome.EXPLICIT_DENY, PolicyType.RESOURCE);
        }

        @Test
        void roleSessionNeedsSessionRoleAndAccount_NPRIN() {
            PrincipalContext p = roleSession().identityPolicy(allowAll()).build();
            expect(decide(req(p).resourcePolicy(denyAllExcept(SESSION_ARN, ROLE, ROOT))), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            expect(decide(req(p).resourcePolicy(denyAllExcept(SESSION_ARN, ROOT))), Decision.Outcome.EXPLICIT_DENY, PolicyType.RESOURCE);
        }

        @Test
        void principalWithBoundaryIsAlwaysDenied_NPRIN_PB() {
            PrincipalContext p = user().identityPolicy(allowAll()).permissionsBoundary(allowAll()).build();
            expect(decide(req(p).resourcePolicy(denyAllExcept(USER, ROOT))), Decision.Outcome.EXPLICIT_DENY, PolicyType.RESOURCE);
        }
    }

    @Nested
    class DerivedKeys {
        @Test
        void principalOrgId_fromPrincipal_GKEYS() {
            IdentityPolicy p = identity("Allow", INVOKE, "*", "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}");
            expect(decide(user().identityPolicy(p).orgId("o-abc").build(), INVOKE, RES), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            expect(decide(user().identityPolicy(p).orgId("o-other").build(), INVOKE, RES), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
            expect(decide(user().identityPolicy(p).build(), INVOKE, RES), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void sessionTagsOverrideEntityTagsIgnoringCase_STAGS() {
            IdentityPolicy p = identity("Allow", INVOKE, "*", "{\"StringEquals\":{\"aws:PrincipalTag/team\":\"ml\"}}");
            expect(decide(roleSession().identityPolicy(p).tag("Team", "ops").sessionTag("TEAM", "ml").build(), INVOKE, RES),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            expect(decide(roleSession().identityPolicy(p).tag("Team", "ml").sessionTag("team", "ops").build(), INVOKE, RES),
                    Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void principalArnOfRoleSessionIsTheRole_GKEYS() {
            IdentityPolicy p = identity("Allow", INVOKE, "*", "{\"ArnEquals\":{\"aws:PrincipalArn\":\"" + ROLE + "\"}}");
            expect(decide(roleSession().identityPolicy(p).build(), INVOKE, RES), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            IdentityPolicy bySession = identity("Allow", INVOKE, "*", "{\"ArnEquals\":{\"aws:PrincipalArn\":\"" + SESSION_ARN + "\"}}");
            expect(decide(roleSession().identityPolicy(bySession).build(), INVOKE, RES), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void resourceTagsFromRequest_andContextWins_GKEYS() {
            IdentityPolicy p = identity("Allow", INVOKE, "*", "{\"StringEquals\":{\"aws:ResourceTag/Stage\":\"prod\"}}");
            PrincipalContext u = user().identityPolicy(p).build();
            expect(decide(req(u).resourceTags(Map.of("stage", "prod"))), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            expect(decide(req(u).resourceTags(Map.of("stage", "dev"))), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
            expect(decide(req(u).resourceTags(Map.of("stage", "dev"))
                    .context(RequestContext.builder().put("aws:ResourceTag/Stage", "prod").build())), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
        }

        @Test
        void sageMakerResourcesExposeTagsAsSageMakerResourceTagToo_SAR_SM() {
            IdentityPolicy p = identity("Allow", "*", "*", "{\"StringEquals\":{\"sagemaker:ResourceTag/Team\":\"ml\"}}");
            PrincipalContext u = user().identityPolicy(p).build();
            expect(decide(req(u).resourceTags(Map.of("team", "ml"))), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            expect(decide(req(u).resourceTags(Map.of("team", "ops"))), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
            // only SageMaker resource types have the sagemaker: tag key
            expect(decide(AuthorizationRequest.builder(u, "s3:GetObject", "arn:aws:s3:::bucket/key").resourceTags(Map.of("team", "ml"))),
                    Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void requestTagsAndTagKeys_MULTI() {
            IdentityPolicy p = identity("Allow", INVOKE, "*",
                    "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"owner\"]},\"StringEquals\":{\"aws:RequestTag/owner\":\"alice\"}}");
            PrincipalContext u = user().identityPolicy(p).build();
            expect(decide(req(u).requestTags(Map.of("owner", "alice"))), Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            expect(decide(req(u).requestTags(Map.of("owner", "alice", "cost", "x"))), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
        }

        @Test
        void principalKeyOverride_onlyForPrincipalKeys() {
            IdentityPolicy p = identity("Allow", INVOKE, "*", "{\"StringEquals\":{\"aws:PrincipalType\":\"AssumedRole\"}}");
            expect(decide(user().identityPolicy(p).conditionKey("aws:PrincipalType", List.of("AssumedRole")).build(), INVOKE, RES),
                    Decision.Outcome.ALLOW, PolicyType.IDENTITY);
            expect(decide(user().identityPolicy(p).build(), INVOKE, RES), Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY);
            assertThatThrownBy(() -> user().conditionKey("aws:SourceIp", List.of("1.2.3.4"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RequestContext.builder().put("aws:PrincipalOrgID", "o-x")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
