package io.mlgate.iam.testing;

import java.nio.file.Path;
import java.util.Objects;

import io.mlgate.iam.eval.Decision;

/**
 * The outcome of running one policy test case: the decision the evaluator reached and its explanation, and whether
 * that met the expectation.
 */
public record CaseResult(Path suiteFile, PolicyTestCase testCase, Decision.Outcome actual, String explanation) {

    public CaseResult {
        Objects.requireNonNull(suiteFile, "suiteFile");
        Objects.requireNonNull(testCase, "testCase");
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(explanation, "explanation");
    }

    public boolean passed() {
        return testCase.expect().isMetBy(actual);
    }

    /**
     * One line describing the result, e.g. {@code FAIL policies/tests/demo.yaml: guest cannot invoke: expected Allow,
     * got ImplicitDeny: sagemaker:InvokeEndpoint on ... implicitly denied: no identity-based policy allows it}.
     */
    public String describe() {
        return (passed() ? "PASS " : "FAIL ") + suiteFile + ": " + testCase.name() + ": expected "
                + testCase.expect().text() + ", got " + Expectation.textOf(actual) + ": " + explanation;
    }
}
