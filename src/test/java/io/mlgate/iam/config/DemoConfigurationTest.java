package io.mlgate.iam.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mlgate.iam.eval.AccessDeniedMessage;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;

/** The shipped demo configuration in the project's policies/ folder. */
class DemoConfigurationTest {

    static final String ACCOUNT = "123456789012";
    static final String IRIS = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";
    static final String IRIS_EU = "arn:aws:sagemaker:eu-central-1:123456789012:endpoint/iris";
    static final String OTHER = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/breast-cancer";
    static final String INVOKE = "sagemaker:InvokeEndpoint";
    static final RequestContext TLS = RequestContext.builder().put("aws:SecureTransport", "true")
            .put("aws:SourceIp", "203.0.113.10").put("aws:RequestedRegion", "us-east-1").build();
    static final RequestContext PLAIN = RequestContext.builder().put("aws:SecureTransport", "false").build();

    static IamConfiguration config;
    final PolicyEvaluator evaluator = new PolicyEvaluator();

    @BeforeAll
    static void load() throws Exception {
        config = IamConfigurationLoader.load(Path.of("policies"));
    }

    static PrincipalContext user(String name) {
        return config.principalForUser("arn:aws:iam::123456789012:user/" + name).orElseThrow();
    }

    Decision.Outcome decide(String user, String action, String resource, RequestContext ctx) {
        return evaluator.evaluate(AuthorizationRequest.of(user(user), action, resource, ctx)).outcome();
    }

    @Test
    void demoAccountAndUsers() {
        assertThat(config.account(ACCOUNT).orElseThrow().alias()).isEqualTo("mlgate-demo");
        assertThat(config.users()).extracting(IamUser::name).containsExactlyInAnyOrder("demo-admin", "demo-analyst", "demo-guest");
        assertThat(config.users()).allSatisfy(u -> assertThat(u.tags()).containsKey("team"));
        assertThat(config.role("arn:aws:iam::123456789012:role/service/demo-inference")).isPresent();
    }

    @Test
    void adminIsAllowedEverything() {
        assertThat(decide("demo-admin", INVOKE, OTHER, PLAIN)).isEqualTo(Decision.Outcome.ALLOW);
        assertThat(decide("demo-admin", "iam:CreateUser", "arn:aws:iam::123456789012:user/x", RequestContext.empty()))
                .isEqualTo(Decision.Outcome.ALLOW);
        assertThat(decide("demo-admin", "kms:Decrypt", "*", TLS)).isEqualTo(Decision.Outcome.ALLOW);
    }

    @Test
    void analystMayInvokeIrisOverTlsOnly() {
        assertThat(decide("demo-analyst", INVOKE, IRIS, TLS)).isEqualTo(Decision.Outcome.ALLOW);
        assertThat(decide("demo-analyst", INVOKE, IRIS_EU, TLS)).isEqualTo(Decision.Outcome.ALLOW);
        assertThat(decide("demo-analyst", INVOKE, OTHER, TLS)).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(decide("demo-analyst", INVOKE, IRIS, PLAIN)).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(decide("demo-analyst", INVOKE, IRIS, RequestContext.empty())).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(decide("demo-analyst", "sagemaker:DeleteEndpoint", IRIS, TLS)).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(decide("demo-analyst", INVOKE, "arn:aws:sagemaker:us-east-1:999999999999:endpoint/iris", TLS))
                .isEqualTo(Decision.Outcome.IMPLICIT_DENY);
    }

    @Test
    void analystDecisionNamesTheManagedPolicyAndAnotherEndpointGetsAwsMessage() {
        Decision allowed = evaluator.evaluate(AuthorizationRequest.of(user("demo-analyst"), INVOKE, IRIS, TLS));
        assertThat(allowed.statements().get(0).policyArn()).contains("arn:aws:iam::123456789012:policy/InvokeIrisEndpoint");
        assertThat(allowed.statements().get(0).sid()).contains("InvokeIrisOverTls");
        AuthorizationRequest denied = AuthorizationRequest.of(user("demo-analyst"), INVOKE, OTHER, TLS);
        assertThat(AccessDeniedMessage.render(denied, evaluator.evaluate(denied))).isEqualTo(
                "User: arn:aws:iam::123456789012:user/demo-analyst is not authorized to perform: sagemaker:InvokeEndpoint"
                        + " on resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/breast-cancer because no"
                        + " identity-based policy allows the sagemaker:InvokeEndpoint action");
    }

    @Test
    void guestIsImplicitlyDenied() {
        assertThat(user("demo-guest").identityPolicies()).isEmpty();
        assertThat(decide("demo-guest", INVOKE, IRIS, TLS)).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
    }
}
