package io.mlgate.cluster.gateway;

import io.mlgate.cluster.wire.ClusterError;
import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.PlacedContainer;
import io.mlgate.cluster.wire.PlacementRequest;
import io.mlgate.cluster.wire.PlacementStatus;
import io.mlgate.runtime.BusyException;
import io.mlgate.runtime.InvalidInputException;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.runtime.ModelInvocationException;
import io.mlgate.runtime.RemoteVariant;
import io.netty.handler.codec.http.HttpMethod;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A production variant whose instances run on runtime nodes: at most one placement per node (key
 * {@code ENDPOINT.VARIANT.GENERATION}) holding some of the variant's instances. Calls go to a READY placement on a
 * healthy node with the fewest calls in flight per instance (round-robin among equals); a node-level failure
 * (refused, reset, stream reset, timeout before the answer, 404 PlacementNotFound, 503 Draining) makes the placement
 * suspect, asks the health checker to look at the node, and retries the call on another placement, up to
 * {@code invoke-retries} times within {@code invoke-timeout}. The node's 400, 424 and 429 are the caller's answer and
 * are not retried.
 *
 * <p>Placement changes (initial placement, node lost or back, resize) run under one lock per variant: additions are
 * made before removals, so the variant keeps serving while it moves. A node's count on a placement is changed by
 * sending the placement again with the new {@code instances}; a node that answers with its old count (it does not
 * resize) gets the placement removed and loaded again with the new count.
 */
public final class PlacedVariant implements RemoteVariant {

    /** One container's artifact, still encrypted, and what its data key is bound to. */
    record Artifact(String name, String hostname, byte[] bytes, String keyId, Map<String, String> context) {
    }

    /** A grant made for one node on one key. */
    private record Grant(String keyId, String grantId) {
    }

    /** The placement on one node. */
    static final class Slot {
        final ClusterNode node;
        final String bootId;
        final List<Grant> grants;
        volatile int instances;
        volatile boolean ready;
        volatile long suspectUntil;
        final AtomicInteger inFlight = new AtomicInteger();

        Slot(ClusterNode node, String bootId, List<Grant> grants, int instances) {
            this.node = node;
            this.bootId = bootId;
            this.grants = grants;
            this.instances = instances;
        }
    }

    /** How long a node may take to load a placement. */
    static final Duration PLACE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(PlacedVariant.class.getName());

    private final ClusterPlacement owner;
    private final String key;
    private final String endpoint;
    private final String variant;
    private final String roleArn;
    private final boolean isolation;
    private final boolean encrypted;
    private final List<Artifact> artifacts;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final ReentrantLock changing = new ReentrantLock();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile int target;
    private volatile boolean closed;

    PlacedVariant(ClusterPlacement owner, String key, String endpoint, String variant, String roleArn,
                  boolean isolation, boolean encrypted, int target, List<Artifact> artifacts) {
        this.owner = owner;
        this.key = key;
        this.endpoint = endpoint;
        this.variant = variant;
        this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
        this.isolation = isolation;
        this.encrypted = encrypted;
        this.target = target;
        this.artifacts = List.copyOf(artifacts);
    }

    public String key() {
        return key;
    }

    /** True if calls to this variant's nodes are mutual TLS. */
    public boolean encrypted() {
        return encrypted;
    }

    /** Instances per node name, of READY placements on healthy nodes (tests, DescribeEndpoint). */
    public Map<String, Integer> distribution() {
        Map<String, Integer> out = new LinkedHashMap<>();
        slots.values().stream().filter(s -> s.ready && s.node.healthy())
                .sorted(Comparator.comparing(s -> s.node.name()))
                .forEach(s -> out.put(s.node.name(), s.instances));
        return out;
    }

    int instancesOn(String node) {
        Slot s = slots.get(node);
        return s == null ? 0 : s.instances;
    }

    @Override
    public int instances() {
        int sum = 0;
        for (Slot s : slots.values()) {
            if (s.ready && s.node.healthy()) {
                sum += s.instances;
            }
        }
        return sum;
    }

    @Override
    public long completed() {
        return completed.get();
    }

    @Override
    public void resize(int instances) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be >= 1");
        }
        target = instances;
        owner.later(() -> reconcile(Set.of()));
    }

    // ---- routing ----

    @Override
    public CompletableFuture<InvocationResult> invoke(byte[] body, String contentType, String accept,
                                                      String requestId) {
        long deadline = System.nanoTime() + owner.settings.invokeTimeout().toNanos();
        String id = requestId != null ? requestId : UUID.randomUUID().toString();
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        if (accept != null) {
            headers.put("accept", accept);
        }
        headers.put("x-mlgate-request-id", id);
        return attempt(body, headers, deadline, 0, new HashSet<>(), null)
                .whenComplete((r, e) -> completed.incrementAndGet());
    }

    private CompletableFuture<InvocationResult> attempt(byte[] body, Map<String, String> headers, long deadline,
                                                        int attempt, Set<String> tried, String lastFailure) {
        long left = deadline - System.nanoTime();
        Slot slot = closed ? null : pick(tried);
        if (slot == null || left <= 0) {
            String why = closed ? "variant " + variant + " has been unloaded"
                    : lastFailure != null ? "no instance of variant " + variant + " could answer (last: "
                    + lastFailure + ")"
                    : "no instance of variant " + variant + " is serving on a healthy runtime node";
            return CompletableFuture.failedFuture(new ModelInvocationException(why));
        }
        int attemptsLeft = owner.settings.invokeRetries() - attempt + 1;
        Duration timeout = Duration.ofNanos(Math.max(left / Math.max(1, attemptsLeft), 1_000_000));
        tried.add(slot.node.name());
        slot.inFlight.incrementAndGet();
        CompletableFuture<NodeClient.Answer> sent;
        try {
            sent = slot.node.client().send(encrypted, HttpMethod.POST, "/v1/placements/" + key + "/invocations",
                    body, headers, timeout).toFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((answer, error) -> {
            slot.inFlight.decrementAndGet();
            String nodeFailure;
            if (error == null && answer.status() != 404 && answer.status() != 503) {
                slot.node.countAnswered();
            } else {
                slot.node.countFailedAttempt();
            }
            if (error != null) {
                if (!NodeFailures.nodeLevel(error)) {
                    return CompletableFuture.<InvocationResult>failedFuture(new ModelInvocationException(
                            "the runtime node failed: " + NodeFailures.describe(error)));
                }
                nodeFailure = "node " + slot.node.name() + ": " + NodeFailures.describe(error);
            } else {
                int status = answer.status();
                if (status == 200) {
                    return CompletableFuture.completedFuture(result(answer));
                }
                String message = message(answer);
                switch (status) {
                    case 400:
                        return CompletableFuture.<InvocationResult>failedFuture(new InvalidInputException(message));
                    case 424:
                        return CompletableFuture.<InvocationResult>failedFuture(
                                new ModelInvocationException(message));
                    case 429:
                        return CompletableFuture.<InvocationResult>failedFuture(
                                new BusyException(BusyException.THROTTLING, message));
                    case 404:
                        // the node no longer has the placement (it dropped it): place those instances again
                        owner.later(() -> placementMissing(slot));
                        nodeFailure = "node " + slot.node.name() + ": " + status;
                        break;
                    case 503:
                        nodeFailure = "node " + slot.node.name() + ": " + status;
                        break;
                    default:
                        return CompletableFuture.<InvocationResult>failedFuture(new ModelInvocationException(
                                "the runtime node answered " + status));
                }
            }
            suspect(slot);
            if (attempt >= owner.settings.invokeRetries()) {
                return CompletableFuture.<InvocationResult>failedFuture(new ModelInvocationException(
                        "no instance of variant " + variant + " could answer (last: " + nodeFailure + ")"));
            }
            return attempt(body, headers, deadline, attempt + 1, tried, nodeFailure);
        }).thenCompose(f -> f);
    }

    private InvocationResult result(NodeClient.Answer answer) {
        String type = answer.header("content-type");
        long latency = 0;
        String ns = answer.header("x-mlgate-model-latency-ns");
        if (ns != null) {
            try {
                latency = Math.max(0, Long.parseLong(ns.trim()));
            } catch (NumberFormatException e) {
                latency = 0;
            }
        }
        return new InvocationResult(answer.body(), type == null ? "application/octet-stream" : type, variant,
                latency);
    }

    private static String message(NodeClient.Answer answer) {
        try {
            ClusterError e = ClusterJson.read(answer.body(), ClusterError.class);
            if (e.message() != null) {
                return e.message();
            }
        } catch (IllegalArgumentException e) {
            // not an error body: say what status it was
        }
        return "the runtime node answered " + answer.status();
    }

    private void suspect(Slot slot) {
        slot.suspectUntil = System.nanoTime() + owner.settings.healthInterval().toNanos();
        owner.health.suspect(slot.node);
    }

    /**
     * The READY placement on a healthy node not yet tried with the fewest calls in flight per instance, starting the
     * scan at a rotating position so equals take turns; suspect placements only if nothing else is left.
     */
    private Slot pick(Set<String> tried) {
        List<Slot> candidates = new ArrayList<>();
        for (Slot s : slots.values()) {
            if (s.ready && s.node.healthy() && !tried.contains(s.node.name())) {
                candidates.add(s);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        candidates.sort(Comparator.comparing(s -> s.node.name()));
        long now = System.nanoTime();
        int n = candidates.size();
        int start = Math.floorMod(roundRobin.getAndIncrement(), n);
        Slot best = null;
        boolean bestSuspect = true;
        double bestScore = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Slot s = candidates.get((start + i) % n);
            boolean suspect = s.suspectUntil - now > 0;
            double score = s.inFlight.get() / (double) Math.max(1, s.instances);
            if (best == null || (bestSuspect && !suspect) || (suspect == bestSuspect && score < bestScore)) {
                best = s;
                bestSuspect = suspect;
                bestScore = score;
            }
        }
        return best;
    }

    // ---- placement ----

    /** A node is lost: its placement is gone from routing; place its instances on others (another zone first). */
    void nodeLost(ClusterNode node) {
        changing.lock();
        try {
            Slot s = slots.remove(node.name());
            if (s != null) {
                retireGrants(s);
            }
            if (!closed) {
                reconcile(Set.of(node.zone()));
            }
        } finally {
            changing.unlock();
        }
    }

    /** A node answered 404 PlacementNotFound for {@code slot}: forget it (grants retired) and place again. */
    void placementMissing(Slot slot) {
        changing.lock();
        try {
            if (closed || slots.get(slot.node.name()) != slot) {
                return;
            }
            slots.remove(slot.node.name());
            retireGrants(slot);
            reconcile(Set.of());
        } finally {
            changing.unlock();
        }
    }

    /** A node is back: if it restarted its placement is gone; rebalance onto it. */
    void nodeBack(ClusterNode node, boolean restarted) {
        changing.lock();
        try {
            Slot s = slots.get(node.name());
            if (s != null && (restarted || !Objects.equals(s.bootId, node.bootId()))) {
                slots.remove(node.name());
                retireGrants(s);
            }
            if (!closed) {
                reconcile(Set.of());
            }
        } finally {
            changing.unlock();
        }
    }

    /**
     * Brings the placements to {@code target} instances spread over the eligible healthy nodes: drops placements on
     * nodes that are gone, adds missing instances, moves instances to balance zones and nodes, removes surplus.
     *
     * @param avoidZones zones to use only if no other has an eligible node (a zone that just lost a node)
     * @return why instances are missing, or null
     */
    String reconcile(Set<String> avoidZones) {
        changing.lock();
        try {
            if (closed) {
                return "the variant has been removed.";
            }
            for (Slot s : List.copyOf(slots.values())) {
                if (s.node.state() == ClusterNode.State.UNHEALTHY
                        || (s.node.bootId() != null && !s.node.bootId().equals(s.bootId))) {
                    slots.remove(s.node.name());
                    retireGrants(s);
                }
            }
            List<ClusterNode> eligible = eligible();
            if (eligible.isEmpty()) {
                return noNodeReason();
            }
            Set<String> failedNodes = new HashSet<>();
            String lastFailure = null;
            while (placedCount() < target) {
                ClusterNode to = choose(eligible, avoidZones, failedNodes);
                if (to == null) {
                    break;
                }
                String failure = setInstances(to, instancesOn(to.name()) + 1);
                if (failure != null) {
                    failedNodes.add(to.name());
                    lastFailure = failure;
                }
            }
            rebalance(eligible, failedNodes);
            while (placedCount() > target) {
                Slot donor = donor(eligible);
                if (donor == null) {
                    break;
                }
                setInstances(donor.node, donor.instances - 1);
            }
            if (placedCount() < target) {
                return lastFailure != null ? lastFailure : "only " + placedCount() + " of " + target
                        + " instances could be placed on the healthy runtime nodes.";
            }
            return null;
        } finally {
            changing.unlock();
        }
    }

    private String noNodeReason() {
        if (isolation) {
            return "the model has EnableNetworkIsolation and no healthy runtime node is isolated (a node in a subnet "
                    + "with no route out, registered as isolated).";
        }
        if (encrypted) {
            return "inter-node traffic encryption is required and no healthy runtime node can be reached with "
                    + "mutual TLS.";
        }
        return "no healthy runtime node can host it (" + owner.registry.nodes().size() + " known).";
    }

    private List<ClusterNode> eligible() {
        List<ClusterNode> out = new ArrayList<>();
        for (ClusterNode n : owner.registry.healthy()) {
            if ((!isolation || n.isolated()) && n.client().canReach(encrypted)) {
                out.add(n);
            }
        }
        return out;
    }

    private int placedCount() {
        int sum = 0;
        for (Slot s : slots.values()) {
            if (s.ready) {
                sum += s.instances;
            }
        }
        return sum;
    }

    private Map<String, Integer> zoneCounts(List<ClusterNode> eligible) {
        Map<String, Integer> zones = new LinkedHashMap<>();
        for (ClusterNode n : eligible) {
            zones.merge(n.zone(), instancesOn(n.name()), Integer::sum);
        }
        return zones;
    }

    /** The next node for one more instance: the zone with fewest (not avoided first), then the least-loaded node. */
    private ClusterNode choose(List<ClusterNode> eligible, Set<String> avoidZones, Set<String> excluded) {
        Map<String, Integer> zones = zoneCounts(eligible);
        List<String> order = new ArrayList<>(zones.keySet());
        order.sort(Comparator.<String>comparingInt(z -> avoidZones.contains(z) ? 1 : 0)
                .thenComparingInt(zones::get).thenComparing(z -> z));
        for (String zone : order) {
            ClusterNode best = null;
            for (ClusterNode n : eligible) {
                if (!n.zone().equals(zone) || excluded.contains(n.name())) {
                    continue;
                }
                if (best == null || compareLoad(n, best) < 0) {
                    best = n;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    private int compareLoad(ClusterNode a, ClusterNode b) {
        int c = Integer.compare(instancesOn(a.name()), instancesOn(b.name()));
        if (c == 0) {
            c = Integer.compare(owner.load(a.name()), owner.load(b.name()));
        }
        return c != 0 ? c : a.name().compareTo(b.name());
    }

    /** The placement to take an instance from: most instances in the zone with the most. */
    private Slot donor(List<ClusterNode> eligible) {
        Map<String, Integer> zones = zoneCounts(eligible);
        Slot best = null;
        for (Slot s : slots.values()) {
            if (!s.ready || s.instances < 1) {
                continue;
            }
            if (best == null) {
                best = s;
                continue;
            }
            int c = Integer.compare(zones.getOrDefault(s.node.zone(), 0), zones.getOrDefault(best.node.zone(), 0));
            if (c == 0) {
                c = Integer.compare(s.instances, best.instances);
            }
            if (c > 0) {
                best = s;
            }
        }
        return best;
    }

    /** Moves single instances while a zone has 2 more than another, or a node 2 more than another in its zone. */
    private void rebalance(List<ClusterNode> eligible, Set<String> failedNodes) {
        for (int guard = 0; guard < 2 * target + 2; guard++) {
            Map<String, Integer> zones = zoneCounts(eligible);
            ClusterNode to = choose(eligible, Set.of(), failedNodes);
            Slot from = donor(eligible);
            if (to == null || from == null || from.node == to) {
                return;
            }
            boolean move = zones.get(from.node.zone()) - zones.get(to.zone()) >= 2
                    || (from.node.zone().equals(to.zone()) && from.instances - instancesOn(to.name()) >= 2);
            if (!move) {
                // within the donor's zone, nodes may still differ by two or more
                Slot sameZoneFrom = from;
                ClusterNode sameZoneTo = null;
                for (ClusterNode n : eligible) {
                    if (n.zone().equals(from.node.zone()) && !failedNodes.contains(n.name())
                            && (sameZoneTo == null || compareLoad(n, sameZoneTo) < 0)) {
                        sameZoneTo = n;
                    }
                }
                if (sameZoneTo == null || sameZoneFrom.instances - instancesOn(sameZoneTo.name()) < 2) {
                    return;
                }
                to = sameZoneTo;
            }
            String failure = setInstances(to, instancesOn(to.name()) + 1);
            if (failure != null) {
                failedNodes.add(to.name());
                continue;
            }
            setInstances(from.node, from.instances - 1);
        }
    }

    /**
     * Makes {@code node} hold {@code count} instances: a new placement (grants, then PUT), a changed count (PUT
     * again), or removal at 0 (DELETE, then the grants are retired).
     *
     * @return null if done, else why not
     */
    private String setInstances(ClusterNode node, int count) {
        Slot s = slots.get(node.name());
        if (count <= 0) {
            if (s != null) {
                slots.remove(node.name());
                remove(s);
            }
            return null;
        }
        List<Grant> made = new ArrayList<>();
        if (s == null) {
            try {
                Set<String> seen = new HashSet<>();
                for (Artifact a : artifacts) {
                    if (seen.add(a.keyId() + "|" + a.context())) {
                        made.add(new Grant(a.keyId(), owner.grants.create(roleArn, node.name(), a.keyId(),
                                a.context())));
                    }
                }
            } catch (NodeGrants.GrantException e) {
                made.forEach(g -> owner.grants.retire(roleArn, g.keyId(), g.grantId()));
                return "the execution role " + roleArn + " could not grant runtime node " + node.name()
                        + " the model's data key (" + e.code() + ").";
            }
        }
        Put result = put(node, count);
        if (result.failure() != null) {
            made.forEach(g -> owner.grants.retire(roleArn, g.keyId(), g.grantId()));
            return result.failure();
        }
        if (s == null) {
            Slot added = new Slot(node, node.bootId(), List.copyOf(made), count);
            added.ready = true;
            slots.put(node.name(), added);
            return null;
        }
        if (result.instances() == count) {
            s.instances = count;
            return null;
        }
        // the node kept its count (a node that does not resize placements): remove the placement and load it again
        // with the new count; its calls meanwhile go to other instances
        s.ready = false;
        slots.remove(node.name());
        delete(s);
        Put again = put(node, count);
        if (again.failure() != null) {
            retireGrants(s);
            return again.failure();
        }
        Slot replaced = new Slot(node, node.bootId(), s.grants, count);
        replaced.ready = true;
        slots.put(node.name(), replaced);
        return null;
    }

    /** The answer to a PUT: why it failed (null if it did not) and the instances the node reports. */
    private record Put(String failure, int instances) {
    }

    private Put put(ClusterNode node, int count) {
        List<PlacedContainer> containers = new ArrayList<>();
        for (Artifact a : artifacts) {
            containers.add(new PlacedContainer(a.name(), a.hostname(), Base64.getEncoder().encodeToString(a.bytes())));
        }
        byte[] body = ClusterJson.write(new PlacementRequest(endpoint, variant, roleArn, count,
                owner.queuePerWorker, containers));
        try {
            NodeClient.Answer answer = node.client().send(encrypted, HttpMethod.PUT, "/v1/placements/" + key, body,
                    Map.of("content-type", "application/json"), PLACE_TIMEOUT).block();
            if (answer != null && answer.status() == 200) {
                int reported = count;
                try {
                    reported = ClusterJson.read(answer.body(), PlacementStatus.class).instances();
                } catch (IllegalArgumentException e) {
                    // a 200 without a status body: take the count as asked
                }
                return new Put(null, reported);
            }
            return new Put("runtime node " + node.name() + " could not load the model: "
                    + (answer == null ? "no answer" : message(answer)), 0);
        } catch (RuntimeException e) {
            return new Put("runtime node " + node.name() + " could not be reached (" + NodeFailures.describe(e)
                    + ").", 0);
        }
    }

    private void delete(Slot s) {
        try {
            s.node.client().send(encrypted, HttpMethod.DELETE, "/v1/placements/" + key, null, Map.of(),
                    REMOVE_TIMEOUT).block();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "placement " + key + " on " + s.node.name() + " not removed ("
                    + NodeFailures.describe(e) + ")");
        }
    }

    /** DELETE the placement (its queued calls finish first), then retire its grants. */
    private void remove(Slot s) {
        s.ready = false;
        delete(s);
        retireGrants(s);
    }

    private void retireGrants(Slot s) {
        for (Grant g : s.grants) {
            owner.grants.retire(roleArn, g.keyId(), g.grantId());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        owner.forget(this);
        List<Slot> all = List.copyOf(slots.values());
        slots.clear();
        for (Slot s : all) {
            s.ready = false;
        }
        owner.later(() -> all.forEach(this::remove));
    }

    @Override
    public String toString() {
        return "PlacedVariant[" + key + ", " + distribution() + "]";
    }
}
