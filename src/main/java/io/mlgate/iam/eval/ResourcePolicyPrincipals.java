package io.mlgate.iam.eval;

import io.mlgate.iam.policy.Statement;

/**
 * Whether a resource-based policy statement's Principal or NotPrincipal covers a principal, by the same rules the
 * {@link PolicyEvaluator} applies (for reports that break a decision down by policy type).
 */
public final class ResourcePolicyPrincipals {

    private ResourcePolicyPrincipals() {
    }

    /** True if the statement's Principal (or NotPrincipal) applies to {@code principal} in any way. */
    public static boolean covers(Statement statement, PrincipalContext principal) {
        return PolicyEvaluator.appliesTo(statement, principal) != PolicyEvaluator.PrincipalMatch.NONE;
    }
}
