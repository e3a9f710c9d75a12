package io.mlgate.runtime;

/**
 * The model failed while serving a valid request (ONNX Runtime error or an output that breaks the model's
 * descriptor); corresponds to SageMaker's {@code ModelError} (HTTP 424).
 */
public final class ModelInvocationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelInvocationException(String message) {
        super(message);
    }

    public ModelInvocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
