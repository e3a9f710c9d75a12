package io.mlgate.iam.validate;

/**
 * The stable codes of validator findings, each with its severity; documented in docs/policy-validator.md. Codes are
 * never renamed or reused.
 */
public enum FindingCode {
    /** The text is not well-formed JSON (or is empty, or has content after the document). */
    MALFORMED_JSON(Severity.ERROR),
    /** An element name that the policy language does not define (names are case-sensitive). */
    UNKNOWN_ELEMENT(Severity.ERROR),
    /** The same key appears twice in one JSON object. */
    DUPLICATE_KEY(Severity.ERROR),
    /** Two statements share a Sid. */
    DUPLICATE_SID(Severity.ERROR),
    /** A required element is missing (Statement, Effect, Action, Resource, Principal). */
    MISSING_ELEMENT(Severity.ERROR),
    /** Two elements that exclude each other (Action and NotAction, ...). */
    CONFLICTING_ELEMENTS(Severity.ERROR),
    /** An element that is not allowed in this kind of policy (Principal in an identity policy, ...). */
    ELEMENT_NOT_ALLOWED(Severity.ERROR),
    /** An element has the wrong JSON type or an invalid value (Effect, Sid, empty arrays, ...). */
    INVALID_ELEMENT(Severity.ERROR),
    /** The Version is neither 2012-10-17 nor 2008-10-17. */
    INVALID_VERSION(Severity.ERROR),
    /** An Action entry is not {@code *} or {@code service:Action}. */
    INVALID_ACTION(Severity.ERROR),
    /** A Principal entry is not an account id, an ARN or {@code *}. */
    INVALID_PRINCIPAL(Severity.ERROR),
    /** A Resource entry is not {@code *} or a valid ARN. */
    INVALID_ARN(Severity.ERROR),
    /** A Condition block uses an operator the policy language does not define. */
    UNKNOWN_OPERATOR(Severity.ERROR),
    /** A condition value does not fit its operator (a date for NumericLessThan, ...). */
    WRONG_VALUE_TYPE(Severity.ERROR),
    /** A condition key is not written as prefix:name. */
    INVALID_CONDITION_KEY(Severity.ERROR),
    /** A malformed policy variable ({@code ${...}}) in a Resource. */
    INVALID_VARIABLE(Severity.ERROR),
    /** A problem the parser reports that has no more specific code. */
    INVALID_POLICY(Severity.ERROR),
    /** The action's service is in the catalogue but the action is not. */
    UNKNOWN_ACTION(Severity.ERROR),
    /** The action's service is not in the catalogue (it may still exist). */
    UNKNOWN_SERVICE(Severity.WARNING),
    /** No Version element: the policy is read as 2008-10-17, which does not process policy variables. */
    MISSING_VERSION(Severity.WARNING),
    /** A policy variable under Version 2008-10-17 (or none): it is matched literally. */
    VARIABLE_IN_OLD_VERSION(Severity.WARNING),
    /** Allow with NotAction: allows every action not listed, including ones added to AWS later. */
    ALLOW_WITH_NOT_ACTION(Severity.SECURITY_WARNING),
    /** Allow with NotResource: allows every resource not listed. */
    ALLOW_WITH_NOT_RESOURCE(Severity.SECURITY_WARNING),
    /** Allow of action {@code *} on resource {@code *}: full administrator access. */
    FULL_ADMIN(Severity.SECURITY_WARNING),
    /** An Allow or Deny statement entirely covered by another statement with the same effect. */
    REDUNDANT_STATEMENT(Severity.SUGGESTION),
    /** An Allow statement that an unconditional Deny in the same policy always overrides. */
    UNREACHABLE_STATEMENT(Severity.WARNING);

    private final Severity severity;

    FindingCode(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }
}
