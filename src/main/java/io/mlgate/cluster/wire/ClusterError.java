package io.mlgate.cluster.wire;

/** The error body of every cluster call: a code and a message without secrets, payload bytes or stack traces. */
public record ClusterError(String error, String message) {
}
