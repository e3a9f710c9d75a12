package io.mlgate.iam.eval;

import java.util.Objects;
import java.util.Optional;

import io.mlgate.iam.policy.Effect;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.Statement;

/** A statement that decided an authorization: which policy, which statement (Sid and index), and its effect. */
public record DecidingStatement(IdentityPolicy policy, Statement statement) {

    public DecidingStatement {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(statement, "statement");
    }

    /** The managed policy ARN, if the statement comes from a managed policy. */
    public Optional<String> policyArn() {
        return policy.managedArn();
    }

    public String policyName() {
        return policy.name();
    }

    public Optional<String> sid() {
        return statement.sid();
    }

    public int statementIndex() {
        return statement.index();
    }

    public Effect effect() {
        return statement.effect();
    }

    /** E.g. {@code statement Sid 'AllowIris' (#0) of managed policy arn:...}. */
    public String describe() {
        return "statement " + statement.label() + (statement.sid().isPresent() ? " (#" + statement.index() + ")" : "")
                + " of " + policy.describe();
    }
}
