package io.mlgate.iam.eval;

import java.util.List;

import io.mlgate.iam.policy.ConditionKeys;
import io.mlgate.iam.policy.Effect;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.Statement;

/**
 * Decides IAM authorization requests: an applicable Deny anywhere wins (explicit deny), else an applicable Allow
 * grants, else the request is implicitly denied. Stateless and thread-safe; the hot path does no parsing, no regular
 * expressions and no string building.
 *
 * <p>Currently evaluates identity-based policies; permission boundaries, session policies, resource policies and
 * SCPs slot in as further policy sets in {@link #evaluate} (see the reference's decision algorithm).
 */
public final class PolicyEvaluator {

    public PolicyEvaluator() {
    }

    /** Evaluates the request. A runtime exception here is a bug; callers must treat it as a deny (fail closed). */
    public Decision evaluate(AuthorizationRequest request) {
        String action = request.lowerAction();
        String resource = request.resource();
        ConditionKeys keys = request.conditionKeys();
        IdentityPolicy allowPolicy = null;
        Statement allow = null;
        for (IdentityPolicy p : request.principal().policyArray()) {
            Statement s = allow == null
                    ? p.document().firstApplicable(action, resource, keys)
                    : p.document().firstApplicableDeny(action, resource, keys);
            if (s == null) {
                continue;
            }
            if (s.effect() == Effect.DENY) {
                return new Decision(Decision.Outcome.EXPLICIT_DENY, List.of(new DecidingStatement(p, s)),
                        request.action(), resource);
            }
            allow = s;
            allowPolicy = p;
        }
        if (allow != null) {
            return new Decision(Decision.Outcome.ALLOW, List.of(new DecidingStatement(allowPolicy, allow)),
                    request.action(), resource);
        }
        return new Decision(Decision.Outcome.IMPLICIT_DENY, List.of(), request.action(), resource);
    }
}
