package io.mlgate.iam.eval;

/**
 * The IAM decisions made on the current thread while a service performs one call that it authorizes itself (STS trust
 * policies, KMS key policies and grants), so the gateway can put the deciding one into the call's audit record.
 * {@link PolicyEvaluator#evaluate} reports every decision to the trace open on its thread, if any; with none open it
 * costs one thread-local read.
 */
public final class DecisionTrace implements AutoCloseable {

    private static final ThreadLocal<DecisionTrace> ACTIVE = new ThreadLocal<>();

    private Decision deciding;
    private boolean allowedByGrant;

    private DecisionTrace() {
    }

    /** Opens a trace on this thread (replacing any other); close it in a finally block or try-with-resources. */
    public static DecisionTrace open() {
        DecisionTrace trace = new DecisionTrace();
        ACTIVE.set(trace);
        return trace;
    }

    static void observe(Decision decision) {
        DecisionTrace trace = ACTIVE.get();
        if (trace != null && (trace.deciding == null || trace.deciding.isAllowed())) {
            trace.deciding = decision; // the first deny decides; otherwise the last allow
        }
    }

    /** Notes that a grant (KMS) allowed the call after the policies did not. */
    public static void grantAllowed() {
        DecisionTrace trace = ACTIVE.get();
        if (trace != null) {
            trace.allowedByGrant = true;
        }
    }

    /** The decision that decided the call: the first deny, else the last allow; null if nothing was evaluated. */
    public Decision deciding() {
        return deciding;
    }

    /** True when a grant allowed the call that the policies left implicitly denied. */
    public boolean allowedByGrant() {
        return allowedByGrant;
    }

    @Override
    public void close() {
        if (ACTIVE.get() == this) {
            ACTIVE.remove();
        }
    }
}
