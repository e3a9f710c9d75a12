package io.mlgate.cluster.node;

/** A placement that cannot be loaded, with the reason the gateway shows (422 {@code LoadFailed}). No secrets. */
public final class LoadFailure extends Exception {
    public LoadFailure(String message) {
        super(message, null, false, false);
    }
}
