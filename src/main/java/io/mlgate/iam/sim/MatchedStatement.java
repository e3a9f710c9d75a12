package io.mlgate.iam.sim;

import java.util.Objects;
import java.util.Optional;

/**
 * A statement that decided a simulated request, as the simulator reports it.
 *
 * @param policyType     identity, resource, boundary, session, scp or rcp
 * @param policy         the policy's place in the input, e.g. {@code identity[0]}, {@code resource}, {@code scp[1]}
 * @param statementIndex the statement's position in its policy, from 0
 * @param sid            the statement's Sid, or {@code null}
 * @param effect         {@code Allow} or {@code Deny}
 */
public record MatchedStatement(String policyType, String policy, int statementIndex, String sid, String effect) {

    public MatchedStatement {
        Objects.requireNonNull(policyType, "policyType");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(effect, "effect");
    }

    public Optional<String> sidIfAny() {
        return Optional.ofNullable(sid);
    }
}
