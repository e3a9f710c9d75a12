package io.mlgate.cluster.wire;

/** One placement on a node: its key, state ({@code LOADING}, {@code READY}, {@code FAILED}), workers and calls in flight. */
public record PlacementStatus(String key, String state, int instances, int inFlight) {
}
