package io.mlgate.runtime;

/**
 * The caller's invocation request cannot be served as sent (body, content type, Accept or target variant);
 * corresponds to SageMaker's {@code ValidationError} (HTTP 400).
 */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
