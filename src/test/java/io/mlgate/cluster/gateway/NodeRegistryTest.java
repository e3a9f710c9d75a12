package io.mlgate.cluster.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.cluster.wire.HealthResponse;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The node state machine: joined, lost after N failed checks or at once on a refused connection, rejoined. */
class NodeRegistryTest {

    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final List<String> told = new ArrayList<>();
    final NodeRegistry registry = new NodeRegistry((n, a, p) -> new NodeClient(n, null, a, p),
            new ClusterEvents(e -> {
                audit.add(e);
                return CompletableFuture.completedFuture(null);
            }, Clock.systemUTC(), "us-east-1", "123456789012"), 2);

    NodeRegistryTest() {
        registry.addListener(new NodeRegistry.Listener() {
            @Override
            public void joined(ClusterNode node) {
                told.add("joined " + node.name());
            }

            @Override
            public void lost(ClusterNode node) {
                told.add("lost " + node.name());
            }

            @Override
            public void rejoined(ClusterNode node, boolean restarted) {
                told.add("rejoined " + node.name() + (restarted ? " restarted" : ""));
            }
        });
    }

    List<String> names() {
        return audit.stream().map(AuditEvent::eventName).toList();
    }

    @Test
    void aNodeIsLostAfterTwoFailedChecksOrAtOnceWhenRefusedAndRejoinsWhenItAnswers() {
        ClusterNode n = registry.addStatic(new ClusterSettings.StaticNode("n1", "zone-a", null, "127.0.0.1:1", "s",
                false));
        assertThat(n.state()).isEqualTo(ClusterNode.State.JOINING);
        registry.failed(n, true, "ConnectException");
        assertThat(n.state()).as("a node that never answered is not lost").isEqualTo(ClusterNode.State.JOINING);

        registry.answered(n, new HealthResponse("n1", "zone-a", "boot-1", List.of()));
        assertThat(n.state()).isEqualTo(ClusterNode.State.HEALTHY);
        assertThat(registry.healthy()).containsExactly(n);

        registry.failed(n, false, "health answered 500");
        assertThat(n.state()).as("one failed check is not enough").isEqualTo(ClusterNode.State.HEALTHY);
        registry.answered(n, new HealthResponse("n1", "zone-a", "boot-1", List.of()));
        registry.failed(n, false, "health answered 500");
        assertThat(n.state()).as("the count restarts after an answer").isEqualTo(ClusterNode.State.HEALTHY);
        registry.failed(n, false, "TimeoutException");
        assertThat(n.state()).isEqualTo(ClusterNode.State.UNHEALTHY);
        assertThat(registry.healthy()).isEmpty();

        registry.answered(n, new HealthResponse("n1", "zone-a", "boot-1", List.of()));
        assertThat(n.state()).isEqualTo(ClusterNode.State.HEALTHY);
        registry.failed(n, true, "ConnectException");
        assertThat(n.state()).as("a refused connection is enough").isEqualTo(ClusterNode.State.UNHEALTHY);
        registry.answered(n, new HealthResponse("n1", "zone-a", "boot-2", List.of()));

        assertThat(told).containsExactly("joined n1", "lost n1", "rejoined n1", "lost n1", "rejoined n1 restarted");
        assertThat(names()).containsExactly(ClusterEvents.NODE_JOINED, ClusterEvents.NODE_LOST,
                ClusterEvents.NODE_REJOINED, ClusterEvents.NODE_LOST, ClusterEvents.NODE_REJOINED);
        assertThat(audit).allSatisfy(e -> assertThat(e.eventSource()).isEqualTo(ClusterEvents.EVENT_SOURCE));
    }

    @Test
    void aHealthyNodeWithANewBootIdRestartedAndARegistrationMovesIt() {
        ClusterNode n = registry.register("n2", new ClusterNode.Location("zone-b", "s", "127.0.0.1:2", null, true));
        registry.answered(n, new HealthResponse("n2", "zone-b", "boot-1", List.of()));
        registry.answered(n, new HealthResponse("n2", "zone-b", "boot-2", List.of()));
        assertThat(told).containsExactly("joined n2", "rejoined n2 restarted");
        NodeClient before = n.client();
        registry.register("n2", new ClusterNode.Location("zone-b", "s", "127.0.0.1:3", null, true));
        assertThat(n.client()).isNotSameAs(before);
        assertThat(n.location().address()).isEqualTo("127.0.0.1:3");
        assertThat(n.isolated()).isTrue();
    }
}
