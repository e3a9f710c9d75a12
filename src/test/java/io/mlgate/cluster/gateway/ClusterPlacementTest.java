package io.mlgate.cluster.gateway;

import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.runtime.BusyException;
import io.mlgate.runtime.InvalidInputException;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.runtime.ModelInvocationException;
import io.mlgate.runtime.RemoteVariant;
import io.mlgate.runtime.VariantPlacement;
import io.mlgate.sagemaker.DeploymentPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Placement across zones, isolation, routing, failover and rejoin against protocol-level test nodes over h2c. */
class ClusterPlacementTest {

    @TempDir
    Path dir;

    ClusterFixture f;
    TestNode n1;
    TestNode n2;
    TestNode n3;

    @BeforeEach
    void setUp() throws Exception {
        f = new ClusterFixture(dir, ClusterSettings.defaults().withEncryption(ClusterSettings.Encryption.PER_ENDPOINT));
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** n1, n2 in zone-a, n3 in zone-b; all healthy. */
    void threeNodes() throws Exception {
        n1 = f.node("n1", "zone-a", null);
        n2 = f.node("n2", "zone-a", null);
        n3 = f.node("n3", "zone-b", null);
        f.startGateway(List.of(ClusterFixture.plain(n1, "zone-a", false), ClusterFixture.plain(n2, "zone-a", false),
                ClusterFixture.plain(n3, "zone-b", true)), ClusterFixture.plaintextClients());
        f.await("three healthy nodes", () -> f.registry.healthy().size() == 3 && f.audit.size() >= 3);
    }

    PlacedVariant place(DeploymentPlan plan) throws Exception {
        return (PlacedVariant) f.placement.place(plan, plan.variants().get(0), 1);
    }

    static InvocationResult call(RemoteVariant v) {
        return v.invoke(ClusterFixture.SETOSA, "text/csv", null, null).join();
    }

    @Test
    void spreadsInstancesAcrossZonesAndGrantsEachNode() throws Exception {
        threeNodes();
        assertThat(f.auditNames()).containsOnly(ClusterEvents.NODE_JOINED).hasSize(3);
        PlacedVariant v = place(ClusterFixture.plan("e", 3, false));
        assertThat(v.distribution()).isEqualTo(Map.of("n1", 1, "n2", 1, "n3", 1));
        assertThat(v.instances()).isEqualTo(3);
        assertThat(n3.hosted()).isEqualTo(Map.of("e.A.1", 1));

        // two instances: one per zone, not both in zone-a
        PlacedVariant two = (PlacedVariant) f.placement.place(ClusterFixture.plan("f", 2, false),
                ClusterFixture.plan("f", 2, false).variants().get(0), 7);
        assertThat(two.distribution()).containsEntry("n3", 1).hasSize(2);
        assertThat(two.key()).isEqualTo("f.A.7");

        // every placement decrypted through its own grant (one per node and variant); removal retires them
        assertThat(grants()).hasSize(5);
        assertThat(grants()).allSatisfy(g -> assertThat(g.get("GranteePrincipal").asString())
                .startsWith("arn:aws:sts::" + ClusterFixture.ACCOUNT + ":assumed-role/runtime/mlgate-node-n"));
        two.close();
        f.await("f's placements removed", () -> n3.hosted().size() == 1);
        f.await("f's grants retired", () -> grants().size() == 3);
        v.close();
        f.await("e's grants retired", () -> grants().isEmpty());
        assertThatThrownBy(() -> f.nodeKeys(ClusterFixture.ROLE, "n3").decrypt(new byte[64], Map.of("model", "iris"),
                Optional.empty())).isInstanceOfSatisfying(KeyServiceException.class,
                e -> assertThat(e.errorCode()).isIn("AccessDeniedException", "InvalidCiphertextException"));
    }

    List<tools.jackson.databind.JsonNode> grants() {
        try {
            io.mlgate.iam.eval.PrincipalContext admin = ClusterFixture.principal("arn:aws:iam::"
                    + ClusterFixture.ACCOUNT + ":user/admin", io.mlgate.iam.eval.PrincipalType.USER,
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
                            + "\"Resource\":\"*\"}]}");
            io.mlgate.iam.eval.RequestContext ctx = io.mlgate.iam.eval.RequestContext.builder().build();
            String keyId = f.kms.invoke("ListKeys", io.mlgate.protocol.json.JsonBodies.read("{}".getBytes(
                    StandardCharsets.UTF_8)), admin, ctx).get("Keys").get(0).get("KeyId").asString();
            List<tools.jackson.databind.JsonNode> out = new ArrayList<>();
            f.kms.invoke("ListGrants", io.mlgate.protocol.json.JsonBodies.read(("{\"KeyId\":\"" + keyId + "\"}")
                    .getBytes(StandardCharsets.UTF_8)), admin, ctx).get("Grants").forEach(out::add);
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void isolatedVariantsGoOnlyToIsolatedNodesOrFailWithAReason() throws Exception {
        threeNodes();
        PlacedVariant v = place(ClusterFixture.plan("iso", 2, true));
        assertThat(v.distribution()).isEqualTo(Map.of("n3", 2));

        n3.kill();
        f.await("n3 lost", () -> f.registry.healthy().size() == 2);
        DeploymentPlan again = ClusterFixture.plan("iso2", 1, true);
        assertThatThrownBy(() -> f.placement.place(again, again.variants().get(0), 2))
                .isInstanceOf(VariantPlacement.PlacementException.class)
                .hasMessageContaining("EnableNetworkIsolation").hasMessageContaining("isolated");
    }

    @Test
    void encryptedEndpointsAreNotPlacedOnNodesWithoutTls() throws Exception {
        threeNodes();
        DeploymentPlan tagged = ClusterFixture.plan("enc", 1, false,
                Map.of(DeploymentPlan.INTER_CONTAINER_ENCRYPTION_TAG, "true"));
        assertThatThrownBy(() -> f.placement.place(tagged, tagged.variants().get(0), 1))
                .isInstanceOf(VariantPlacement.PlacementException.class).hasMessageContaining("mutual TLS");
        DeploymentPlan off = ClusterFixture.plan("plain", 1, false,
                Map.of(DeploymentPlan.INTER_CONTAINER_ENCRYPTION_TAG, "false"));
        assertThat(place(off).encrypted()).isFalse();
    }

    @Test
    void routesCallsToEveryInstanceWithTheModelsAnswer() throws Exception {
        threeNodes();
        PlacedVariant v = place(ClusterFixture.plan("e", 3, false));
        for (int i = 0; i < 30; i++) {
            InvocationResult r = call(v);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"predicted_label\"");
            assertThat(r.invokedVariant()).isEqualTo("A");
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.modelLatencyNanos()).isPositive();
        }
        assertThat(n1.invocations.get()).isPositive();
        assertThat(n2.invocations.get()).isPositive();
        assertThat(n3.invocations.get()).isPositive();
        assertThat(v.completed()).isEqualTo(30);
    }

    @Test
    void clientErrorsModelErrorsAndThrottlingAreNotRetriedButDrainingIs() throws Exception {
        threeNodes();
        PlacedVariant v = place(ClusterFixture.plan("e", 3, false));
        for (int status : new int[] {400, 424, 429}) {
            List<TestNode> all = List.of(n1, n2, n3);
            all.forEach(n -> n.inject(status, 1));
            int before = n1.invocations.get() + n2.invocations.get() + n3.invocations.get();
            assertThatThrownBy(() -> call(v)).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(switch (status) {
                        case 400 -> InvalidInputException.class;
                        case 424 -> ModelInvocationException.class;
                        default -> BusyException.class;
                    }).hasMessageContaining("injected " + status);
            assertThat(n1.invocations.get() + n2.invocations.get() + n3.invocations.get()).isEqualTo(before + 1);
            all.forEach(n -> n.inject(0, 0));
        }
        // 503 Draining is a node-level failure: the call is tried on the other instances (invoke-retries 2)
        List.of(n1, n2, n3).forEach(n -> n.inject(503, 1));
        int before = n1.invocations.get() + n2.invocations.get() + n3.invocations.get();
        assertThatThrownBy(() -> call(v)).cause().isInstanceOf(ModelInvocationException.class)
                .hasMessageContaining("could answer");
        assertThat(n1.invocations.get() + n2.invocations.get() + n3.invocations.get()).isEqualTo(before + 3);
        // with two draining nodes, every call still succeeds on the third
        n1.inject(503, 1000);
        n2.inject(503, 1000);
        for (int i = 0; i < 10; i++) {
            assertThat(call(v).invokedVariant()).isEqualTo("A");
        }
    }

    @Test
    void aNodeKilledUnderLoadFailsNoCallIsReplacedAndRebalancedWhenItRestarts() throws Exception {
        threeNodes();
        PlacedVariant v = place(ClusterFixture.plan("e", 3, false));
        AtomicInteger ok = new AtomicInteger();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> load = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                load.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        try {
                            call(v);
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            f.await("load under way", () -> ok.get() > 100);
            n3.kill();
            for (Future<?> fu : load) {
                fu.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures).as("calls the client saw fail").isEmpty();
        assertThat(ok.get()).isEqualTo(900);
        f.await("n3 unhealthy and audited", () -> f.registry.node("n3").orElseThrow().state()
                == ClusterNode.State.UNHEALTHY && f.auditNames().contains(ClusterEvents.NODE_LOST));
        f.await("the lost instance re-placed", () -> v.instances() == 3);
        assertThat(v.distribution()).doesNotContainKey("n3");

        String oldBoot = n3.bootId();
        n3.start();
        assertThat(n3.bootId()).isNotEqualTo(oldBoot);
        f.await("n3 rejoined and rebalanced", () -> v.distribution().equals(Map.of("n1", 1, "n2", 1, "n3", 1)));
        assertThat(f.auditNames()).contains(ClusterEvents.NODE_REJOINED);
        assertThat(n1.hosted().values().stream().mapToInt(Integer::intValue).sum()
                + n2.hosted().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
        int before = n3.invocations.get();
        for (int i = 0; i < 30; i++) {
            call(v);
        }
        assertThat(n3.invocations.get()).as("traffic reaches the rejoined node").isGreaterThan(before);
    }

    @Test
    void aPlacementANodeDroppedIsPlacedAgainWithoutFailedCalls() throws Exception {
        threeNodes();
        PlacedVariant v = place(ClusterFixture.plan("e", 3, false));
        n2.forget("e.A.1");
        for (int i = 0; i < 30; i++) {
            assertThat(call(v).invokedVariant()).isEqualTo("A");
        }
        f.await("placed again", () -> v.instances() == 3 && n1.hosted().size() + n2.hosted().size()
                + n3.hosted().size() == 3);
        assertThat(v.distribution()).isEqualTo(Map.of("n1", 1, "n2", 1, "n3", 1));
    }

    @Test
    void nodesThatDoNotResizePlacementsGetThemLoadedAgainWithTheNewCount() throws Exception {
        threeNodes();
        List.of(n1, n2, n3).forEach(n -> n.resizes = false);
        PlacedVariant v = place(ClusterFixture.plan("e", 3, false));
        v.resize(5);
        // zone-b gets the first extra instance, zone-a the second (n1, first of the least loaded)
        f.await("five instances", () -> v.distribution().equals(Map.of("n1", 2, "n2", 1, "n3", 2))
                && n1.hosted().get("e.A.1") == 2 && n3.hosted().get("e.A.1") == 2);
        v.resize(3);
        f.await("three instances", () -> v.distribution().equals(Map.of("n1", 1, "n2", 1, "n3", 1))
                && n1.hosted().get("e.A.1") == 1 && n3.hosted().get("e.A.1") == 1);
        assertThat(n1.hosted().get("e.A.1") + n2.hosted().get("e.A.1") + n3.hosted().get("e.A.1")).isEqualTo(3);
        assertThat(call(v).invokedVariant()).isEqualTo("A");
    }

    @Test
    void resizeAddsAndRemovesInstances() throws Exception {
        threeNodes();
        PlacedVariant v = place(ClusterFixture.plan("e", 1, false));
        assertThat(v.instances()).isEqualTo(1);
        v.resize(4);
        f.await("four instances", () -> v.instances() == 4);
        assertThat(v.distribution().keySet()).contains("n3");
        v.resize(2);
        f.await("two instances", () -> v.instances() == 2);
        assertThat(call(v).invokedVariant()).isEqualTo("A");
    }
}
