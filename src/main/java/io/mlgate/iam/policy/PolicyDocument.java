package io.mlgate.iam.policy;

import java.util.List;
import java.util.Optional;

import io.mlgate.iam.json.SourcePosition;

/** A parsed and compiled IAM policy document (Version, Id, Statement list), immutable and safe to share. */
public final class PolicyDocument {

    private final PolicyVersion version;
    private final boolean versionWritten;
    private final String id;
    private final PolicyKind kind;
    private final List<Statement> statements;
    private final Statement[] array;
    private final SourcePosition position;

    PolicyDocument(PolicyVersion version, boolean versionWritten, String id, PolicyKind kind, List<Statement> statements,
            SourcePosition position) {
        this.version = version;
        this.versionWritten = versionWritten;
        this.id = id;
        this.kind = kind;
        this.statements = List.copyOf(statements);
        this.array = statements.toArray(new Statement[0]);
        this.position = position;
    }

    /** The language version; {@code 2008-10-17} when the document has no Version element. */
    public PolicyVersion version() {
        return version;
    }

    /** Whether a Version element was written. */
    public boolean hasExplicitVersion() {
        return versionWritten;
    }

    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    public PolicyKind kind() {
        return kind;
    }

    public List<Statement> statements() {
        return statements;
    }

    /** Statements as an array for allocation-free iteration on the hot path; do not modify. */
    Statement[] statementArray() {
        return array;
    }

    /** Where the document starts in its source. */
    public SourcePosition position() {
        return position;
    }

    /**
     * Scans the statements for the request and reports the first applicable Deny, else the first applicable Allow,
     * else {@code null}. Allocation-free.
     *
     * @param lowerCaseAction the action lower-cased with {@link java.util.Locale#ROOT}
     */
    public Statement firstApplicable(String lowerCaseAction, String resourceArn, ConditionKeys keys) {
        Statement allow = null;
        for (Statement s : array) {
            if (s.effect() == Effect.ALLOW && allow != null) {
                continue;
            }
            if (s.applies(lowerCaseAction, resourceArn, keys)) {
                if (s.effect() == Effect.DENY) {
                    return s;
                }
                allow = s;
            }
        }
        return allow;
    }

    /** Returns the first applicable Deny statement, or {@code null}; used once an Allow is already known. */
    public Statement firstApplicableDeny(String lowerCaseAction, String resourceArn, ConditionKeys keys) {
        for (Statement s : array) {
            if (s.effect() == Effect.DENY && s.applies(lowerCaseAction, resourceArn, keys)) {
                return s;
            }
        }
        return null;
    }
}
