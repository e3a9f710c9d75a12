package io.mlgate.cluster.node;

/**
 * A call to the gateway's control port failed: the gateway answered with an error ({@link #status()} and the
 * {@code ClusterError} code), or it could not be reached ({@link #status()} 0, code {@value #UNREACHABLE}).
 * The message never holds a secret or a body byte beyond the gateway's own error message.
 */
public final class ControlException extends Exception {

    /** The code when no answer came (connection refused, TLS refused, timeout). */
    public static final String UNREACHABLE = "GatewayUnreachable";

    private final int status;
    private final String code;

    public ControlException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
