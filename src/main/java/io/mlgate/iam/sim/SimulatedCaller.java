package io.mlgate.iam.sim;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.policy.IdentityPolicy;

/**
 * The caller a wire simulation evaluates as: its identity (which resource-policy principals match and which
 * principal-derived condition keys it has), the identity-based policies and permissions boundary it is simulated
 * with, and principal-derived keys stated in the request's context entries.
 */
record SimulatedCaller(String arn, String accountId, PrincipalType type, String userId, String userName,
        String roleArn, Map<String, String> tags, List<IdentityPolicy> identityPolicies, IdentityPolicy boundary,
        Map<String, List<String>> principalKeys) {

    SimulatedCaller {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(type, "type");
        tags = Map.copyOf(tags);
        identityPolicies = List.copyOf(identityPolicies);
        principalKeys = Map.copyOf(principalKeys);
    }

    /** The evaluator's principal, with {@code scps} as the service control policies of its account. */
    PrincipalContext build(List<IdentityPolicy> scps) {
        PrincipalContext.Builder b = PrincipalContext.builder(arn, accountId, type).tags(tags)
                .identityPolicies(identityPolicies);
        if (userId != null) {
            b.userId(userId);
        }
        if (userName != null) {
            b.userName(userName);
        }
        if (roleArn != null) {
            b.roleArn(roleArn);
        }
        if (boundary != null) {
            b.permissionsBoundary(boundary);
        }
        scps.forEach(b::serviceControlPolicy);
        principalKeys.forEach(b::conditionKey);
        return b.build();
    }
}
