package io.mlgate.cluster.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventData;
import io.mlgate.cluster.pki.RefusalListener;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The cluster's audit trail: service events (source {@value #EVENT_SOURCE}) for nodes that join, are lost or rejoin,
 * and for every refused connection, whether the gateway refused it (its TLS listener or client) or a node did and
 * reported it. Appends never block the caller; a failed append is logged without the event's details.
 */
public final class ClusterEvents implements RefusalListener {

    public static final String EVENT_SOURCE = "cluster.mlgate";
    public static final String NODE_JOINED = "ClusterNodeJoined";
    public static final String NODE_LOST = "ClusterNodeLost";
    public static final String NODE_REJOINED = "ClusterNodeRejoined";
    public static final String CONNECTION_REFUSED = "ClusterConnectionRefused";

    private static final System.Logger LOG = System.getLogger(ClusterEvents.class.getName());

    private final Function<AuditEvent, CompletableFuture<Void>> audit;
    private final Clock clock;
    private final String region;
    private final String accountId;

    /** @param audit appends an event (the gateway's {@code AuditLog::append}) */
    public ClusterEvents(Function<AuditEvent, CompletableFuture<Void>> audit, Clock clock, String region,
                         String accountId) {
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.region = Objects.requireNonNull(region, "region");
        this.accountId = accountId;
    }

    /** A node answered its first health check (or registered and answered). */
    public void joined(ClusterNode node) {
        append(NODE_JOINED, nodeData(node).build(), null, null);
    }

    /** A node stopped answering and is no longer routed to. */
    public void lost(ClusterNode node, String reason) {
        append(NODE_LOST, nodeData(node).put("reason", reason).build(), null, null);
    }

    /** A lost node answers again; {@code restarted} if it is a new process (its placements were gone). */
    public void rejoined(ClusterNode node, boolean restarted) {
        append(NODE_REJOINED, nodeData(node).put("restarted", restarted).build(), null, null);
    }

    /** A refused handshake or request: the gateway's own, or one a node reported ({@code reportedBy}). */
    public void refused(String peer, String identity, String reason, String reportedBy) {
        EventData.Builder d = EventData.builder().put("peer", peer == null ? "unknown" : peer)
                .put("reason", reason == null ? "unknown" : reason);
        if (identity != null) {
            d.put("identity", identity);
        }
        d.put("reportedBy", reportedBy);
        append(CONNECTION_REFUSED, d.build(), "ConnectionRefused", reason);
    }

    @Override
    public void refused(String peer, String identity, String reason) {
        refused(peer, identity, reason, "gateway");
    }

    private static EventData.Builder nodeData(ClusterNode node) {
        EventData.Builder d = EventData.builder().put("node", node.name()).put("zone", node.zone());
        if (node.subnet() != null) {
            d.put("subnet", node.subnet());
        }
        if (node.bootId() != null) {
            d.put("bootId", node.bootId());
        }
        return d;
    }

    private void append(String name, EventData data, String errorCode, String errorMessage) {
        AuditEvent.Builder event = AuditEvent.serviceEvent(name, clock.instant(), region, accountId)
                .eventSource(EVENT_SOURCE).additionalEventData(data);
        if (errorCode != null) {
            event.error(errorCode, errorMessage);
        }
        try {
            audit.apply(event.build()).exceptionally(e -> {
                LOG.log(System.Logger.Level.ERROR, "audit append failed for a cluster event " + name + " ("
                        + e.getClass().getSimpleName() + ")");
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "audit append failed for a cluster event " + name + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
