package io.mlgate.iam.policy;

import java.util.List;

/** The Condition block of a statement: every clause must hold (different operators and keys are AND'ed). */
public final class Condition {

    private static final Condition NONE = new Condition(List.of());

    private final List<ConditionClause> clauses;
    private final ConditionClause[] array;

    Condition(List<ConditionClause> clauses) {
        this.clauses = List.copyOf(clauses);
        this.array = clauses.toArray(new ConditionClause[0]);
    }

    /** The empty condition, which always holds. */
    public static Condition none() {
        return NONE;
    }

    public List<ConditionClause> clauses() {
        return clauses;
    }

    public boolean isEmpty() {
        return array.length == 0;
    }

    public boolean matches(ConditionKeys keys) {
        for (ConditionClause c : array) {
            if (!c.matches(keys)) {
                return false;
            }
        }
        return true;
    }
}
