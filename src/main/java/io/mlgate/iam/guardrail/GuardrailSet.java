package io.mlgate.iam.guardrail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardrails in force: every Wasm policy of policies/opa/ (in file name order) plus the external OPA when
 * configured (last). All of them must allow a call.
 *
 * <p>The folder's guardrails form an immutable snapshot. {@link #reload} builds a complete new snapshot first and only
 * then swaps it in; a folder that does not load leaves the previous snapshot in force. A replaced snapshot's
 * guardrails are closed once the last evaluation that started on it has finished, so a reload never turns an
 * evaluation into an error. The external guardrail is not reloaded with the folder; it lives as long as the set.
 */
public final class GuardrailSet implements AutoCloseable {

    /** The folder under policies/ that holds the Wasm guardrails. */
    public static final String DIRECTORY = "opa";

    private static final Logger LOG = LoggerFactory.getLogger(GuardrailSet.class);
    private static final CompletableFuture<GuardrailResult> NONE = CompletableFuture.completedFuture(
            GuardrailResult.NONE);
    private static final CompletableFuture<GuardrailResult> SHUT_DOWN = CompletableFuture.completedFuture(
            new GuardrailResult(List.of(GuardrailDecision.error("guardrails", "the guardrails are shut down"))));

    private final GuardrailSettings settings;
    private final Guardrail external;
    private final Object reloadLock = new Object();
    private volatile Snapshot current;
    private boolean closed;
    private boolean disabled;

    /** A set without guardrails (every evaluation is {@link GuardrailResult#NONE}). */
    public GuardrailSet(GuardrailSettings settings) {
        this(settings, List.of(), null);
    }

    GuardrailSet(GuardrailSettings settings, List<WasmGuardrail> folder, Guardrail external) {
        this.settings = settings;
        this.external = external;
        this.current = new Snapshot(folder, external);
    }

    /** A set that never holds a guardrail ({@code mlgate.opa.enabled=false}): reloads change nothing. */
    public static GuardrailSet disabled() {
        GuardrailSet set = new GuardrailSet(GuardrailSettings.defaults());
        set.disabled = true;
        return set;
    }

    /**
     * Loads policies/opa/ (and the external OPA of the settings); throws listing every problem.
     *
     * @param policiesDir the policies folder whose opa/ holds the Wasm guardrails; null: only the external OPA
     */
    public static GuardrailSet load(Path policiesDir, GuardrailSettings settings)
            throws GuardrailConfigurationException {
        return load(policiesDir, settings, RestGuardrail::create);
    }

    /**
     * Loads policies/opa/ and, when {@link GuardrailSettings#restUrl()} is set, the external guardrail that
     * {@code external} makes from the settings. A URL without an external guardrail is a problem (fail closed).
     */
    static GuardrailSet load(Path policiesDir, GuardrailSettings settings,
                             Function<GuardrailSettings, Guardrail> external) throws GuardrailConfigurationException {
        List<WasmGuardrail> folder = policiesDir == null ? new ArrayList<>()
                : GuardrailLoader.load(policiesDir, settings);
        Guardrail rest = null;
        if (settings.restUrl() != null) {
            String problem = null;
            try {
                rest = external.apply(settings);
                if (rest == null) {
                    problem = "mlgate.opa.url is set but this build has no external OPA guardrail";
                }
            } catch (RuntimeException e) {
                problem = "mlgate.opa.url: the external OPA guardrail cannot be set up (" + e.getClass()
                        .getSimpleName() + ")";
            }
            if (problem != null) {
                folder.forEach(WasmGuardrail::close);
                throw new GuardrailConfigurationException(List.of(problem));
            }
        }
        GuardrailSet set = new GuardrailSet(settings, folder, rest);
        LOG.debug("guardrails in force: {}", set.names());
        return set;
    }

    /** Loads policies/opa/ again and swaps atomically; on failure the previous guardrails stay in force. */
    public void reload(Path policiesDir) throws GuardrailConfigurationException {
        if (disabled) {
            return;
        }
        synchronized (reloadLock) {
            if (closed) {
                throw new GuardrailConfigurationException(List.of("the guardrail set is closed"));
            }
            List<WasmGuardrail> folder = GuardrailLoader.load(policiesDir, settings);
            Snapshot previous = current;
            current = new Snapshot(folder, external);
            previous.retire();
            LOG.debug("guardrails reloaded: {}", current.names);
        }
    }

    /** The names of the guardrails in force, in evaluation order. */
    public List<String> names() {
        return current.names;
    }

    /** The folder's guardrails in force (for tests). */
    List<WasmGuardrail> wasmGuardrails() {
        return current.folder;
    }

    /** Whether no guardrail is in force. */
    public boolean isEmpty() {
        return current.all.length == 0;
    }

    /**
     * Evaluates every guardrail in force (each Wasm guardrail on the calling thread when it has a free instance, the
     * external one concurrently); never completes exceptionally. With no guardrails, a completed
     * {@link GuardrailResult#NONE}.
     */
    public CompletableFuture<GuardrailResult> evaluate(GuardrailInput input) {
        Snapshot s;
        do {
            s = current;
            if (s.all.length == 0) {
                return s.closedSet ? SHUT_DOWN : NONE;
            }
        } while (!s.acquire()); // a retired snapshot no longer in use: read the newer one
        Snapshot snapshot = s;
        Guardrail[] all = snapshot.all;
        try {
            if (all.length == 1) {
                return decide(all[0], input).thenApply(d -> {
                    snapshot.release();
                    return new GuardrailResult(List.of(d));
                });
            }
            @SuppressWarnings("unchecked")
            CompletableFuture<GuardrailDecision>[] futures = new CompletableFuture[all.length];
            for (int i = 0; i < all.length; i++) {
                futures[i] = decide(all[i], input);
            }
            return CompletableFuture.allOf(futures).handle((v, t) -> {
                snapshot.release();
                List<GuardrailDecision> decisions = new ArrayList<>(futures.length);
                for (CompletableFuture<GuardrailDecision> f : futures) {
                    decisions.add(f.join()); // each is done and never exceptional (see decide)
                }
                return new GuardrailResult(decisions);
            });
        } catch (RuntimeException e) {
            snapshot.release();
            return CompletableFuture.completedFuture(new GuardrailResult(List.of(GuardrailDecision.error(
                    "guardrails", "the guardrails could not be evaluated"))));
        }
    }

    /** One guardrail's decision, with a broken contract (a throw, a null, an exceptional future) made an ERROR. */
    private static CompletableFuture<GuardrailDecision> decide(Guardrail guardrail, GuardrailInput input) {
        CompletableFuture<GuardrailDecision> f;
        try {
            f = guardrail.evaluate(input);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(GuardrailDecision.error(guardrail.name(),
                    "the guardrail failed (" + e.getClass().getSimpleName() + ")"));
        }
        if (f == null) {
            return CompletableFuture.completedFuture(GuardrailDecision.error(guardrail.name(),
                    "the guardrail gave no decision"));
        }
        if (f.isDone() && !f.isCompletedExceptionally()) {
            GuardrailDecision d = f.join();
            if (d != null) {
                return f;
            }
        }
        return f.handle((d, t) -> d != null && t == null ? d : GuardrailDecision.error(guardrail.name(),
                t != null ? "the guardrail failed (" + rootName(t) + ")" : "the guardrail gave no decision"));
    }

    private static String rootName(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }

    public GuardrailSettings settings() {
        return settings;
    }

    /** Closes every guardrail (the folder's once their evaluations in flight end); later evaluations are denied. */
    @Override
    public void close() {
        Snapshot previous;
        if (disabled) {
            return;
        }
        synchronized (reloadLock) {
            if (closed) {
                return;
            }
            closed = true;
            previous = current;
            current = Snapshot.CLOSED;
        }
        previous.retire();
        if (external != null) {
            external.close();
        }
    }

    /**
     * The guardrails of one load, with a count of the evaluations using it: once retired (replaced) and unused, its
     * folder guardrails are closed and it can no longer be acquired.
     */
    private static final class Snapshot {
        static final Snapshot CLOSED = new Snapshot(List.of(), null, true);

        final List<WasmGuardrail> folder;
        final Guardrail[] all;
        final List<String> names;
        final boolean closedSet;
        /** Evaluations in flight; -1 once closed. */
        private final AtomicInteger users = new AtomicInteger();
        private volatile boolean retired;

        Snapshot(List<WasmGuardrail> folder, Guardrail external) {
            this(folder, external, false);
        }

        private Snapshot(List<WasmGuardrail> folder, Guardrail external, boolean closedSet) {
            this.folder = List.copyOf(folder);
            List<Guardrail> all = new ArrayList<>(this.folder);
            if (external != null) {
                all.add(external);
            }
            this.all = all.toArray(new Guardrail[0]);
            List<String> names = new ArrayList<>(all.size());
            for (Guardrail g : all) {
                names.add(g.name());
            }
            this.names = List.copyOf(names);
            this.closedSet = closedSet;
        }

        boolean acquire() {
            while (true) {
                int n = users.get();
                if (n < 0) {
                    return false;
                }
                if (users.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (users.decrementAndGet() == 0 && retired && users.compareAndSet(0, -1)) {
                closeFolder();
            }
        }

        void retire() {
            retired = true;
            if (users.compareAndSet(0, -1)) {
                closeFolder();
            }
        }

        private void closeFolder() {
            for (WasmGuardrail g : folder) {
                g.close();
            }
        }
    }
}
