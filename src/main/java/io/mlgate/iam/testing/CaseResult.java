package io.mlgate.iam.testing;

import io.mlgate.iam.guardrail.GuardrailResult;

import java.nio.file.Path;
import java.util.Objects;

import io.mlgate.iam.eval.Decision;

/**
 * The outcome of running one policy test case: the decision the evaluator reached and its explanation, and whether
 * that met the expectation.
 */
public record CaseResult(Path suiteFile, PolicyTestCase testCase, Decision.Outcome actual, String explanation,
                         GuardrailResult guardrails) {

    /** A result without OPA guardrails. */
    public CaseResult(Path suiteFile, PolicyTestCase testCase, Decision.Outcome actual, String explanation) {
        this(suiteFile, testCase, actual, explanation, GuardrailResult.NONE);
    }

    public CaseResult {
        Objects.requireNonNull(suiteFile, "suiteFile");
        Objects.requireNonNull(testCase, "testCase");
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(explanation, "explanation");
        guardrails = guardrails == null ? GuardrailResult.NONE : guardrails;
    }

    public boolean passed() {
        return testCase.expect().isMetBy(actual, guardrailDenied());
    }

    /** Whether IAM allowed and an OPA guardrail denied. */
    public boolean guardrailDenied() {
        return actual == Decision.Outcome.ALLOW && !guardrails.allowed();
    }

    /** IAM's explanation, followed by the denying guardrail and its reasons when a guardrail denied. */
    public String fullExplanation() {
        return guardrailDenied() ? explanation + "; then denied by " + guardrails.denials().get(0).guardrail() + ": "
                + String.join("; ", guardrails.reasons()) : explanation;
    }

    /** The outcome as suites spell it: Allow, ImplicitDeny, ExplicitDeny or GuardrailDeny. */
    public String actualText() {
        return guardrailDenied() ? Expectation.GUARDRAIL_DENY.text() : Expectation.textOf(actual);
    }

    /**
     * One line describing the result, e.g. {@code FAIL policies/tests/demo.yaml: guest cannot invoke: expected Allow,
     * got ImplicitDeny: sagemaker:InvokeEndpoint on ... implicitly denied: no identity-based policy allows it}.
     */
    public String describe() {
        return (passed() ? "PASS " : "FAIL ") + suiteFile + ": " + testCase.name() + ": expected "
                + testCase.expect().text() + ", got " + actualText() + ": " + fullExplanation();
    }
}
