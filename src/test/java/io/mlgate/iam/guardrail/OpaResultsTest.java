package io.mlgate.iam.guardrail;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OpaResultsTest {

    private static GuardrailDecision wasm(String resultSet) {
        return OpaResults.fromWasmResultSet("opa:t.wasm", resultSet);
    }

    private static GuardrailDecision rest(String body) {
        return OpaResults.fromDataApiResponse("opa-rest:x", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBareBooleanDecides() {
        assertThat(wasm("[{\"result\":true}]").outcome()).isEqualTo(GuardrailDecision.Outcome.ALLOW);
        GuardrailDecision no = wasm("[{\"result\":false}]");
        assertThat(no.outcome()).isEqualTo(GuardrailDecision.Outcome.DENY);
        assertThat(no.reasons()).containsExactly(OpaResults.NO_REASON);
    }

    @Test
    void aDecisionObjectGivesReasonsAndCacheability() {
        GuardrailDecision d = rest("{\"result\":{\"allow\":false,\"reasons\":[\"too big\",\"after hours\"],"
                + "\"cacheable\":true,\"extra\":1},\"decision_id\":\"abc\"}");
        assertThat(d.outcome()).isEqualTo(GuardrailDecision.Outcome.DENY);
        assertThat(d.reasons()).containsExactly("too big", "after hours");
        assertThat(d.cacheable()).isTrue();
        GuardrailDecision ok = rest("{\"result\":{\"allow\":true,\"reasons\":[]}}");
        assertThat(ok.allowed()).isTrue();
        assertThat(ok.cacheable()).isFalse();
        assertThat(rest("{\"result\":{\"allow\":false}}").reasons()).containsExactly(OpaResults.NO_REASON);
    }

    @Test
    void anythingElseFailsClosed() {
        for (String bad : new String[] {"[]", "[{}]", "{}", "not json", "[{\"result\":null}]",
                "[{\"result\":\"yes\"}]", "[{\"result\":1}]", "[{\"result\":{\"reasons\":[]}}]",
                "[{\"result\":{\"allow\":\"true\"}}]", "[{\"result\":{\"allow\":false,\"reasons\":\"x\"}}]",
                "[{\"result\":{\"allow\":false,\"reasons\":[1]}}]", "[{\"result\":{\"allow\":true,\"cacheable\":1}}]",
                "[{\"result\":true},{\"result\":true}]"}) {
            assertThat(wasm(bad).outcome()).as(bad).isEqualTo(GuardrailDecision.Outcome.ERROR);
            assertThat(wasm(bad).allowed()).as(bad).isFalse();
        }
        for (String bad : new String[] {"{}", "[]", "<html>", "{\"result\":\"allow\"}", "{\"result\":null}"}) {
            assertThat(rest(bad).outcome()).as(bad).isEqualTo(GuardrailDecision.Outcome.ERROR);
        }
    }

    @Test
    void reasonsAreBoundedAndStrippedOfControlCharacters() {
        StringBuilder many = new StringBuilder("[{\"result\":{\"allow\":false,\"reasons\":[");
        for (int i = 0; i < 50; i++) {
            many.append(i == 0 ? "" : ",").append("\"r").append(i).append("\"");
        }
        many.append("]}}]");
        assertThat(wasm(many.toString()).reasons()).hasSize(OpaResults.MAX_REASONS);
        String longReason = "x".repeat(5000);
        GuardrailDecision d = wasm("[{\"result\":{\"allow\":false,\"reasons\":[\"" + longReason + "\",\"a\\nb\"]}}]");
        assertThat(d.reasons().get(0)).hasSize(OpaResults.MAX_REASON_CHARS).endsWith("…");
        assertThat(d.reasons().get(1)).isEqualTo("a b");
    }

    @Test
    void theAccessDeniedMessageNamesTheGuardrailAndItsReasons() {
        GuardrailResult denied = new GuardrailResult(java.util.List.of(GuardrailDecision.allow("opa:a.wasm", false),
                GuardrailDecision.deny("opa:b.wasm", java.util.List.of("stage is experimental", "too big"), false)));
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.failedClosed()).isFalse();
        assertThat(denied.accessDeniedMessage("arn:aws:iam::1:user/u", "sagemaker:InvokeEndpoint", "arn:r"))
                .isEqualTo("User: arn:aws:iam::1:user/u is not authorized to perform: sagemaker:InvokeEndpoint on "
                        + "resource: arn:r with an explicit deny in an OPA guardrail (opa:b.wasm): stage is "
                        + "experimental; too big");
        GuardrailResult failed = new GuardrailResult(java.util.List.of(GuardrailDecision.error("opa-rest:x", "timed out"),
                GuardrailDecision.deny("opa:b.wasm", java.util.List.of("no"), false)));
        assertThat(failed.failedClosed()).isTrue();
        assertThat(failed.accessDeniedMessage("u", "a", "r"))
                .contains("because the OPA guardrail (opa-rest:x) could not decide and fails closed: timed out")
                .endsWith("(and 1 more guardrail denial)");
        assertThat(GuardrailResult.NONE.allowed()).isTrue();
        assertThat(GuardrailResult.NONE.evaluated()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GuardrailResult.NONE.accessDeniedMessage("u", "a", "r"))
                .isInstanceOf(IllegalStateException.class);
    }
}
