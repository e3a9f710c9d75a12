package io.mlgate.gateway;

import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** iam:PassRole for CreateModel's execution role, decided by the real evaluator. */
class IamRolePassingTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final String OTHER = "arn:aws:iam::123456789012:role/admin";

    static PrincipalContext user(String policy) throws Exception {
        String arn = "arn:aws:iam::123456789012:user/u";
        return PrincipalContext.builder(arn, "123456789012", PrincipalType.USER).userName("u").userId("AIDAU")
                .identityPolicy(IdentityPolicy.inline("p", arn, PolicyParser.parse(policy, "p"))).build();
    }

    final IamRolePassing passing = new IamRolePassing(new PolicyEvaluator());
    final RequestContext context = RequestContext.builder().put("aws:SecureTransport", "true").build();

    @Test
    void passRoleOnTheRoleForSageMakerIsAllowedAndNothingElse() throws Exception {
        PrincipalContext u = user("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole",
                 "Resource":"%s","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}]}
                """.formatted(ROLE));
        assertThat(passing.mayPass(u, context, ROLE)).isTrue();
        assertThat(passing.mayPass(u, context, OTHER)).isFalse();
    }

    @Test
    void passingToAnotherServiceOnlyDoesNotCount() throws Exception {
        PrincipalContext u = user("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole",
                 "Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}
                """);
        assertThat(passing.mayPass(u, context, ROLE)).isFalse();
    }

    @Test
    void sageMakerPermissionsWithoutPassRoleAreNotEnough() throws Exception {
        PrincipalContext u = user("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:*","Resource":"*"}]}
                """);
        assertThat(passing.mayPass(u, context, ROLE)).isFalse();
    }
}
