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

    /**
     * AWS's AccessDenied text for a call IAM allowed and a guardrail denied, in the shape of IAM's own messages,
     * e.g. {@code User: arn:... is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:... with an
     * explicit deny in an OPA guardrail (opa:stage.wasm): experimental models are not served to production}.
     *
     * @throws IllegalStateException if the guardrails allowed
     */
    public String accessDeniedMessage(String principalArn, String action, String resource) {
        List<GuardrailDecision> denials = denials();
        if (denials.isEmpty()) {
            throw new IllegalStateException("the guardrails allowed the call; there is no AccessDenied message");
        }
        StringBuilder out = new StringBuilder(256).append("User: ").append(principalArn)
                .append(" is not authorized to perform: ").append(action).append(" on resource: ").append(resource);
        GuardrailDecision first = denials.get(0);
        if (first.outcome() == GuardrailDecision.Outcome.ERROR) {
            out.append(" because the OPA guardrail (").append(first.guardrail())
                    .append(") could not decide and fails closed: ");
        } else {
            out.append(" with an explicit deny in an OPA guardrail (").append(first.guardrail()).append("): ");
        }
        out.append(String.join("; ", first.reasons()));
        if (denials.size() > 1) {
            out.append(" (and ").append(denials.size() - 1).append(" more guardrail denial")
                    .append(denials.size() > 2 ? "s" : "").append(')');
        }
        return out.toString();
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
