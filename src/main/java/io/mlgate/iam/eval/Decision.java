package io.mlgate.iam.eval;

import java.util.List;
import java.util.Objects;

/**
 * The result of evaluating an {@link AuthorizationRequest}: ALLOW, EXPLICIT_DENY or IMPLICIT_DENY, the type of policy
 * that decided it, the statements that decided it, and a human explanation (built on demand, so allowed requests pay
 * nothing for it).
 */
public final class Decision {

    /** The three outcomes of IAM policy evaluation. */
    public enum Outcome { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

    private final Outcome outcome;
    private final PolicyType policyType;
    private final List<DecidingStatement> statements;
    private final String action;
    private final String resource;

    Decision(Outcome outcome, PolicyType policyType, List<DecidingStatement> statements, String action, String resource) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.policyType = Objects.requireNonNull(policyType, "policyType");
        this.statements = List.copyOf(statements);
        this.action = action;
        this.resource = resource;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean isAllowed() {
        return outcome == Outcome.ALLOW;
    }

    /**
     * The policy type that decided: for EXPLICIT_DENY the type holding the Deny, for IMPLICIT_DENY the type that
     * lacked an Allow, for ALLOW the type whose Allow granted (RESOURCE when a resource policy's grant was needed).
     */
    public PolicyType policyType() {
        return policyType;
    }

    /**
     * The deciding statements: for ALLOW the allowing statements (one per side that had to allow; none for the root
     * user's implicit permissions), for EXPLICIT_DENY the denying statement, for IMPLICIT_DENY none.
     */
    public List<DecidingStatement> statements() {
        return statements;
    }

    /** A sentence explaining the decision, naming policies and statements (never request data beyond action and resource). */
    public String explanation() {
        switch (outcome) {
            case ALLOW: {
                if (statements.isEmpty()) {
                    return action + " on " + resource + " allowed: the account root user needs no identity-based policy";
                }
                StringBuilder sb = new StringBuilder(action).append(" on ").append(resource).append(" allowed by ");
                for (int i = 0; i < statements.size(); i++) {
                    sb.append(i == 0 ? "" : " and ").append(statements.get(i).describe());
                }
                return sb.toString();
            }
            case EXPLICIT_DENY:
                return action + " on " + resource + " explicitly denied by " + statements.get(0).describe();
            default:
                return action + " on " + resource + " implicitly denied: no " + policyType.phrase() + " allows it";
        }
    }

    @Override
    public String toString() {
        return outcome + ": " + explanation();
    }
}
