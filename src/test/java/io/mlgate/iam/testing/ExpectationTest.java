package io.mlgate.iam.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mlgate.iam.eval.Decision.Outcome;

class ExpectationTest {

    @Test
    void exactExpectationsMatchOnlyTheirOutcome() {
        assertThat(Expectation.ALLOW.isMetBy(Outcome.ALLOW)).isTrue();
        assertThat(Expectation.ALLOW.isMetBy(Outcome.IMPLICIT_DENY)).isFalse();
        assertThat(Expectation.IMPLICIT_DENY.isMetBy(Outcome.IMPLICIT_DENY)).isTrue();
        assertThat(Expectation.IMPLICIT_DENY.isMetBy(Outcome.EXPLICIT_DENY)).isFalse();
        assertThat(Expectation.EXPLICIT_DENY.isMetBy(Outcome.EXPLICIT_DENY)).isTrue();
        assertThat(Expectation.EXPLICIT_DENY.isMetBy(Outcome.IMPLICIT_DENY)).isFalse();
    }

    @Test
    void denyMeansEitherDenialButNotAllow() {
        assertThat(Expectation.DENY.isMetBy(Outcome.IMPLICIT_DENY)).isTrue();
        assertThat(Expectation.DENY.isMetBy(Outcome.EXPLICIT_DENY)).isTrue();
        assertThat(Expectation.DENY.isMetBy(Outcome.ALLOW)).isFalse();
    }

    @Test
    void parsesTheSimulatorSpellingOnly() {
        assertThat(Expectation.parse("ImplicitDeny")).contains(Expectation.IMPLICIT_DENY);
        assertThat(Expectation.parse("Deny")).contains(Expectation.DENY);
        assertThat(Expectation.parse("allow")).isEmpty();
        assertThat(Expectation.parse("Permit")).isEmpty();
    }
}
