package io.mlgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code policy test} and {@code policy simulate} with the OPA guardrail layer, using the compiled demo policy of the
 * opa-java-wasm jar ({@code data.role[input.user] == "admin"}).
 */
class PolicyGuardrailCommandTest extends ConsoleCapture {

    @TempDir
    Path dir;

    private Path policiesWithGuardrail(String roles) throws Exception {
        Path policies = dir.resolve("policies");
        io.mlgate.gateway.TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        Path opa = Files.createDirectories(policies.resolve("opa"));
        try (InputStream wasm = getClass().getResourceAsStream("/demo-policy.wasm")) {
            Files.write(opa.resolve("demo.wasm"), wasm.readAllBytes());
        }
        Files.writeString(opa.resolve("demo.data.json"), "{\"role\": " + roles + "}");
        return policies;
    }

    private static final String SUITE = """
            cases:
              - name: admin passes both layers
                principal: demo-admin
                action: sagemaker:InvokeEndpoint
                resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris
                context: {aws:SecureTransport: true}
                call: {targetVariant: AllTraffic, payloadBytes: 15, contentType: text/csv}
                expect: Allow
              - name: analyst is stopped by the guardrail
                principal: demo-analyst
                action: sagemaker:InvokeEndpoint
                resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris
                context: {aws:SecureTransport: true}
                expect: GuardrailDeny
              - name: guest is stopped by IAM first
                principal: demo-guest
                action: sagemaker:InvokeEndpoint
                resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris
                expect: ImplicitDeny
            """;

    @Test
    void policyTestRunsTheGuardrailsOfTheFolder() throws Exception {
        Path policies = policiesWithGuardrail("{\"demo-admin\": \"admin\"}");
        Path suite = Files.writeString(Files.createDirectories(policies.resolve("tests")).resolve("opa.yaml"), SUITE);
        assertThat(run("policy", "test", suite.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("3 passed, 0 failed");
    }

    @Test
    void aGuardrailDenialFailsAnAllowExpectationWithItsExplanation() throws Exception {
        Path policies = policiesWithGuardrail("{\"demo-admin\": \"admin\"}");
        Path suite = Files.writeString(dir.resolve("wrong.yaml"), SUITE.replace("expect: GuardrailDeny", "expect: Allow"));
        assertThat(run("policy", "test", suite.toString(), "--policies", policies.toString())).isEqualTo(1);
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(stdout).contains("FAIL " + suite + ": analyst is stopped by the guardrail: expected Allow, got "
                + "GuardrailDeny: ").contains("then denied by opa:demo.wasm: denied by the guardrail policy")
                .endsWith("2 passed, 1 failed\n");

        out.reset();
        assertThat(run("policy", "test", suite.toString(), "--policies", policies.toString(), "--no-opa"))
                .as("IAM alone allows the analyst").isZero();
    }

    @Test
    void invalidGuardrailsOrCallFactsAreInvalidSuites() throws Exception {
        Path policies = policiesWithGuardrail("{}");
        Files.writeString(policies.resolve("opa/notes.txt"), "stray");
        Path suite = Files.writeString(dir.resolve("s.yaml"), SUITE);
        assertThat(run("policy", "test", suite.toString(), "--policies", policies.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("guardrails").contains("notes.txt");

        Files.delete(policies.resolve("opa/notes.txt"));
        err.reset();
        Path bad = Files.writeString(dir.resolve("bad.yaml"), SUITE.replace("payloadBytes: 15", "payloadBytes: -3")
                .replace("targetVariant: AllTraffic", "targetVariant: AllTraffic, size: 1"));
        assertThat(run("policy", "test", bad.toString(), "--policies", policies.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("call.payloadBytes must be a whole number")
                .contains("unknown field 'size'");
    }

    @Test
    void simulateShowsBothDecisions() throws Exception {
        Path policies = policiesWithGuardrail("{\"alice\": \"admin\"}");
        String alice = PolicyCommandTest.ALLOW;
        String bob = alice.replace("user/alice", "user/bob");
        String denied = PolicyCommandTest.DENY;
        Path input = Files.writeString(dir.resolve("in.jsonl"), alice + "\n" + bob + "\n" + denied + "\n");
        assertThat(run("policy", "simulate", "--input", input.toString(), "--opa", policies.resolve("opa").toString()))
                .isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("{\"decision\":\"Allow\"")
                .contains("\"guardrails\":{\"decision\":\"Allow\",\"decisions\":[{\"guardrail\":\"opa:demo.wasm\","
                        + "\"outcome\":\"ALLOW\"").endsWith("\"finalDecision\":\"Allow\"}");
        assertThat(lines[1]).startsWith("{\"decision\":\"Allow\"").contains("\"guardrails\":{\"decision\":\"Deny\"")
                .contains("with an explicit deny in an OPA guardrail (opa:demo.wasm)")
                .endsWith("\"finalDecision\":\"GuardrailDeny\"}");
        assertThat(lines[2]).startsWith("{\"decision\":\"ExplicitDeny\"")
                .contains("\"guardrails\":{\"decision\":\"NotEvaluated\",\"decisions\":[]}")
                .endsWith("\"finalDecision\":\"ExplicitDeny\"}");

        out.reset();
        assertThat(run("policy", "simulate", "--input", input.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).as("without --opa the output is IAM's alone")
                .doesNotContain("guardrails").doesNotContain("finalDecision");
    }

    @Test
    void simulateRejectsInvalidGuardrails() throws Exception {
        Path policies = policiesWithGuardrail("{}");
        Files.write(policies.resolve("opa/demo.wasm"), new byte[] {1, 2, 3});
        Path input = Files.writeString(dir.resolve("in.json"), PolicyCommandTest.ALLOW);
        assertThat(run("policy", "simulate", "--input", input.toString(), "--opa", policies.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid OPA guardrails").contains("demo.wasm");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
