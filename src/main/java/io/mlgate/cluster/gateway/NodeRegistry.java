package io.mlgate.cluster.gateway;

import io.mlgate.cluster.wire.HealthResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The runtime nodes the gateway knows: the configuration's static list plus nodes that registered on the control
 * port, each JOINING until its first health answer, then HEALTHY, UNHEALTHY after {@code unhealthyAfter} failed
 * checks in a row or at once on a refused or reset connection, and HEALTHY again when it answers (it rejoined; with a
 * new boot id it is a new process whose placements are gone). Every transition is audited through
 * {@link ClusterEvents} and told to the {@link Listener}s (placement), outside the registry's lock.
 */
public final class NodeRegistry implements AutoCloseable {

    /** Told of nodes' transitions (on the health checker's thread; must not block long). */
    public interface Listener {
        /** A node answered for the first time. */
        default void joined(ClusterNode node) {
        }

        /** A node is unhealthy: route nothing to it, place its instances elsewhere. */
        default void lost(ClusterNode node) {
        }

        /** A lost node answers again; {@code restarted}: a new process (its placements are gone). */
        default void rejoined(ClusterNode node, boolean restarted) {
        }
    }

    /** Builds the client of a node's data ports. */
    @FunctionalInterface
    public interface ClientFactory {
        NodeClient create(String node, String address, String plaintextAddress);
    }

    private static final System.Logger LOG = System.getLogger(NodeRegistry.class.getName());

    private final ClientFactory clients;
    private final ClusterEvents events;
    private final int unhealthyAfter;
    private final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public NodeRegistry(ClientFactory clients, ClusterEvents events, int unhealthyAfter) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.events = Objects.requireNonNull(events, "events");
        if (unhealthyAfter < 1) {
            throw new IllegalArgumentException("unhealthyAfter must be >= 1");
        }
        this.unhealthyAfter = unhealthyAfter;
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Adds a node of the configuration's static list. */
    public ClusterNode addStatic(ClusterSettings.StaticNode n) {
        return upsert(n.name(), true, new ClusterNode.Location(n.zone(), n.subnet(), n.address(),
                n.plaintextAddress(), n.isolated()));
    }

    /**
     * A node (named by its client certificate) registers or re-registers its data ports; a changed location gets a
     * new client. The node joins when it answers a health check.
     */
    public ClusterNode register(String name, ClusterNode.Location location) {
        return upsert(name, false, location);
    }

    private ClusterNode upsert(String name, boolean configured, ClusterNode.Location location) {
        NodeClient stale = null;
        ClusterNode node;
        synchronized (nodes) {
            node = nodes.get(name);
            if (node == null) {
                node = new ClusterNode(name, configured, location, clients.create(name, location.address(),
                        location.plaintextAddress()));
                nodes.put(name, node);
            } else if (!node.location().equals(location)) {
                stale = node.relocate(location, clients.create(name, location.address(), location.plaintextAddress()));
            }
        }
        if (stale != null) {
            stale.close();
        }
        return node;
    }

    public Optional<ClusterNode> node(String name) {
        synchronized (nodes) {
            return Optional.ofNullable(nodes.get(name));
        }
    }

    /** Every node, in the order they became known. */
    public List<ClusterNode> nodes() {
        synchronized (nodes) {
            return List.copyOf(nodes.values());
        }
    }

    /** The healthy nodes, by zone then name. */
    public List<ClusterNode> healthy() {
        List<ClusterNode> out = new ArrayList<>();
        for (ClusterNode n : nodes()) {
            if (n.healthy()) {
                out.add(n);
            }
        }
        out.sort(Comparator.comparing(ClusterNode::zone).thenComparing(ClusterNode::name));
        return out;
    }

    /** A health answer arrived from {@code node}. */
    void answered(ClusterNode node, HealthResponse health) {
        ClusterNode.State before;
        boolean restarted;
        synchronized (node) {
            before = node.state();
            String previousBoot = node.bootId();
            restarted = previousBoot != null && !previousBoot.equals(health.bootId());
            node.answered();
            node.bootId(health.bootId());
            node.placements(health.placements());
            node.state(ClusterNode.State.HEALTHY);
        }
        if (before == ClusterNode.State.JOINING) {
            LOG.log(System.Logger.Level.INFO, "cluster node " + node.name() + " (" + node.zone() + ") joined");
            events.joined(node);
            listeners.forEach(l -> safely(() -> l.joined(node)));
        } else if (before == ClusterNode.State.UNHEALTHY || restarted) {
            LOG.log(System.Logger.Level.INFO, "cluster node " + node.name() + " rejoined"
                    + (restarted ? " (restarted)" : ""));
            events.rejoined(node, restarted);
            listeners.forEach(l -> safely(() -> l.rejoined(node, restarted)));
        }
    }

    /** A health check of {@code node} failed; {@code connectionLevel}: refused or reset (unhealthy at once). */
    void failed(ClusterNode node, boolean connectionLevel, String reason) {
        boolean lost = false;
        synchronized (node) {
            int failures = node.failed();
            if (node.state() == ClusterNode.State.HEALTHY && (connectionLevel || failures >= unhealthyAfter)) {
                node.state(ClusterNode.State.UNHEALTHY);
                node.placements(List.of());
                lost = true;
            }
        }
        if (lost) {
            LOG.log(System.Logger.Level.WARNING, "cluster node " + node.name() + " is unhealthy: " + reason);
            events.lost(node, reason);
            listeners.forEach(l -> safely(() -> l.lost(node)));
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a cluster listener failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        for (ClusterNode n : nodes()) {
            n.client().close();
        }
    }
}
