package io.mlgate.iam.eval;

import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-principal action index gives the same decisions as trying every statement, for any number of actions. */
class ActionIndexTest {

    private static final String USER = "arn:aws:iam::123456789012:user/alice";

    private static PrincipalContext principal(String... documents) throws Exception {
        PrincipalContext.Builder builder = PrincipalContext.builder(USER, "123456789012", PrincipalType.USER);
        for (int i = 0; i < documents.length; i++) {
            builder.identityPolicy(IdentityPolicy.inline("p" + i, USER, PolicyParser.parse(documents[i], "p" + i)));
        }
        return builder.build();
    }

    private static Decision decide(PrincipalContext principal, String action, String resource) {
        return new PolicyEvaluator().evaluate(AuthorizationRequest.of(principal, action, resource));
    }

    @Test
    void candidatesKeepPolicyAndStatementOrderAndIncludeNotAction() throws Exception {
        PrincipalContext p = principal(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"},"
                        + "{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"arn:aws:sagemaker:*:*:endpoint/secret\"}]}");
        assertThat(p.candidateStatements("s3:getobject")[0]).hasSize(1);
        assertThat(p.candidateStatements("s3:getobject")[1]).isEmpty();
        assertThat(p.candidateStatements("sagemaker:invokeendpoint")[0]).hasSize(1); // the NotAction statement
        assertThat(p.candidateStatements("sagemaker:invokeendpoint")[1]).hasSize(1);
        assertThat(p.candidateStatements("s3:getobject")).isSameAs(p.candidateStatements("s3:getobject"));
    }

    @Test
    void aDenyAfterAnAllowStillWins() throws Exception {
        PrincipalContext p = principal(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sagemaker:*\",\"Resource\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"},"
                        + "{\"Effect\":\"Deny\",\"Action\":\"sagemaker:Invoke*\",\"Resource\":\"arn:aws:sagemaker:*:*:endpoint/secret\"}]}");
        assertThat(decide(p, "sagemaker:InvokeEndpoint", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris")
                .outcome()).isEqualTo(Decision.Outcome.ALLOW);
        assertThat(decide(p, "sagemaker:InvokeEndpoint", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/secret")
                .outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        assertThat(decide(p, "SageMaker:invokeENDPOINT", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/secret")
                .outcome()).as("actions are case-insensitive").isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        assertThat(decide(p, "s3:GetObject", "arn:aws:s3:::b/k").outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
    }

    @Test
    void theIndexStaysBoundedAndKeepsDecidingRight() throws Exception {
        PrincipalContext p = principal(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"svc:Even*\",\"Resource\":\"*\"}]}");
        for (int i = 0; i < PrincipalContext.MAX_INDEXED_ACTIONS * 3; i++) {
            String action = (i % 2 == 0 ? "svc:Even" : "svc:Odd") + i;
            assertThat(decide(p, action, "arn:aws:svc:::x").isAllowed()).isEqualTo(i % 2 == 0);
        }
    }
}
