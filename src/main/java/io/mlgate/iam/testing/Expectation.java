package io.mlgate.iam.testing;

import java.util.Optional;

import io.mlgate.iam.eval.Decision;

/**
 * The decision a policy test case expects: one exact IAM outcome, {@code GuardrailDeny} (IAM allowed, an OPA guardrail
 * denied), or {@code Deny} meaning any kind of denial. {@code Allow} needs IAM and every guardrail to allow.
 */
public enum Expectation {
    ALLOW("Allow"),
    IMPLICIT_DENY("ImplicitDeny"),
    EXPLICIT_DENY("ExplicitDeny"),
    DENY("Deny"),
    GUARDRAIL_DENY("GuardrailDeny");

    private final String text;

    Expectation(String text) {
        this.text = text;
    }

    /** The name as written in suites: {@code Allow}, {@code ImplicitDeny}, {@code ExplicitDeny} or {@code Deny}. */
    public String text() {
        return text;
    }

    /** Whether an evaluated IAM outcome satisfies this expectation (no guardrails, or they allowed). */
    public boolean isMetBy(Decision.Outcome outcome) {
        return isMetBy(outcome, false);
    }

    /**
     * Whether an evaluated outcome satisfies this expectation.
     *
     * @param guardrailDenied an OPA guardrail denied the call IAM allowed (they are not asked when IAM denies)
     */
    public boolean isMetBy(Decision.Outcome outcome, boolean guardrailDenied) {
        boolean allowed = outcome == Decision.Outcome.ALLOW;
        switch (this) {
            case ALLOW:
                return allowed && !guardrailDenied;
            case GUARDRAIL_DENY:
                return allowed && guardrailDenied;
            case DENY:
                return !allowed || guardrailDenied;
            case IMPLICIT_DENY:
                return outcome == Decision.Outcome.IMPLICIT_DENY;
            case EXPLICIT_DENY:
                return outcome == Decision.Outcome.EXPLICIT_DENY;
            default:
                return outcome != Decision.Outcome.ALLOW;
        }
    }

    /** Parses the suite spelling (case-sensitive, as the simulator prints it). */
    public static Optional<Expectation> parse(String text) {
        for (Expectation e : values()) {
            if (e.text.equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The suite spelling of an evaluated outcome. */
    static String textOf(Decision.Outcome outcome) {
        switch (outcome) {
            case ALLOW:
                return ALLOW.text;
            case EXPLICIT_DENY:
                return EXPLICIT_DENY.text;
            default:
                return IMPLICIT_DENY.text;
        }
    }
}
