package io.mlgate.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * The answer to one InvokeEndpoint call: response body and its content type, the production variant that served
 * it, and the time spent inside the model in nanoseconds.
 */
public record InvocationResult(byte[] body, String contentType, String invokedVariant, long modelLatencyNanos) {

    public InvocationResult {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(invokedVariant, "invokedVariant");
        body = body.clone();
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
                && modelLatencyNanos == other.modelLatencyNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(body), contentType, invokedVariant, modelLatencyNanos);
    }

    @Override
    public String toString() {
        return "InvocationResult[" + body.length + " bytes " + contentType + ", variant " + invokedVariant
                + ", model " + modelLatencyNanos + " ns]";
    }
}
