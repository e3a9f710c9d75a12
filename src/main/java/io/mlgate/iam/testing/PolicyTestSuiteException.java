package io.mlgate.iam.testing;

import java.util.List;

/** Thrown when policy test suites cannot be run: each problem names the suite file and, where known, the case. */
public final class PolicyTestSuiteException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public PolicyTestSuiteException(List<String> problems) {
        super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in policy test suites:\n  "
                + String.join("\n  ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a suite exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, each starting with the suite file (and case name, where known). */
    public List<String> problems() {
        return problems;
    }
}
