package io.mlgate.iam.eval;

import java.util.Objects;
import java.util.Optional;

import io.mlgate.iam.policy.Effect;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.Statement;

/** A statement that decided an authorization: which type of policy, which policy, which statement, and its effect. */
public record DecidingStatement(PolicyType policyType, IdentityPolicy policy, Statement statement) {

    public DecidingStatement {
        Objects.requireNonNull(policyType, "policyType");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(statement, "statement");
    }

    /** A statement of an identity-based policy. */
    public DecidingStatement(IdentityPolicy policy, Statement statement) {
        this(PolicyType.IDENTITY, policy, statement);
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
        String of = policyType == PolicyType.IDENTITY ? policy.describe() : policyType.phrase() + " " + policy.describe();
        return (statement.sid().isPresent() ? "statement " + statement.label() + " (#" + statement.index() + ")"
                : statement.label()) + " of " + of;
    }
}
