package io.mlgate.cluster.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Objects;

/**
 * Per-node meters on the gateway's Prometheus registry (scraped from the management port), so an operator sees
 * where calls go and when a node drops out or rejoins:
 * <ul>
 *   <li>{@code mlgate_cluster_node_invocations_total{node}}: calls the node answered;</li>
 *   <li>{@code mlgate_cluster_node_failed_attempts_total{node}}: attempts that failed at node level (retried on another
 *       instance, or failed when no retry was left);</li>
 *   <li>{@code mlgate_cluster_node_healthy{node}}: 1 while the node is routed to, else 0.</li>
 * </ul>
 * Meters are read from the registry by name, so a node that re-registers keeps its series.
 */
public final class ClusterMetrics {

    private ClusterMetrics() {
    }

    /** Registers the meters of every node known now and of every node that joins later. */
    public static void register(NodeRegistry nodes, MeterRegistry meters) {
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(meters, "meters");
        for (ClusterNode n : nodes.nodes()) {
            meters(nodes, meters, n.name());
        }
        nodes.addListener(new NodeRegistry.Listener() {
            @Override
            public void joined(ClusterNode node) {
                meters(nodes, meters, node.name());
            }
        });
    }

    private static void meters(NodeRegistry nodes, MeterRegistry meters, String name) {
        FunctionCounter.builder("mlgate.cluster.node.invocations", nodes,
                        r -> r.node(name).map(ClusterNode::invocationsAnswered).orElse(0L))
                .description("InvokeEndpoint calls the runtime node answered").tag("node", name).register(meters);
        FunctionCounter.builder("mlgate.cluster.node.failed.attempts", nodes,
                        r -> r.node(name).map(ClusterNode::failedAttempts).orElse(0L))
                .description("invocation attempts that failed at node level").tag("node", name).register(meters);
        Gauge.builder("mlgate.cluster.node.healthy", nodes,
                        r -> r.node(name).map(n -> n.healthy() ? 1.0 : 0.0).orElse(0.0))
                .description("1 while the runtime node is routed to").tag("node", name).register(meters);
    }
}
