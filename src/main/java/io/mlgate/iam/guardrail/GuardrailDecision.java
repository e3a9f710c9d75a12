package io.mlgate.iam.guardrail;

import java.util.List;
import java.util.Objects;

/**
 * What one guardrail decided for one input: ALLOW, DENY (the policy said no, with its reasons) or ERROR (no usable
 * decision; fails closed, so it denies too).
 *
 * @param guardrail the guardrail's {@link Guardrail#name()}
 * @param reasons   the policy's reasons for a DENY, or what went wrong for an ERROR; empty for ALLOW. Never request
 *                  data beyond what the policy itself wrote.
 * @param cacheable whether the policy declared this decision cacheable ({@code "cacheable": true} in its result)
 */
public record GuardrailDecision(Outcome outcome, String guardrail, List<String> reasons, boolean cacheable) {

    /** The three outcomes of a guardrail evaluation. */
    public enum Outcome { ALLOW, DENY, ERROR }

    public GuardrailDecision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(guardrail, "guardrail");
        reasons = List.copyOf(reasons);
    }

    public static GuardrailDecision allow(String guardrail, boolean cacheable) {
        return new GuardrailDecision(Outcome.ALLOW, guardrail, List.of(), cacheable);
    }

    public static GuardrailDecision deny(String guardrail, List<String> reasons, boolean cacheable) {
        return new GuardrailDecision(Outcome.DENY, guardrail, reasons, cacheable);
    }

    /** A decision that could not be made; it denies (fail closed). {@code problem} must not carry secrets or PII. */
    public static GuardrailDecision error(String guardrail, String problem) {
        return new GuardrailDecision(Outcome.ERROR, guardrail, List.of(problem), false);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }
}
