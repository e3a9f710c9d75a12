package io.mlgate.iam.testing;

import java.util.Optional;

import io.mlgate.iam.eval.Decision;

/** The decision a policy test case expects: one exact outcome, or {@code Deny} meaning either kind of denial. */
public enum Expectation {
    ALLOW("Allow"),
    IMPLICIT_DENY("ImplicitDeny"),
    EXPLICIT_DENY("ExplicitDeny"),
    DENY("Deny");

    private final String text;

    Expectation(String text) {
        this.text = text;
    }

    /** The name as written in suites: {@code Allow}, {@code ImplicitDeny}, {@code ExplicitDeny} or {@code Deny}. */
    public String text() {
        return text;
    }

    /** Whether an evaluated outcome satisfies this expectation. */
    public boolean isMetBy(Decision.Outcome outcome) {
        switch (this) {
            case ALLOW:
                return outcome == Decision.Outcome.ALLOW;
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
    public static String textOf(Decision.Outcome outcome) {
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
