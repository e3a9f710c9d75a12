package io.mlgate.iam.sim;

import java.util.Map;
import java.util.Objects;

import io.mlgate.iam.policy.IdentityPolicy;

/**
 * One policy taking part in a wire simulation, with what the IAM API reports about it: its {@code SourcePolicyId}
 * ({@code PolicyInputList.1}, {@code ResourcePolicy}, or the policy name of a configured policy), its
 * {@code SourcePolicyType} and, for policies given as text in the request, the text for statement positions.
 */
final class SimulatedPolicy {

    static final String TYPE_USER = "user";
    static final String TYPE_GROUP = "group";
    static final String TYPE_ROLE = "role";
    static final String TYPE_AWS_MANAGED = "aws-managed";
    static final String TYPE_USER_MANAGED = "user-managed";
    static final String TYPE_RESOURCE = "resource";
    static final String TYPE_NONE = "none";

    private final IdentityPolicy policy;
    private final String sourceId;
    private final String sourceType;
    private final String text;
    private Map<Integer, StatementSpans.Span> spans;

    private SimulatedPolicy(IdentityPolicy policy, String sourceId, String sourceType, String text) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sourceId = Objects.requireNonNull(sourceId, "sourceId");
        this.sourceType = Objects.requireNonNull(sourceType, "sourceType");
        this.text = text;
    }

    /** A policy given as text in the request (its id is the request member, e.g. {@code PolicyInputList.2}). */
    static SimulatedPolicy fromInput(IdentityPolicy policy, String sourceId, String sourceType, String text) {
        return new SimulatedPolicy(policy, sourceId, sourceType, Objects.requireNonNull(text, "text"));
    }

    /** A policy of the IAM configuration (user, group or role inline policy, or managed policy). */
    static SimulatedPolicy fromConfiguration(IdentityPolicy policy) {
        return new SimulatedPolicy(policy, policy.name(), configuredType(policy), null);
    }

    /** {@code user}, {@code group}, {@code role} for inline policies; {@code aws-managed} / {@code user-managed}. */
    static String configuredType(IdentityPolicy policy) {
        if (policy.isManaged()) {
            return isAwsManaged(policy.arn()) ? TYPE_AWS_MANAGED : TYPE_USER_MANAGED;
        }
        String owner = policy.attachedTo();
        if (owner.contains(":group/")) {
            return TYPE_GROUP;
        }
        if (owner.contains(":role/")) {
            return TYPE_ROLE;
        }
        return TYPE_USER;
    }

    static boolean isAwsManaged(String policyArn) {
        String[] parts = policyArn.split(":", 6);
        return parts.length == 6 && parts[4].equals("aws");
    }

    IdentityPolicy policy() {
        return policy;
    }

    String sourceId() {
        return sourceId;
    }

    String sourceType() {
        return sourceType;
    }

    /** The statement's span in the request text, or {@code null} for configured policies (no request text). */
    StatementSpans.Span span(int statementIndex) {
        if (text == null) {
            return null;
        }
        if (spans == null) {
            spans = StatementSpans.of(text);
        }
        return spans.get(statementIndex);
    }
}
