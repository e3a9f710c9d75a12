package io.mlgate.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * The instances of a production variant that run on runtime nodes instead of in this process
 * ({@code io.mlgate.cluster.gateway} implements it; {@code docs/cluster-protocol.md}). Thread-safe.
 */
public interface RemoteVariant extends AutoCloseable {

    /**
     * Sends one call to a healthy instance; never blocks the caller. Idempotent calls that fail because a node failed
     * (connection refused or reset, stream reset, placement missing) are retried on another instance.
     *
     * @return the answer, or a failure with {@link InvalidInputException} (400 from the node),
     *         {@link ModelInvocationException} (the model failed, or no instance could answer) or
     *         {@link BusyException} (every instance is at capacity)
     */
    CompletableFuture<InvocationResult> invoke(byte[] body, String contentType, String accept, String requestId);

    /** Instances serving now (healthy placements' workers). */
    int instances();

    /** Calls answered or failed so far (autoscaling's invocation count). */
    long completed();

    /** Changes the number of instances (autoscaling, UpdateEndpointWeightsAndCapacities); returns at once. */
    void resize(int instances);

    /** Removes every placement (after in-flight calls) and retires its KMS grants. */
    @Override
    void close();
}
