package io.mlgate.cluster.gateway;

import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.HealthResponse;
import io.netty.handler.codec.http.HttpMethod;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checks every node's health ({@code GET /v1/health}, over the node's pooled connections) every interval and feeds
 * the answers to the {@link NodeRegistry}; a node a call found suspect is checked at once. One check per node is in
 * flight at a time; a check that takes longer than the interval fails.
 */
public final class HealthChecker implements AutoCloseable {

    private final NodeRegistry registry;
    private final Duration interval;
    private final ClusterSettings.Encryption encryption;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public HealthChecker(NodeRegistry registry, Duration interval, ClusterSettings.Encryption encryption) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlgate-cluster-health");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::checkAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks every node now (tests, and the timer). */
    public void checkAll() {
        for (ClusterNode node : registry.nodes()) {
            check(node);
        }
    }

    /** A call to {@code node} failed at the node level: check it now instead of at the next tick. */
    public void suspect(ClusterNode node) {
        check(node);
    }

    private void check(ClusterNode node) {
        if (!inFlight.add(node.name())) {
            return;
        }
        NodeClient client = node.client();
        // health goes over TLS whenever the node has a TLS port and the gateway credentials
        boolean encrypted = encryption == ClusterSettings.Encryption.ALWAYS || !client.hasPlaintext();
        client.send(encrypted, HttpMethod.GET, "/v1/health", null, Map.of("accept", "application/json"), interval)
                .subscribe(answer -> {
                    inFlight.remove(node.name());
                    if (answer.status() != 200) {
                        registry.failed(node, false, "health answered " + answer.status());
                        return;
                    }
                    HealthResponse health;
                    try {
                        health = ClusterJson.read(answer.body(), HealthResponse.class);
                    } catch (IllegalArgumentException e) {
                        registry.failed(node, false, "malformed health answer");
                        return;
                    }
                    if (!node.name().equals(health.node()) || health.bootId() == null) {
                        registry.failed(node, false, "health answer names another node");
                        return;
                    }
                    registry.answered(node, health);
                }, error -> {
                    inFlight.remove(node.name());
                    registry.failed(node, NodeFailures.connectionLevel(error), NodeFailures.describe(error));
                });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
