package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


class PolicyTestCommandTest extends ConsoleCapture {

    @TempDir
    Path dir;


    private String[] stdoutLines() {
        return out.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void theDemoSuitePassesAndExitsZero() {
        assertThat(run("policy", "test", "policies/tests")).isZero();
        String[] lines = stdoutLines();
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).matches("\\d+ passed, 0 failed");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aWrongExpectationFailsWithExitOneAndAnExplanation() throws Exception {
        String demo = Files.readString(Path.of("policies/tests/demo.yaml"));
        String wrong = demo.replaceFirst("(?s)(name: analyst may not invoke iris without TLS.*?expect: )ImplicitDeny", "$1Allow");
        assertThat(wrong).isNotEqualTo(demo);
        Path suite = dir.resolve("wrong.yaml");
        Files.writeString(suite, wrong);
        assertThat(run("policy", "test", suite.toString(), "--policies", "policies")).isEqualTo(1);
        String[] lines = stdoutLines();
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("FAIL " + suite + ": analyst may not invoke iris without TLS: expected Allow, got ImplicitDeny: "
                + "sagemaker:InvokeEndpoint on arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris implicitly denied: "
                + "no identity-based policy allows it");
        assertThat(lines[1]).isEqualTo("6 passed, 1 failed");
    }

    @Test
    void anInvalidSuiteExitsTwoWithProblemsOnStderr() throws Exception {
        Path suite = dir.resolve("bad.json");
        Files.writeString(suite, "{\"cases\":[{\"name\":\"typo\",\"principal\":\"demo-guest\",\"action\":\"s3:GetObject\",\"resource\":\"*\",\"expect\":\"Denied\"}]}");
        assertThat(run("policy", "test", suite.toString(), "--policies", "policies")).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid policy test suites (1 problem):")
                .contains(suite + ": case 'typo': 'expect' must be Allow, ImplicitDeny, ExplicitDeny, Deny or GuardrailDeny, not 'Denied'");
    }

    @Test
    void anUnknownPrincipalIsAnInvalidSuite() throws Exception {
        Path suite = dir.resolve("ghost.yaml");
        Files.writeString(suite, "cases:\n  - name: ghost\n    principal: ghost\n    action: s3:GetObject\n    resource: '*'\n    expect: Deny\n");
        assertThat(run("policy", "test", suite.toString(), "--policies", "policies")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(suite + ": case 'ghost': principal 'ghost' is not a user");
    }
}
