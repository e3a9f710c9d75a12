package io.mlgate.iam.eval;

import java.util.List;
import java.util.Objects;

/**
 * The result of evaluating an {@link AuthorizationRequest}: ALLOW, EXPLICIT_DENY or IMPLICIT_DENY, the statements
 * that decided it, and a human explanation (built on demand, so allowed requests pay nothing for it).
 */
public final class Decision {

    /** The three outcomes of IAM policy evaluation. */
    public enum Outcome { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

    private final Outcome outcome;
    private final List<DecidingStatement> statements;
    private final String action;
    private final String resource;

    Decision(Outcome outcome, List<DecidingStatement> statements, String action, String resource) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
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
     * The deciding statements: for ALLOW the allowing statement, for EXPLICIT_DENY the denying statement, for
     * IMPLICIT_DENY none.
     */
    public List<DecidingStatement> statements() {
        return statements;
    }

    /** A sentence explaining the decision, naming policies and statements (never request data beyond action and resource). */
    public String explanation() {
        switch (outcome) {
            case ALLOW:
                return action + " on " + resource + " allowed by " + statements.get(0).describe();
            case EXPLICIT_DENY:
                return action + " on " + resource + " explicitly denied by " + statements.get(0).describe();
            default:
                return action + " on " + resource + " implicitly denied: no identity-based policy allows it";
        }
    }

    @Override
    public String toString() {
        return outcome + ": " + explanation();
    }
}
