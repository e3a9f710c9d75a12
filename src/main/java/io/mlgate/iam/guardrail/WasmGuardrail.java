package io.mlgate.iam.guardrail;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.styra.opa.wasm.OpaPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One OPA policy compiled to Wasm ({@code opa build -t wasm}), evaluated in-process with a bounded pool of policy
 * instances (an instance is not thread-safe; each holds the policy's data, set once when it is created).
 *
 * <p>One instance is built when the guardrail is created (which validates the module, the entrypoint and the data);
 * more are built lazily, off the request path, up to {@link GuardrailSettings#poolSize()}, never more. An evaluation
 * that finds a free instance runs on the calling thread (a few microseconds of CPU). One that finds none waits up to
 * {@link GuardrailSettings#poolWait()} without blocking the caller: its future is completed later by a guardrail
 * worker thread (so continuations of such a future run there), or with an ERROR decision when the wait runs out.
 * An evaluation that fails (an exception, an OPA abort, memory exhausted) is an ERROR decision and its instance is
 * discarded, since its memory may be corrupt. After {@link #close()} evaluations are ERROR decisions; instances
 * still lent out finish their evaluation and are dropped when returned.
 */
public final class WasmGuardrail implements Guardrail {

    private static final Logger LOG = LoggerFactory.getLogger(WasmGuardrail.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The opa-java-wasm default initial memory (pages), lowered when the maximum is smaller. */
    private static final int INITIAL_MEMORY_PAGES = 10;
    private static final int MAX_DETAIL_CHARS = 200;

    private final String name;
    private final byte[] module;
    private final String data;
    private final String entrypoint;
    private final int entrypointId;
    private final int poolSize;
    private final long poolWaitNanos;
    private final int maxMemoryPages;
    private final GuardrailDecision closedDecision;
    private final GuardrailDecision exhaustedDecision;

    private final Object lock = new Object();
    private final ArrayDeque<OpaPolicy> free;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Instances in existence or being built: free + lent + building. Guarded by {@link #lock}. */
    private int instances;
    private int peakInstances;
    private int instancesBuilt;
    private boolean closed;

    private WasmGuardrail(String name, byte[] module, String data, String entrypoint, int entrypointId,
                          GuardrailSettings settings, OpaPolicy first) {
        this.name = name;
        this.module = module;
        this.data = data;
        this.entrypoint = entrypoint;
        this.entrypointId = entrypointId;
        this.poolSize = settings.poolSize();
        this.poolWaitNanos = settings.poolWait().toNanos();
        this.maxMemoryPages = settings.maxMemoryPages();
        this.closedDecision = GuardrailDecision.error(name, "the guardrail is closed (reloaded or shut down)");
        this.exhaustedDecision = GuardrailDecision.error(name,
                "no free policy instance within " + describe(settings.poolWait()));
        this.free = new ArrayDeque<>(poolSize);
        this.free.add(first);
        this.instances = 1;
        this.peakInstances = 1;
        this.instancesBuilt = 1;
    }

    /**
     * Builds the guardrail and its first instance.
     *
     * @param name       the guardrail's name, e.g. {@code opa:demo.wasm}; starts every problem
     * @param module     the Wasm module's bytes
     * @param dataJson   the policy's {@code data} document, a JSON object (null: {@code {}})
     * @param entrypoint the entrypoint to evaluate, which must be in the module (null: the module's only one)
     * @throws GuardrailConfigurationException when the module, the data or the entrypoint is unusable
     */
    public static WasmGuardrail create(String name, byte[] module, String dataJson, String entrypoint,
                                       GuardrailSettings settings) throws GuardrailConfigurationException {
        String data = dataJson == null ? "{}" : dataJson;
        JsonNode parsed;
        try {
            parsed = JSON.readTree(data);
        } catch (JacksonException e) {
            throw problem(name, "the data document is not valid JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw problem(name, "the data document is not a JSON object");
        }
        OpaPolicy first;
        try {
            first = build(module, settings.maxMemoryPages());
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            throw problem(name, "not a usable OPA Wasm module (" + detail(e) + ")");
        }
        Map<String, Integer> entrypoints;
        try {
            entrypoints = first.entrypoints();
        } catch (RuntimeException e) {
            throw problem(name, "the module's entrypoints cannot be read (" + detail(e) + ")");
        }
        String chosen = entrypoint;
        if (chosen == null) {
            if (entrypoints.size() != 1) {
                throw problem(name, entrypoints.isEmpty() ? "the module has no entrypoint"
                        : "the module has several entrypoints " + new TreeSet<>(entrypoints.keySet())
                        + "; choose one with mlgate.opa.entrypoint");
            }
            chosen = entrypoints.keySet().iterator().next();
        } else if (!entrypoints.containsKey(chosen)) {
            throw problem(name, "the entrypoint " + chosen + " is not in the module (it has "
                    + new TreeSet<>(entrypoints.keySet()) + ")");
        }
        int id = entrypoints.get(chosen);
        try {
            first.entrypoint(id);
            first.data(data);
        } catch (RuntimeException e) {
            throw problem(name, "the data document cannot be loaded into the module (" + detail(e) + ")");
        }
        return new WasmGuardrail(name, module.clone(), data, chosen, id, settings, first);
    }

    private static OpaPolicy build(byte[] module, int maxMemoryPages) {
        return OpaPolicy.builder().withPolicy(module)
                .withInitialMemory(Math.min(INITIAL_MEMORY_PAGES, maxMemoryPages))
                .withMaxMemory(maxMemoryPages).build();
    }

    private OpaPolicy newInstance() {
        OpaPolicy policy = build(module, maxMemoryPages);
        policy.entrypoint(entrypointId);
        policy.data(data);
        return policy;
    }

    @Override
    public String name() {
        return name;
    }

    /** The entrypoint evaluated, e.g. {@code mlgate/guardrail/decision}. */
    public String entrypoint() {
        return entrypoint;
    }

    @Override
    public CompletableFuture<GuardrailDecision> evaluate(GuardrailInput input) {
        if (input == null) {
            return CompletableFuture.completedFuture(GuardrailDecision.error(name, "no input document"));
        }
        OpaPolicy policy;
        Waiter waiter = null;
        boolean grow = false;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.completedFuture(closedDecision);
            }
            policy = free.pollLast();
            if (policy == null) {
                waiter = new Waiter(input);
                waiters.addLast(waiter);
                if (instances < poolSize) {
                    grow = reserveInstance();
                }
            }
        }
        if (policy != null) {
            return CompletableFuture.completedFuture(evaluateWith(policy, input));
        }
        if (grow) {
            startGrowing();
        }
        Waiter w = waiter;
        try {
            w.timeout = GuardrailThreads.TIMER.schedule(() -> expire(w), poolWaitNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            expire(w);
        }
        return w.future;
    }

    /** Evaluates on an instance the caller holds, then gives it back (or discards it after a failure). */
    private GuardrailDecision evaluateWith(OpaPolicy policy, GuardrailInput input) {
        GuardrailDecision decision;
        boolean healthy;
        try {
            // evaluate(input) replaces the previous input (the heap is reset to just past the data), so nothing of
            // an earlier evaluation is visible to this one
            decision = OpaResults.fromWasmResultSet(name, policy.evaluate(input.json()));
            healthy = true;
        } catch (Throwable t) { // fail closed whatever happened; the instance's memory may be corrupt
            LOG.warn("guardrail {}: evaluation failed ({}); instance discarded", name, t.getClass().getName());
            decision = GuardrailDecision.error(name, "the policy's evaluation failed (" + t.getClass().getSimpleName()
                    + ")");
            healthy = false;
        }
        giveBack(policy, healthy);
        return decision;
    }

    /**
     * Returns an instance to the pool (handing it to the oldest waiting evaluation if any), or discards it. Package
     * visible for tests.
     */
    void giveBack(OpaPolicy policy, boolean healthy) {
        Waiter next = null;
        boolean grow = false;
        synchronized (lock) {
            if (!healthy || closed) {
                instances--;
                if (!closed && hasWaiting() && instances < poolSize) {
                    grow = reserveInstance();
                }
            } else {
                next = nextWaiting();
                if (next == null) {
                    free.addLast(policy);
                }
            }
        }
        if (grow) {
            startGrowing();
        }
        if (next != null) {
            handOff(policy, next);
        }
    }

    /** A free instance or null, without waiting or building. Package visible for tests (holding an instance). */
    OpaPolicy take() {
        synchronized (lock) {
            return closed ? null : free.pollLast();
        }
    }

    private void handOff(OpaPolicy policy, Waiter waiter) {
        ScheduledFuture<?> timeout = waiter.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        try {
            GuardrailThreads.WORKERS.execute(() -> waiter.future.complete(evaluateWith(policy, waiter.input)));
        } catch (RejectedExecutionException e) {
            waiter.future.complete(GuardrailDecision.error(name, "no guardrail worker available"));
            giveBack(policy, true);
        }
    }

    private boolean reserveInstance() {
        instances++;
        peakInstances = Math.max(peakInstances, instances);
        return true;
    }

    private void startGrowing() {
        try {
            GuardrailThreads.BUILDER.execute(this::grow);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                instances--;
            }
        }
    }

    private void grow() {
        synchronized (lock) {
            if (closed) {
                instances--;
                return;
            }
        }
        OpaPolicy policy;
        try {
            policy = newInstance();
        } catch (Throwable t) {
            LOG.warn("guardrail {}: building a policy instance failed ({})", name, t.getClass().getName());
            synchronized (lock) {
                instances--;
            }
            return;
        }
        synchronized (lock) {
            instancesBuilt++;
        }
        giveBack(policy, true);
    }

    private boolean hasWaiting() {
        for (Waiter w : waiters) {
            if (!w.done) {
                return true;
            }
        }
        return false;
    }

    /** Removes and claims the oldest waiter that has not timed out; null if none. Under {@link #lock}. */
    private Waiter nextWaiting() {
        Waiter w;
        while ((w = waiters.pollFirst()) != null) {
            if (!w.done) {
                w.done = true;
                return w;
            }
        }
        return null;
    }

    private void expire(Waiter waiter) {
        synchronized (lock) {
            if (waiter.done) {
                return;
            }
            waiter.done = true;
            waiters.remove(waiter);
        }
        waiter.future.complete(exhaustedDecision);
    }

    /** Drops the free instances; evaluations waiting for one get ERROR decisions, later ones too. */
    @Override
    public void close() {
        List<Waiter> failed = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            instances -= free.size();
            free.clear();
            Waiter w;
            while ((w = nextWaiting()) != null) {
                failed.add(w);
            }
        }
        for (Waiter w : failed) {
            ScheduledFuture<?> timeout = w.timeout;
            if (timeout != null) {
                timeout.cancel(false);
            }
            w.future.complete(closedDecision);
        }
    }

    /** Instances in existence or being built (free, lent out, building). For tests. */
    int instances() {
        synchronized (lock) {
            return instances;
        }
    }

    /** The most instances that ever existed at once; never above the pool size. For tests. */
    int peakInstances() {
        synchronized (lock) {
            return peakInstances;
        }
    }

    /** Instances built since creation, the first included. For tests. */
    int instancesBuilt() {
        synchronized (lock) {
            return instancesBuilt;
        }
    }

    @Override
    public String toString() {
        return name + " (" + entrypoint + ")";
    }

    private static GuardrailConfigurationException problem(String name, String text) {
        return new GuardrailConfigurationException(List.of(name + ": " + text));
    }

    private static String detail(Throwable t) {
        String message = t.getMessage();
        String text = t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS - 1) + "…";
    }

    private static String describe(Duration d) {
        return d.toMillis() + " ms";
    }

    /** An evaluation waiting for a free instance. {@link #done} is guarded by the guardrail's lock. */
    private static final class Waiter {
        final GuardrailInput input;
        final CompletableFuture<GuardrailDecision> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;
        boolean done;

        Waiter(GuardrailInput input) {
            this.input = input;
        }
    }
}
