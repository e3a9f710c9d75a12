package io.mlgate.iam.guardrail;

import java.util.concurrent.CompletableFuture;

/**
 * One deny-only guardrail evaluated after IAM allowed a call: an OPA policy compiled to Wasm and run in-process
 * ({@link WasmGuardrail}) or an external OPA server asked over its REST Data API ({@link RestGuardrail}).
 *
 * <p>Contract: {@link #evaluate} never throws and its future never completes exceptionally. Anything that goes wrong
 * (no decision, a malformed decision, an evaluation error, a timeout, an exhausted pool, a closed guardrail) is a
 * {@link GuardrailDecision.Outcome#ERROR} decision, which denies: guardrails fail closed.
 */
public interface Guardrail extends AutoCloseable {

    /** A stable name for messages and audit events, e.g. {@code opa:guardrail.tar.gz} or {@code opa-rest:http://...}. */
    String name();

    /** Evaluates the input; may complete on the calling thread when no I/O or waiting is needed. */
    CompletableFuture<GuardrailDecision> evaluate(GuardrailInput input);

    /** Releases the guardrail's instances; evaluations started before finish, later ones are ERROR decisions. */
    @Override
    void close();
}
