package io.mlgate.runtime;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Serves InvokeEndpoint calls: finds the endpoint, picks a production variant (by weight, or the caller's target
 * variant), decodes the body, runs the model and encodes the predictions. Inline variants run on the calling
 * thread; variants with instances queue the call to their workers; multi-model variants first get the targeted
 * model from their cache (loading it without holding up other models' calls). Thread-safe.
 *
 * <p>The body is decoded, and the Accept header negotiated, after the kind of model that will serve it: feature
 * models take CSV or JSON rows and answer JSON predictions ({@link InvocationInput#parse},
 * {@link InvocationOutput#contentTypeFor}); text models take the body as UTF-8 text and answer their output text
 * ({@link InvocationInput#text}, {@link InvocationOutput#textContentTypeFor}). Both are checked on the calling
 * thread, before the call is queued, so a bad request never takes a worker.
 */
public final class InferenceService {
    private final EndpointRegistry registry;

    public InferenceService(EndpointRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Invokes the endpoint, choosing a variant by weight. See {@link #invoke(String, String, byte[], String, String)}. */
    public InvocationResult invoke(String endpointName, byte[] body, String contentType, String accept) {
        return invoke(endpointName, null, body, contentType, accept);
    }

    /** {@link #invokeAsync} without a target model, waiting for the answer (tools and tests). */
    public InvocationResult invoke(String endpointName, String targetVariant, byte[] body, String contentType,
            String accept) {
        return join(invokeAsync(endpointName, targetVariant, null, body, contentType, accept));
    }

    /**
     * Invokes the endpoint.
     *
     * @param targetVariant a variant name to route to ({@code X-Amzn-SageMaker-Target-Variant}), or {@code null} to
     *                      choose by weight
     * @param targetModel   the model of a multi-model endpoint ({@code X-Amzn-SageMaker-Target-Model}), else null
     * @return the answer; it fails with {@link ModelInvocationException} if the model fails, {@link BusyException}
     *         if the variant is at capacity or the model cannot be loaded now, {@link InvalidInputException} for a
     *         target model that is missing, refused or too large
     * @throws EndpointNotFoundException if the account has no such endpoint
     * @throws EndpointUnavailableException if the endpoint is out of service because its model key is refused
     * @throws InvalidInputException     if the body, content type, Accept, target variant or target model is not
     *                                   acceptable
     * @throws BusyException             if the variant's queue is full
     */
    public CompletableFuture<InvocationResult> invokeAsync(String endpointName, String targetVariant,
            String targetModel, byte[] body, String contentType, String accept) {
        Endpoint endpoint = registry.require(endpointName);
        CompletableFuture<InvocationResult> first;
        try {
            first = attempt(endpoint, targetVariant, targetModel, body, contentType, accept);
        } catch (ModelInvocationException e) {
            first = CompletableFuture.failedFuture(e);
        }
        return first.exceptionallyCompose(failure -> {
            Throwable cause = unwrap(failure);
            if (cause instanceof ModelInvocationException) {
                // the model may have been unloaded under this call because its key was just refused
                EndpointUnavailableException down = registry.unavailability(endpointName).orElse(null);
                if (down != null) {
                    return CompletableFuture.failedFuture(down.copy());
                }
                // or because the endpoint was just switched to another configuration: the new one answers
                Endpoint now = registry.find(endpointName).orElse(null);
                if (now != null && now != endpoint) {
                    try {
                        return attempt(now, targetVariant, targetModel, body, contentType, accept);
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                }
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private static CompletableFuture<InvocationResult> attempt(Endpoint endpoint, String targetVariant,
            String targetModel, byte[] body, String contentType, String accept) {
        ProductionVariant variant;
        if (targetVariant == null) {
            variant = endpoint.chooseVariant();
        } else {
            variant = endpoint.variant(targetVariant).orElseThrow(() -> new InvalidInputException(
                    "variant " + InvocationInput.quote(targetVariant, 63) + " is not part of endpoint "
                            + endpoint.name()));
        }
        MultiModelCache cache = variant.multiModel();
        if (cache != null) {
            if (targetModel == null) {
                throw new InvalidInputException("endpoint " + endpoint.name() + " is a multi-model endpoint: "
                        + "the X-Amzn-SageMaker-Target-Model header names the model to invoke");
            }
            return multiModel(variant, cache, targetModel, body, contentType, accept);
        }
        if (targetModel != null) {
            throw new InvalidInputException("endpoint " + endpoint.name()
                    + " is not a multi-model endpoint: the X-Amzn-SageMaker-Target-Model header is not allowed");
        }
        RemoteVariant remote = variant.remote();
        if (remote != null) {
            // the node that serves the call decodes it (it holds the model); its answer names this variant
            return remote.invoke(body, contentType, accept, null).thenApply(r -> r.invokedVariant()
                    .equals(variant.name()) ? r : new InvocationResult(r.body(), r.contentType(), variant.name(),
                    r.modelLatencyNanos()));
        }
        ModelCall call = ModelCall.decode(variant.model(), body, contentType, accept);
        VariantWorkers workers = variant.workers();
        if (workers == null) {
            return CompletableFuture.completedFuture(call.run(variant.model(), variant.name()));
        }
        return workers.submit(own -> call.run(own, variant.name()));
    }

    private static CompletableFuture<InvocationResult> multiModel(ProductionVariant variant, MultiModelCache cache,
            String targetModel, byte[] body, String contentType, String accept) {
        return cache.acquire(targetModel).thenCompose(lease -> {
            try {
                ModelCall call = ModelCall.decode(lease.model(), body, contentType, accept);
                return variant.workers().submit(unused -> {
                    try {
                        InvocationResult r = call.run(lease.model(), variant.name());
                        return new InvocationResult(r.body(), r.contentType(), r.invokedVariant(),
                                r.modelLatencyNanos(), targetModel, lease.cacheHit(), lease.loadWaitNanos());
                    } finally {
                        lease.release();
                    }
                }).whenComplete((r, e) -> lease.release());
            } catch (RuntimeException e) {
                lease.release();
                throw e;
            }
        });
    }

    /** The failure inside CompletableFuture's wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static InvocationResult join(CompletableFuture<InvocationResult> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ModelInvocationException("the model failed: " + cause.getClass().getSimpleName(), cause);
        }
    }
}
