package io.mlgate.iam.guardrail;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * SKELETON (API agreed for the opa work; the implementation replaces this file).
 *
 * The guardrails in force: every Wasm policy of policies/opa/ plus the external OPA when configured. Swapped
 * atomically on reload; an invalid folder leaves the previous set in force.
 */
public final class GuardrailSet implements AutoCloseable {

    /** The folder under policies/ that holds the Wasm guardrails. */
    public static final String DIRECTORY = "opa";

    private final GuardrailSettings settings;

    public GuardrailSet(GuardrailSettings settings) {
        this.settings = settings;
    }

    /** A set that never holds a guardrail ({@code mlgate.opa.enabled=false}): reloads change nothing. */
    public static GuardrailSet disabled() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Loads policies/opa/ (and the external OPA of the settings); throws listing every problem. */
    public static GuardrailSet load(Path policiesDir, GuardrailSettings settings)
            throws GuardrailConfigurationException {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Loads policies/opa/ again and swaps atomically; on failure the previous guardrails stay in force. */
    public void reload(Path policiesDir) throws GuardrailConfigurationException {
        throw new UnsupportedOperationException("skeleton");
    }

    public List<String> names() {
        throw new UnsupportedOperationException("skeleton");
    }

    public boolean isEmpty() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Evaluates every guardrail (concurrently); never completes exceptionally. */
    public CompletableFuture<GuardrailResult> evaluate(GuardrailInput input) {
        throw new UnsupportedOperationException("skeleton");
    }

    public GuardrailSettings settings() {
        return settings;
    }

    @Override
    public void close() {
    }
}
