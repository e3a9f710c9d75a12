package io.mlgate.runtime;

/**
 * A model artifact or its descriptor cannot be loaded: unreadable ONNX bytes, a malformed descriptor, or a graph
 * whose inputs and outputs do not match what the descriptor promises.
 */
public final class InvalidModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
