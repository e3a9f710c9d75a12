package io.mlgate.gateway;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.sagemaker.RolePassing;

/**
 * {@code iam:PassRole} for SageMaker as IAM decides it: the caller's policies (identity, boundary, session, SCPs)
 * evaluated for {@code iam:PassRole} on the role's ARN with the request's context keys and
 * {@code iam:PassedToService = sagemaker.amazonaws.com}. The decision is observed by the call's decision trace, so
 * a refusal shows in the audit event with the statements that decided it.
 */
final class IamRolePassing implements RolePassing {

    static final String SERVICE = "sagemaker.amazonaws.com";

    private final PolicyEvaluator evaluator;

    IamRolePassing(PolicyEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    @Override
    public boolean mayPass(PrincipalContext caller, RequestContext context, String roleArn) {
        RequestContext.Builder keys = RequestContext.builder();
        for (String key : context.keys()) {
            if (!key.startsWith("aws:principal") && !key.equals("iam:passedtoservice")) {
                keys.put(key, context.values(key));
            }
        }
        keys.put("iam:PassedToService", SERVICE);
        return evaluator.evaluate(AuthorizationRequest.of(caller, "iam:PassRole", roleArn, keys.build()))
                .isAllowed();
    }
}
