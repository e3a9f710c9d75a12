package io.mlgate.sagemaker;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;

/**
 * Whether a caller may hand an IAM role to SageMaker ({@code iam:PassRole} on the role, with
 * {@code iam:PassedToService = sagemaker.amazonaws.com}): CreateModel's {@code ExecutionRoleArn} is the role whose
 * permissions decrypt the model, so without this check anyone allowed to create models could borrow any role's
 * key access. The gateway implements it with the policy evaluator; the decision is part of the call's audit event.
 */
@FunctionalInterface
public interface RolePassing {

    /** Allows every role: only for tests and tools that have no IAM; the gateway always uses the real check. */
    RolePassing UNCHECKED = (caller, context, roleArn) -> true;

    /** True if {@code caller} may pass {@code roleArn} to SageMaker. */
    boolean mayPass(PrincipalContext caller, RequestContext context, String roleArn);
}
