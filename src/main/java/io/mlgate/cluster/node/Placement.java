package io.mlgate.cluster.node;

import io.mlgate.cluster.wire.PlacementStatus;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.runtime.ModelCall;
import io.mlgate.runtime.VariantModel;
import io.mlgate.runtime.VariantWorkers;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One variant placed on this node: its instances as {@link VariantWorkers} (one thread and one model copy each,
 * behind a bounded queue) and the calls in flight. Calls are decoded and answered exactly as
 * {@code InferenceService} does for in-process variants ({@link ModelCall}).
 */
public final class Placement implements AutoCloseable {

    private final String key;
    private final String endpoint;
    private final String variant;
    private final VariantModel shape;
    private final VariantWorkers workers;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param shape the first instance's model: read only for its input kind and feature count when decoding calls
     */
    Placement(String key, String endpoint, String variant, VariantModel shape, VariantWorkers workers) {
        this.key = Objects.requireNonNull(key, "key");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.variant = Objects.requireNonNull(variant, "variant");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    /** Instances serving now (after pending removals). */
    public int instances() {
        return workers.size();
    }

    /** Adds one instance per model (a PUT of this placement with a higher instance count). */
    void grow(java.util.List<VariantModel> models) {
        workers.grow(models);
    }

    /** Removes {@code count} instances after their queued calls (at least one stays). */
    void shrink(int count) {
        workers.shrink(count);
    }

    public String key() {
        return key;
    }

    public String endpoint() {
        return endpoint;
    }

    public String variant() {
        return variant;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** True once {@link #close()} was called: calls that still reach it are answered as for a missing placement. */
    public boolean isRemoved() {
        return workers.isClosed();
    }

    public PlacementStatus status() {
        return new PlacementStatus(key, workers.isClosed() ? "REMOVED" : "READY", workers.size(), inFlight.get());
    }

    /**
     * Decodes the call on the calling thread (never an event loop) and queues it to a worker.
     *
     * @return the answer; fails with {@link io.mlgate.runtime.ModelInvocationException} if the model fails or the
     *         placement was removed under the call
     * @throws io.mlgate.runtime.InvalidInputException if the body, content type or Accept is not acceptable
     * @throws io.mlgate.runtime.BusyException         if every instance's queue is full
     */
    public CompletableFuture<InvocationResult> invoke(byte[] body, String contentType, String accept) {
        ModelCall call = ModelCall.decode(shape, body, contentType, accept);
        inFlight.incrementAndGet();
        CompletableFuture<InvocationResult> answer;
        try {
            answer = workers.submit(own -> call.run(own, variant));
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        return answer.whenComplete((r, e) -> inFlight.decrementAndGet());
    }

    /** Stops the workers after the calls already queued (up to 30 s), then closes the models. */
    @Override
    public void close() {
        workers.close();
    }

    @Override
    public String toString() {
        return "Placement[" + key + ", " + workers.size() + " instance(s)]";
    }
}
