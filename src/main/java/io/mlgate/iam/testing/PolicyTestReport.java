package io.mlgate.iam.testing;

import java.util.List;

/** The results of a policy test run, in suite and case order, with the pass/fail counts. */
public record PolicyTestReport(List<CaseResult> results) {

    public PolicyTestReport {
        results = List.copyOf(results);
    }

    public long passed() {
        return results.stream().filter(CaseResult::passed).count();
    }

    public long failed() {
        return results.size() - passed();
    }

    public List<CaseResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    public boolean allPassed() {
        return failed() == 0;
    }

    /** The summary line, exactly {@code N passed, N failed}. */
    public String summary() {
        return passed() + " passed, " + failed() + " failed";
    }
}
