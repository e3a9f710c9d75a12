package io.mlgate.iam.guardrail;

import java.util.ArrayList;
import java.util.List;

/**
 * The combined answer of every guardrail in force for one call: allowed only when each of them allowed (deny-only
 * layer: any DENY or ERROR denies). {@link #NONE} when no guardrail is configured.
 */
public record GuardrailResult(List<GuardrailDecision> decisions) {

    /** No guardrails in force: nothing to add to the IAM decision. */
    public static final GuardrailResult NONE = new GuardrailResult(List.of());

    public GuardrailResult {
        decisions = List.copyOf(decisions);
    }

    public boolean allowed() {
        for (GuardrailDecision d : decisions) {
            if (!d.allowed()) {
                return false;
            }
        }
        return true;
    }

    /** Whether any guardrail was evaluated. */
    public boolean evaluated() {
        return !decisions.isEmpty();
    }

    /** Whether a denial came from an error (fail closed) rather than from a policy's own DENY. */
    public boolean failedClosed() {
        for (GuardrailDecision d : decisions) {
            if (d.outcome() == GuardrailDecision.Outcome.ERROR) {
                return true;
            }
        }
        return false;
    }

    /** The guardrails that denied (DENY or ERROR), in order. */
    public List<GuardrailDecision> denials() {
        List<GuardrailDecision> out = new ArrayList<>(1);
        for (GuardrailDecision d : decisions) {
            if (!d.allowed()) {
                out.add(d);
            }
        }
        return out;
    }

    /** The reasons of every denial, in order. */
    public List<String> reasons() {
        List<String> out = new ArrayList<>();
        for (GuardrailDecision d : decisions) {
            if (!d.allowed()) {
                out.addAll(d.reasons());
            }
        }
        return out;
    }
}
