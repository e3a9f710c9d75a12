package io.mlgate.iam.guardrail;

import java.util.List;

/** The guardrail folder (policies/opa/) cannot be loaded; each problem names the file. */
public final class GuardrailConfigurationException extends Exception {

    private final List<String> problems;

    public GuardrailConfigurationException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
