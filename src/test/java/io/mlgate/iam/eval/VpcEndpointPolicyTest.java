package io.mlgate.iam.eval;

import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VPC endpoint policies: they filter (never grant), name their principals, and an explicit deny in them wins. */
class VpcEndpointPolicyTest {

    private static final String ACCOUNT = "123456789012";
    private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    private static final String BOB = "arn:aws:iam::123456789012:user/bob";
    private static final String ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";
    private static final String INVOKE = "sagemaker:InvokeEndpoint";

    private final PolicyEvaluator evaluator = new PolicyEvaluator();

    private static PrincipalContext user(String arn, String identityJson) throws Exception {
        PrincipalContext.Builder b = PrincipalContext.builder(arn, ACCOUNT, PrincipalType.USER)
                .userId("AIDA" + arn.hashCode()).userName(arn.substring(arn.lastIndexOf('/') + 1));
        if (identityJson != null) {
            b.identityPolicy(IdentityPolicy.inline("p", arn, PolicyParser.parse(identityJson, "p.json")));
        }
        return b.build();
    }

    private static final String INVOKE_ALL = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}""";

    private static IdentityPolicy vpce(String json) throws Exception {
        return IdentityPolicy.inline("endpoint-policy", "vpce-1", PolicyParser.parse(json, "vpce.json", PolicyKind.RESOURCE));
    }

    private static final String ONLY_ALICE = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "%s"},
              "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}""".formatted(ALICE);

    private Decision decide(PrincipalContext p, IdentityPolicy vpce, RequestContext keys) {
        AuthorizationRequest.Builder b = AuthorizationRequest.builder(p, INVOKE, ENDPOINT).context(keys);
        if (vpce != null) {
            b.vpcEndpointPolicy(vpce);
        }
        return evaluator.evaluate(b.build());
    }

    @Test
    void anEndpointPolicyNamingOnePrincipalBlocksAnotherThatIamAllows() throws Exception {
        IdentityPolicy policy = vpce(ONLY_ALICE);
        PrincipalContext bob = user(BOB, INVOKE_ALL);
        assertThat(decide(bob, null, RequestContext.empty()).isAllowed()).isTrue();
        AuthorizationRequest request = AuthorizationRequest.builder(bob, INVOKE, ENDPOINT).vpcEndpointPolicy(policy).build();
        Decision d = evaluator.evaluate(request);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(d.policyType()).isEqualTo(PolicyType.VPC_ENDPOINT);
        assertThat(AccessDeniedMessage.render(request, d)).isEqualTo("User: " + BOB + " is not authorized to perform: "
                + INVOKE + " on resource: " + ENDPOINT + " because no VPC endpoint policy allows the " + INVOKE + " action");
        assertThat(decide(user(ALICE, INVOKE_ALL), policy, RequestContext.empty()).isAllowed()).isTrue();
    }

    @Test
    void anEndpointPolicyNeverGrants() throws Exception {
        Decision d = decide(user(ALICE, null), vpce(ONLY_ALICE), RequestContext.empty());
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(d.policyType()).isEqualTo(PolicyType.IDENTITY);
    }

    @Test
    void anExplicitDenyInTheEndpointPolicyWins() throws Exception {
        IdentityPolicy policy = vpce("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
                  {"Sid": "NoIris", "Effect": "Deny", "Principal": "*", "Action": "sagemaker:InvokeEndpoint", "Resource": "%s"}]}"""
                .formatted(ENDPOINT));
        AuthorizationRequest request = AuthorizationRequest.builder(user(ALICE, INVOKE_ALL), INVOKE, ENDPOINT)
                .vpcEndpointPolicy(policy).build();
        Decision d = evaluator.evaluate(request);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        assertThat(d.policyType()).isEqualTo(PolicyType.VPC_ENDPOINT);
        assertThat(AccessDeniedMessage.render(request, d)).endsWith(" with an explicit deny in a VPC endpoint policy");
        assertThat(d.statements().get(0).sid()).contains("NoIris");
    }

    @Test
    void theAccountAsPrincipalCoversItsPrincipals() throws Exception {
        IdentityPolicy policy = vpce("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"},
                  "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}""");
        assertThat(decide(user(BOB, INVOKE_ALL), policy, RequestContext.empty()).isAllowed()).isTrue();
        IdentityPolicy other = vpce("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "210987654321"},
                  "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}""");
        assertThat(decide(user(BOB, INVOKE_ALL), other, RequestContext.empty()).isAllowed()).isFalse();
    }

    @Test
    void conditionsOnSourceVpceDecide() throws Exception {
        IdentityPolicy policy = vpce("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                  "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]}""");
        RequestContext through = RequestContext.builder().put("aws:SourceVpce", "vpce-1").put("aws:SourceVpc", "vpc-1")
                .put("aws:VpcSourceIp", "10.1.2.20").build();
        RequestContext other = RequestContext.builder().put("aws:SourceVpce", "vpce-2").build();
        assertThat(decide(user(ALICE, INVOKE_ALL), policy, through).isAllowed()).isTrue();
        assertThat(decide(user(ALICE, INVOKE_ALL), policy, other).isAllowed()).isFalse();
    }

    @Test
    void evaluatedAloneForServicesThatAuthorizeThemselves() throws Exception {
        IdentityPolicy policy = vpce(ONLY_ALICE);
        Decision alice = evaluator.evaluateEndpointPolicy(AuthorizationRequest.builder(user(ALICE, null), INVOKE, ENDPOINT)
                .vpcEndpointPolicy(policy).build());
        assertThat(alice.isAllowed()).isTrue();
        Decision bob = evaluator.evaluateEndpointPolicy(AuthorizationRequest.builder(user(BOB, null), INVOKE, ENDPOINT)
                .vpcEndpointPolicy(policy).build());
        assertThat(bob.outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        PrincipalContext anonymous = PrincipalContext.builder("*", ACCOUNT, PrincipalType.ANONYMOUS).build();
        assertThat(evaluator.evaluateEndpointPolicy(AuthorizationRequest.builder(anonymous, INVOKE, ENDPOINT)
                .vpcEndpointPolicy(policy).build()).isAllowed()).isFalse();
        assertThat(evaluator.evaluateEndpointPolicy(AuthorizationRequest.builder(anonymous, INVOKE, ENDPOINT)
                .vpcEndpointPolicy(vpce(ONLY_ALICE.replace("{\"AWS\": \"" + ALICE + "\"}", "\"*\""))).build())
                .isAllowed()).isTrue();
        assertThatThrownBy(() -> evaluator.evaluateEndpointPolicy(AuthorizationRequest.of(user(ALICE, null), INVOKE, ENDPOINT)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
