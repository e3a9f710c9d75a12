package io.mlgate.iam.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.eval.Decision;

/** Runs against the demo configuration in the project's policies/ folder and its suite in policies/tests/. */
class PolicyTestRunnerTest {

    static final Path POLICIES = Path.of("policies");
    static final String IRIS = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";

    @TempDir
    Path dir;

    private static PolicyTestCase analyst(String name, Map<String, List<String>> context, Expectation expect) {
        return new PolicyTestCase(name, "demo-analyst", "sagemaker:InvokeEndpoint", IRIS, context, expect);
    }

    @Test
    void theDemoSuitePasses() throws Exception {
        PolicyTestReport report = PolicyTestRunner.runAll(PolicyTestSuiteReader.readAll(POLICIES.resolve("tests")), Optional.empty());
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isEqualTo(report.results().size()).isGreaterThanOrEqualTo(9);
        assertThat(report.summary()).isEqualTo(report.results().size() + " passed, 0 failed");
    }

    @Test
    void aWrongExpectationFailsWithTheDecisionsExplanation() throws Exception {
        PolicyTestRunner runner = new PolicyTestRunner(IamConfigurationLoader.load(POLICIES));
        CaseResult r = runner.run(Path.of("t.yaml"), analyst("no tls", Map.of("aws:SecureTransport", List.of("false")), Expectation.ALLOW));
        assertThat(r.passed()).isFalse();
        assertThat(r.actual()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(r.describe()).isEqualTo("FAIL t.yaml: no tls: expected Allow, got ImplicitDeny: sagemaker:InvokeEndpoint on "
                + IRIS + " implicitly denied: no identity-based policy allows it");
        assertThat(new PolicyTestReport(List.of(r)).summary()).isEqualTo("0 passed, 1 failed");
    }

    @Test
    void anAllowNamesTheAllowingStatement() throws Exception {
        PolicyTestRunner runner = new PolicyTestRunner(IamConfigurationLoader.load(POLICIES));
        CaseResult r = runner.run(Path.of("t.yaml"), analyst("tls", Map.of("aws:SecureTransport", List.of("true")), Expectation.IMPLICIT_DENY));
        assertThat(r.passed()).isFalse();
        assertThat(r.describe()).startsWith("FAIL t.yaml: tls: expected ImplicitDeny, got Allow: ").contains("InvokeIrisEndpoint");
    }

    @Test
    void principalsResolveByNameOrArnAndUnknownOnesAreRejected() throws Exception {
        PolicyTestRunner runner = new PolicyTestRunner(IamConfigurationLoader.load(POLICIES));
        PolicyTestCase byArn = new PolicyTestCase("arn", "arn:aws:iam::123456789012:user/demo-admin", "s3:GetObject", "*", Map.of(), Expectation.ALLOW);
        assertThat(runner.run(Path.of("t"), byArn).passed()).isTrue();
        PolicyTestCase unknown = new PolicyTestCase("who", "nobody", "s3:GetObject", "*", Map.of(), Expectation.DENY);
        assertThatThrownBy(() -> runner.run(Path.of("t"), unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nobody' is not a user");
    }

    @Test
    void rolesRunAsASessionOfTheRoleWithItsPolicies() throws Exception {
        PolicyTestRunner runner = new PolicyTestRunner(IamConfigurationLoader.load(POLICIES));
        Map<String, List<String>> tls = Map.of("aws:SecureTransport", List.of("true"));
        PolicyTestCase byName = new PolicyTestCase("role", "demo-inference", "sagemaker:InvokeEndpoint", IRIS, tls, Expectation.ALLOW);
        CaseResult r = runner.run(Path.of("t"), byName);
        assertThat(r.passed()).isTrue();
        assertThat(r.explanation()).contains("arn:aws:iam::123456789012:role/service/demo-inference");
        PolicyTestCase byArn = new PolicyTestCase("role arn", "arn:aws:iam::123456789012:role/service/demo-inference",
                "sagemaker:InvokeEndpoint", IRIS.replace("iris", "fraud"), tls, Expectation.ALLOW);
        CaseResult denied = runner.run(Path.of("t"), byArn);
        assertThat(denied.passed()).isFalse();
        assertThat(denied.actual()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        PolicyTestCase wrongArn = new PolicyTestCase("path-less", "arn:aws:iam::123456789012:role/demo-inference",
                "sagemaker:InvokeEndpoint", IRIS, tls, Expectation.ALLOW);
        assertThatThrownBy(() -> runner.run(Path.of("t"), wrongArn)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a user or role");
    }

    @Test
    void suitesWithUnknownPrincipalsOrPrincipalKeysAreInvalidAndNothingRuns() throws Exception {
        Path suite = dir.resolve("s.yaml");
        PolicyTestSuite s = new PolicyTestSuite(suite, Optional.empty(), List.of(
                new PolicyTestCase("ghost", "ghost", "s3:GetObject", "*", Map.of(), Expectation.DENY),
                new PolicyTestCase("spoof", "demo-guest", "s3:GetObject", "*", Map.of("aws:PrincipalTag/team", List.of("platform")), Expectation.DENY)));
        assertThatThrownBy(() -> PolicyTestRunner.runAll(List.of(s), Optional.of(POLICIES)))
                .isInstanceOfSatisfying(PolicyTestSuiteException.class, e -> assertThat(e.problems()).containsExactly(
                        suite + ": case 'ghost': principal 'ghost' is not a user or role of the configuration",
                        suite + ": case 'spoof': condition key 'aws:PrincipalTag/team' is derived from the principal and cannot be supplied by the caller"));
    }

    @Test
    void anInvalidPoliciesFolderIsReportedForTheSuite() throws Exception {
        Path tests = Files.createDirectories(dir.resolve("policies/tests"));
        Path suite = tests.resolve("s.yaml");
        PolicyTestSuite s = new PolicyTestSuite(suite, Optional.empty(), List.of(analyst("x", Map.of(), Expectation.DENY)));
        assertThat(PolicyTestRunner.defaultPolicies(suite)).isEqualTo(dir.resolve("policies").toAbsolutePath());
        assertThatThrownBy(() -> PolicyTestRunner.runAll(List.of(s), Optional.empty()))
                .isInstanceOfSatisfying(PolicyTestSuiteException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith(suite + ": policies ") && p.contains("accounts.json")));
        // the same suite passes when pointed at the demo configuration
        assertThat(PolicyTestRunner.runAll(List.of(s), Optional.of(POLICIES)).allPassed()).isTrue();
    }

    @Test
    void aSuitesOwnPoliciesFolderIsUsedUnlessOverridden() throws Exception {
        Path suite = dir.resolve("s.yaml");
        PolicyTestSuite s = new PolicyTestSuite(suite, Optional.of(POLICIES.toAbsolutePath()),
                List.of(analyst("x", Map.of("aws:SecureTransport", List.of("true")), Expectation.ALLOW)));
        assertThat(PolicyTestRunner.runAll(List.of(s), Optional.empty()).allPassed()).isTrue();
        assertThatThrownBy(() -> PolicyTestRunner.runAll(List.of(s), Optional.of(dir)))
                .isInstanceOf(PolicyTestSuiteException.class);
    }
}
