package io.mlgate.runtime;

/**
 * The endpoint cannot take the call now and the caller should retry later (HTTP 429): a variant's request queue is
 * full ({@link #THROTTLING}) or the model a multi-model call targets cannot be loaded in time ({@link #NOT_READY}).
 * Thrown instead of waiting without bound.
 */
public final class BusyException extends RuntimeException {

    /** A variant's bounded queue is full. */
    public static final String THROTTLING = "ThrottlingException";
    /** The targeted model is not loaded and cannot be loaded now. */
    public static final String NOT_READY = "ModelNotReadyException";

    private final String code;

    public BusyException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** {@link #THROTTLING} or {@link #NOT_READY}. */
    public String code() {
        return code;
    }
}
