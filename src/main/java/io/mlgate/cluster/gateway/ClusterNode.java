package io.mlgate.cluster.gateway;

import io.mlgate.cluster.wire.PlacementStatus;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A runtime node as the gateway knows it: where it is (zone, subnet, data ports, isolation), its state, the process
 * it last answered from (boot id) and the placements its last health answer listed. Thread-safe; state changes are
 * made by {@link NodeRegistry} only.
 */
public final class ClusterNode {

    /** Where a node stands. */
    public enum State {
        /** Known (configured or registered) but not yet answered a health check. */
        JOINING,
        /** Answering health checks: routed to and placed on. */
        HEALTHY,
        /** Failed health checks or refused connections: neither routed to nor placed on. */
        UNHEALTHY
    }

    /** Where the node is and how to reach it. */
    public record Location(String zone, String subnet, String address, String plaintextAddress, boolean isolated) {
        public Location {
            Objects.requireNonNull(zone, "zone");
        }
    }

    private final String name;
    private final boolean configured;
    private volatile Location location;
    private volatile NodeClient client;
    private volatile State state = State.JOINING;
    private volatile String bootId;
    private volatile Map<String, PlacementStatus> placements = Map.of();
    private int failures;
    private final java.util.concurrent.atomic.LongAdder answered = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();

    ClusterNode(String name, boolean configured, Location location, NodeClient client) {
        this.name = Objects.requireNonNull(name, "name");
        this.configured = configured;
        this.location = Objects.requireNonNull(location, "location");
        this.client = Objects.requireNonNull(client, "client");
    }

    public String name() {
        return name;
    }

    /** Invocations this node answered (any answer of the model's: 200, 400, 424, 429). */
    public long invocationsAnswered() {
        return answered.sum();
    }

    /** Invocation attempts that failed at node level (refused, reset, timed out, 404/503): retried elsewhere or failed. */
    public long failedAttempts() {
        return failed.sum();
    }

    void countAnswered() {
        answered.increment();
    }

    void countFailedAttempt() {
        failed.increment();
    }

    /** True if the node is in the configuration's static list. */
    public boolean configured() {
        return configured;
    }

    public Location location() {
        return location;
    }

    public String zone() {
        return location.zone();
    }

    public String subnet() {
        return location.subnet();
    }

    public boolean isolated() {
        return location.isolated();
    }

    public NodeClient client() {
        return client;
    }

    public State state() {
        return state;
    }

    public boolean healthy() {
        return state == State.HEALTHY;
    }

    /** The boot id of the process that last answered, or null before the first answer. */
    public String bootId() {
        return bootId;
    }

    /** The node's placements as its last health answer listed them, by key. */
    public Map<String, PlacementStatus> placements() {
        return placements;
    }

    // ---- changed by the registry, under its lock ----

    NodeClient relocate(Location next, NodeClient nextClient) {
        NodeClient old = client;
        location = next;
        client = nextClient;
        return old;
    }

    void state(State next) {
        state = next;
    }

    void bootId(String next) {
        bootId = next;
    }

    void placements(List<PlacementStatus> list) {
        placements = list == null ? Map.of()
                : list.stream().collect(Collectors.toUnmodifiableMap(PlacementStatus::key, Function.identity(),
                        (a, b) -> b));
    }

    int failed() {
        return ++failures;
    }

    void answered() {
        failures = 0;
    }

    @Override
    public String toString() {
        return "ClusterNode[" + name + ", " + location.zone() + ", " + state + "]";
    }
}
