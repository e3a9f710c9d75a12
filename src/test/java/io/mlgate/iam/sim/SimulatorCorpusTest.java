package io.mlgate.iam.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the simulator corpus under src/test/resources/iam/sim/: one file per rule family, each case with its input,
 * the expected decision (and optionally a phrase of the explanation) or input error, and the reference source it comes
 * from. RULES.md maps the reference's rules to these cases (see {@link SimulatorManifestTest}).
 */
class SimulatorCorpusTest {

    private static final List<String> DECISIONS = List.of(SimulationResult.ALLOW, SimulationResult.IMPLICIT_DENY,
            SimulationResult.EXPLICIT_DENY);
    private final PolicySimulator simulator = new PolicySimulator();

    static Stream<Arguments> cases() {
        List<SimulatorCorpus.Case> cases = SimulatorCorpus.load();
        assertThat(cases).hasSizeGreaterThan(400);
        return cases.stream().map(c -> Arguments.of(c.label(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusCase(String label, SimulatorCorpus.Case c) {
        SimulatorCorpus.Outcome out = SimulatorCorpus.run(simulator, c);
        assertThat(out.decision()).as(out.text()).isEqualTo(c.expected());
        if (c.explanationContains() != null) {
            assertThat(out.text()).contains(c.explanationContains());
        }
        if (c.inputError() != null) {
            assertThat(out.text()).contains(c.inputError());
        }
    }

    @Test
    void everyCaseIsWellFormed() {
        List<SimulatorCorpus.Case> cases = SimulatorCorpus.load();
        SimulatorCorpus.byName(cases); // names are unique
        for (SimulatorCorpus.Case c : cases) {
            // the source names a reference key and a section of shared/reference/iam-policy-semantics.md
            assertThat(c.source()).as(c.name()).matches("^\\[[A-Za-z/_.-]+\\].*§\\d.*");
            assertThat(c.decision() == null).as(c.name() + ": exactly one of decision and inputError")
                    .isEqualTo(c.inputError() != null);
            if (c.decision() != null) {
                assertThat(c.decision()).as(c.name()).isIn(DECISIONS);
            }
        }
    }
}
