package io.mlgate.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * The answer to one InvokeEndpoint call: response body and its content type, the production variant that served
 * it, the time spent inside the model in nanoseconds, and for multi-model endpoints the model served, whether it
 * was loaded already ({@code cacheHit}, null otherwise) and how long the call waited for its load.
 */
public record InvocationResult(byte[] body, String contentType, String invokedVariant, long modelLatencyNanos,
                               String targetModel, Boolean cacheHit, long modelLoadWaitNanos) {

    public InvocationResult(byte[] body, String contentType, String invokedVariant, long modelLatencyNanos) {
        this(body, contentType, invokedVariant, modelLatencyNanos, null, null, 0);
    }

    public InvocationResult {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(invokedVariant, "invokedVariant");
        body = body.clone();
    }

    /** This result with another body (a redacted answer), everything else unchanged. */
    public InvocationResult withBody(byte[] newBody) {
        return new InvocationResult(newBody, contentType, invokedVariant, modelLatencyNanos, targetModel, cacheHit,
                modelLoadWaitNanos);
    }

    /** A copy of the response body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InvocationResult other
                && Arrays.equals(body, other.body)
                && contentType.equals(other.contentType)
                && invokedVariant.equals(other.invokedVariant)
                && modelLatencyNanos == other.modelLatencyNanos
                && Objects.equals(targetModel, other.targetModel)
                && Objects.equals(cacheHit, other.cacheHit)
                && modelLoadWaitNanos == other.modelLoadWaitNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(body), contentType, invokedVariant, modelLatencyNanos, targetModel,
                cacheHit, modelLoadWaitNanos);
    }

    @Override
    public String toString() {
        return "InvocationResult[" + body.length + " bytes " + contentType + ", variant " + invokedVariant
                + ", model " + modelLatencyNanos + " ns" + (targetModel == null ? "" : ", target " + targetModel
                + (Boolean.TRUE.equals(cacheHit) ? " (cached)" : " (loaded, waited " + modelLoadWaitNanos + " ns)"))
                + "]";
    }
}
