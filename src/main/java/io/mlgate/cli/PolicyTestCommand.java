package io.mlgate.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.mlgate.iam.testing.CaseResult;
import io.mlgate.iam.testing.PolicyTestReport;
import io.mlgate.iam.testing.PolicyTestRunner;
import io.mlgate.iam.testing.PolicyTestSuite;
import io.mlgate.iam.testing.PolicyTestSuiteException;
import io.mlgate.iam.testing.PolicyTestSuiteReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlgate policy test DIR|FILE [--policies DIR] [--no-opa] [--opa-*]}: runs policy test suites
 * (docs/policy-tests.md) against the IAM files and the OPA guardrails of the policies folder's opa/, prints each
 * failure with its explanation and a last line {@code N passed, N failed}; exits 0 if all pass, 1 if any fail, 2 for
 * invalid suites or configuration.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run policy test suites (YAML or JSON, see docs/policy-tests.md); exit 1 on any failure.")
final class PolicyTestCommand implements Callable<Integer> {

    static final int FAILED = 1;
    static final int INVALID = 2;

    @Parameters(index = "0", paramLabel = "DIR", description = "a suite file, or a folder of suite files (searched recursively)")
    String suites;

    @Option(names = "--policies", paramLabel = "DIR",
            description = "the policies/ folder to test against (default: the suite's 'policies:', else the parent of the suite's folder)")
    String policies;

    @Option(names = "--no-opa", description = "test IAM alone, without the OPA guardrails of the policies folder's opa/")
    boolean noOpa;

    @picocli.CommandLine.Mixin
    OpaOptions opa = new OpaOptions();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PolicyTestReport report;
        try {
            List<PolicyTestSuite> read = PolicyTestSuiteReader.readAll(resolve(suites));
            report = PolicyTestRunner.runAll(read, Optional.ofNullable(policies).map(PolicyTestCommand::resolve),
                    noOpa ? Optional.empty() : Optional.of(opa.settings()));
        } catch (PolicyTestSuiteException e) {
            err.println("invalid policy test suites (" + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + "):");
            for (String p : e.problems()) {
                err.println("  " + p);
            }
            return INVALID;
        }
        for (CaseResult r : report.failures()) {
            out.println(r.describe());
        }
        out.println(report.summary());
        out.flush();
        return report.allPassed() ? 0 : FAILED;
    }

    /** A relative path as given if it exists from the working directory, else under $MLGATE_HOME. */
    private static Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() || Files.exists(p)) {
            return p;
        }
        Path home = Path.of(Main.defaultHome()).resolve(p);
        return Files.exists(home) ? home : p;
    }
}
