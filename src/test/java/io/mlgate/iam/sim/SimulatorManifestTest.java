package io.mlgate.iam.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the coverage manifest RULES.md against the corpus: every rule of the IAM semantics reference has at least one
 * Allow and one deny case, every named case exists and simulates as its column says, and no corpus case is orphaned.
 */
class SimulatorManifestTest {

    private static Map<String, SimulatorCorpus.Case> corpus;
    private static Map<String, String> simulated;

    @BeforeAll
    static void simulateCorpus() {
        corpus = SimulatorCorpus.byName(SimulatorCorpus.load());
        PolicySimulator simulator = new PolicySimulator();
        simulated = new HashMap<>();
        corpus.values().forEach(c -> simulated.put(c.name(), SimulatorCorpus.run(simulator, c).decision()));
    }

    private static String manifestText() throws IOException {
        return Files.readString(SimulatorCorpus.directory().resolve("RULES.md"));
    }

    @Test
    void everyRuleHasAnAllowAndADenyCaseThatSimulateAsListed() throws IOException {
        RuleManifest manifest = RuleManifest.parse(manifestText());
        assertThat(manifest.rules()).hasSizeGreaterThan(150);
        assertThat(manifest.problems(corpus, c -> simulated.get(c.name()))).isEmpty();
    }

    // The checks above must be able to fail: each of the following feeds the checker a manifest that breaks one rule.

    private static String table(String... rows) {
        return "## Rules\n\n| Rule | Source | Statement | Allow | Deny | Rejected | Note |\n|---|---|---|---|---|---|---|\n"
                + String.join("\n", rows) + "\n\n## Not coverable\n\n| X-1 | ignored | | | | | |\n";
    }

    private static List<String> problemsOf(String markdown) {
        Map<String, SimulatorCorpus.Case> only = Map.of(
                "identity allow", corpus.get("identity allow"),
                "no identity allow", corpus.get("no identity allow"),
                "effect lower-case is rejected", corpus.get("effect lower-case is rejected"));
        return RuleManifest.parse(markdown).problems(only, c -> simulated.get(c.name()));
    }

    @Test
    void aCompleteRulePasses() {
        assertThat(problemsOf(table(
                "| EVAL-1 | [EVAL] §1 | default deny | `identity allow` | `no identity allow` | `effect lower-case is rejected` | |")))
                .isEmpty();
    }

    @Test
    void aRuleWithoutADenyCaseFails() {
        assertThat(problemsOf(table(
                "| EVAL-1 | [EVAL] §1 | default deny | `identity allow`, `no identity allow` | | `effect lower-case is rejected` | |")))
                .containsExactly("EVAL-1: no deny case", "EVAL-1: case 'no identity allow' is in the Allow column but expects ImplicitDeny",
                        "EVAL-1: case 'no identity allow' is in the Allow column but the simulator says ImplicitDeny");
    }

    @Test
    void aRuleWithoutAnAllowCaseFails() {
        assertThat(problemsOf(table(
                "| EVAL-1 | [EVAL] §1 | default deny | | `no identity allow` | | |",
                "| EVAL-2 | [EVAL] §1 | other | `identity allow` | `no identity allow` | `effect lower-case is rejected` | |")))
                .containsExactly("EVAL-1: no Allow case");
    }

    @Test
    void anUnknownCaseFails() {
        assertThat(problemsOf(table(
                "| EVAL-1 | [EVAL] §1 | default deny | `identity allow` | `no identity allow`, `no such case` | `effect lower-case is rejected` | |")))
                .containsExactly("EVAL-1: case 'no such case' (Deny) does not exist in the corpus");
    }

    @Test
    void aCaseInTheWrongColumnFails() {
        assertThat(problemsOf(table(
                "| EVAL-1 | [EVAL] §1 | default deny | `identity allow` | `identity allow`, `no identity allow` | `effect lower-case is rejected` | |")))
                .containsExactly("EVAL-1: case 'identity allow' is in the Deny column but expects Allow",
                        "EVAL-1: case 'identity allow' is in the Deny column but the simulator says Allow");
    }

    @Test
    void aCaseWhoseSimulationContradictsItsColumnFails() {
        Map<String, SimulatorCorpus.Case> only = Map.of("identity allow", corpus.get("identity allow"),
                "no identity allow", corpus.get("no identity allow"));
        List<String> problems = RuleManifest.parse(table("| EVAL-1 | [EVAL] §1 | default deny | `identity allow` | `no identity allow` | | |"))
                .problems(only, c -> SimulationResult.EXPLICIT_DENY); // an engine that denies everything
        assertThat(problems).containsExactly("EVAL-1: case 'identity allow' is in the Allow column but the simulator says ExplicitDeny");
    }

    @Test
    void anOrphanCaseAndARepeatedIdFail() {
        assertThat(problemsOf(table(
                "| EVAL-1 | [EVAL] §1 | default deny | `identity allow` | `no identity allow` | | |",
                "| EVAL-1 | EVAL | again | `identity allow` | `no identity allow` | | |")))
                .containsExactly("EVAL-1: rule id used twice", "EVAL-1: source must name a reference key and section, not 'EVAL'",
                        "corpus case 'effect lower-case is rejected' is not named by any rule");
    }
}
