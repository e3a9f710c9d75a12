package io.mlgate.autoscaling;

import static io.mlgate.protocol.json.StoredJson.array;
import static io.mlgate.protocol.json.StoredJson.bool;
import static io.mlgate.protocol.json.StoredJson.integer;
import static io.mlgate.protocol.json.StoredJson.number;
import static io.mlgate.protocol.json.StoredJson.text;
import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The persistent state of Application Auto Scaling in {@code <dataDir>/autoscaling/state.json}: scalable targets,
 * their target-tracking policies and the last {@code activitiesPerTarget} scaling activities of each target, all keyed
 * by {@link VariantResource#key}. Every change is written atomically (temporary file, fsync, rename, directory fsync)
 * before it becomes visible; a file that cannot be read fails {@link #open} loudly and is never replaced by an empty
 * state. Thread-safe: reads take no lock, writes are serialized.
 */
public final class AutoscalingState {

    public static final String FOLDER = "autoscaling";
    public static final String FILE = "state.json";

    private static final String FORMAT = "mlgate-autoscaling-state";
    private static final int VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** An immutable view of everything held; lists are in creation order (activities: oldest first). */
    public record Snapshot(Map<String, ScalableTarget> targets, Map<String, List<TargetTrackingPolicy>> policies,
                           Map<String, List<ScalingActivity>> activities) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of());

        public Snapshot {
            targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
            policies = frozen(policies);
            activities = frozen(activities);
        }

        public List<TargetTrackingPolicy> policiesOf(String key) {
            return policies.getOrDefault(key, List.of());
        }

        public List<ScalingActivity> activitiesOf(String key) {
            return activities.getOrDefault(key, List.of());
        }

        private static <T> Map<String, List<T>> frozen(Map<String, List<T>> m) {
            Map<String, List<T>> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (!v.isEmpty()) {
                    out.put(k, List.copyOf(v));
                }
            });
            return Collections.unmodifiableMap(out);
        }
    }

    /** A change made under the write lock. */
    public interface Work<T> {
        T apply(Changes changes) throws JsonServiceException;
    }

    /** The state as one write sees it; its changes become visible only if the whole write succeeds and is persisted. */
    public static final class Changes {
        private final Map<String, ScalableTarget> targets;
        private final Map<String, List<TargetTrackingPolicy>> policies = new LinkedHashMap<>();
        private final Map<String, List<ScalingActivity>> activities = new LinkedHashMap<>();
        private boolean changed;

        private Changes(Snapshot s) {
            targets = new LinkedHashMap<>(s.targets());
            s.policies().forEach((k, v) -> policies.put(k, new ArrayList<>(v)));
            s.activities().forEach((k, v) -> activities.put(k, new ArrayList<>(v)));
        }

        public ScalableTarget target(String key) {
            return targets.get(key);
        }

        public long targetCount(String accountId) {
            return targets.values().stream().filter(t -> t.accountId().equals(accountId)).count();
        }

        public void put(ScalableTarget t) {
            targets.put(t.key(), t);
            changed = true;
        }

        /** Removes a target with its policies and activities. */
        public void removeTarget(String key) {
            changed |= targets.remove(key) != null;
            changed |= policies.remove(key) != null;
            changed |= activities.remove(key) != null;
        }

        public List<TargetTrackingPolicy> policies(String key) {
            return List.copyOf(policies.getOrDefault(key, List.of()));
        }

        /** Adds a policy, or replaces the target's policy of the same name in place. */
        public void put(TargetTrackingPolicy p) {
            List<TargetTrackingPolicy> list = policies.computeIfAbsent(p.key(), k -> new ArrayList<>());
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).name().equals(p.name())) {
                    list.set(i, p);
                    changed = true;
                    return;
                }
            }
            list.add(p);
            changed = true;
        }

        public boolean removePolicy(String key, String name) {
            List<TargetTrackingPolicy> list = policies.get(key);
            boolean removed = list != null && list.removeIf(p -> p.name().equals(name));
            if (list != null && list.isEmpty()) {
                policies.remove(key);
            }
            changed |= removed;
            return removed;
        }

        /** Records an activity, keeping only the newest {@code keep} of its target. */
        public void add(ScalingActivity a, int keep) {
            List<ScalingActivity> list = activities.computeIfAbsent(a.key(), k -> new ArrayList<>());
            list.add(a);
            while (list.size() > keep) {
                list.remove(0);
            }
            changed = true;
        }
    }

    private final Path file;
    private final Object writeLock = new Object();
    private volatile Snapshot snapshot;

    private AutoscalingState(Path file, Snapshot snapshot) {
        this.file = file;
        this.snapshot = snapshot;
    }

    /**
     * Opens the state under {@code dataDir} ({@code autoscaling/state.json}; empty if the file does not exist yet).
     *
     * @throws IOException if the file cannot be read or is not a valid state file (never silently emptied)
     */
    public static AutoscalingState open(Path dataDir) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.resolve(FOLDER);
        AtomicFileWriter.ensurePrivateDirectory(dir);
        Path file = dir.resolve(FILE);
        return new AutoscalingState(file, Files.exists(file) ? read(file) : Snapshot.EMPTY);
    }

    public Path file() {
        return file;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Runs {@code work} under the write lock; if it changed anything, persists the result, then publishes it.
     *
     * @throws UncheckedIOException if the change could not be persisted (nothing changes then)
     */
    public <T> T write(Work<T> work) throws JsonServiceException {
        synchronized (writeLock) {
            Changes changes = new Changes(snapshot);
            T result = work.apply(changes);
            if (changes.changed) {
                Snapshot next = new Snapshot(changes.targets, changes.policies, changes.activities);
                try {
                    AtomicFileWriter.replace(file, serialize(next));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not persist " + file, e);
                }
                snapshot = next;
            }
            return result;
        }
    }

    // ------------------------------------------------------------------ serialization

    static byte[] serialize(Snapshot s) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        ArrayNode targets = doc.putArray("scalableTargets");
        for (ScalableTarget t : s.targets().values()) {
            ObjectNode n = targets.addObject();
            n.put("accountId", t.accountId());
            n.put("resourceId", t.resourceId());
            n.put("minCapacity", t.minCapacity());
            n.put("maxCapacity", t.maxCapacity());
            n.put("roleArn", t.roleArn());
            n.put("creationTime", t.creationTime().toEpochMilli());
            n.put("dynamicScalingInSuspended", t.suspended().dynamicScalingInSuspended());
            n.put("dynamicScalingOutSuspended", t.suspended().dynamicScalingOutSuspended());
            n.put("scheduledScalingSuspended", t.suspended().scheduledScalingSuspended());
            n.put("arn", t.arn());
            putTime(n, "lastScaleOut", t.lastScaleOut());
            putTime(n, "lastScaling", t.lastScaling());
        }
        ArrayNode policies = doc.putArray("scalingPolicies");
        s.policies().values().forEach(list -> list.forEach(p -> {
            ObjectNode n = policies.addObject();
            n.put("accountId", p.accountId());
            n.put("resourceId", p.resourceId());
            n.put("name", p.name());
            n.put("arn", p.arn());
            n.put("targetValue", p.targetValue());
            n.put("metricType", p.metricType());
            if (p.scaleOutCooldown() != null) {
                n.put("scaleOutCooldown", p.scaleOutCooldown());
            }
            if (p.scaleInCooldown() != null) {
                n.put("scaleInCooldown", p.scaleInCooldown());
            }
            if (p.disableScaleIn() != null) {
                n.put("disableScaleIn", p.disableScaleIn());
            }
            n.put("creationTime", p.creationTime().toEpochMilli());
            n.put("alarmHighId", p.alarmHighId());
            n.put("alarmLowId", p.alarmLowId());
        }));
        ArrayNode activities = doc.putArray("scalingActivities");
        s.activities().values().forEach(list -> list.forEach(a -> {
            ObjectNode n = activities.addObject();
            n.put("activityId", a.activityId());
            n.put("accountId", a.accountId());
            n.put("resourceId", a.resourceId());
            n.put("description", a.description());
            n.put("cause", a.cause());
            n.put("startTime", a.startTime().toEpochMilli());
            putTime(n, "endTime", a.endTime());
            n.put("statusCode", a.statusCode());
            if (a.statusMessage() != null) {
                n.put("statusMessage", a.statusMessage());
            }
        }));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    private static Snapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            JsonNode doc = JSON.readTree(bytes);
            if (doc == null || !doc.isObject() || !FORMAT.equals(text(doc, "format"))) {
                throw new IOException("corrupt autoscaling state file " + file + ": not a " + FORMAT + " document");
            }
            if (integer(doc, "version") != VERSION) {
                throw new IOException("autoscaling state file " + file + " has unsupported version "
                        + doc.get("version"));
            }
            Map<String, ScalableTarget> targets = new LinkedHashMap<>();
            for (JsonNode n : array(doc, "scalableTargets")) {
                ScalableTarget t = new ScalableTarget(text(n, "accountId"), text(n, "resourceId"),
                        integer(n, "minCapacity"), integer(n, "maxCapacity"), text(n, "roleArn"),
                        time(n, "creationTime"), new SuspendedState(bool(n, "dynamicScalingInSuspended"),
                        bool(n, "dynamicScalingOutSuspended"), bool(n, "scheduledScalingSuspended")),
                        text(n, "arn"), optionalTime(n, "lastScaleOut"), optionalTime(n, "lastScaling"));
                if (targets.put(t.key(), t) != null) {
                    throw new IllegalArgumentException("duplicate scalable target " + t.resourceId());
                }
            }
            Map<String, List<TargetTrackingPolicy>> policies = new LinkedHashMap<>();
            for (JsonNode n : array(doc, "scalingPolicies")) {
                TargetTrackingPolicy p = new TargetTrackingPolicy(text(n, "accountId"), text(n, "resourceId"),
                        text(n, "name"), text(n, "arn"), number(n, "targetValue"), text(n, "metricType"),
                        optionalInteger(n, "scaleOutCooldown"), optionalInteger(n, "scaleInCooldown"),
                        n.has("disableScaleIn") ? bool(n, "disableScaleIn") : null, time(n, "creationTime"),
                        text(n, "alarmHighId"), text(n, "alarmLowId"));
                if (!targets.containsKey(p.key())) {
                    throw new IllegalArgumentException("scaling policy " + p.name() + " has no scalable target");
                }
                List<TargetTrackingPolicy> list = policies.computeIfAbsent(p.key(), k -> new ArrayList<>());
                if (list.stream().anyMatch(q -> q.name().equals(p.name()))) {
                    throw new IllegalArgumentException("duplicate scaling policy " + p.name());
                }
                list.add(p);
            }
            Map<String, List<ScalingActivity>> activities = new LinkedHashMap<>();
            for (JsonNode n : array(doc, "scalingActivities")) {
                ScalingActivity a = new ScalingActivity(text(n, "activityId"), text(n, "accountId"),
                        text(n, "resourceId"), text(n, "description"), text(n, "cause"), time(n, "startTime"),
                        optionalTime(n, "endTime"), text(n, "statusCode"),
                        n.has("statusMessage") ? text(n, "statusMessage") : null);
                activities.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(a);
            }
            return new Snapshot(targets, policies, activities);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new IOException("corrupt autoscaling state file " + file + ": "
                    + (e instanceof JacksonException ? "not valid JSON" : e.getMessage()), e);
        }
    }

    private static void putTime(ObjectNode n, String field, Instant t) {
        if (t != null) {
            n.put(field, t.toEpochMilli());
        }
    }

    private static Integer optionalInteger(JsonNode n, String field) {
        return n.has(field) ? integer(n, field) : null;
    }

    private static Instant time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("missing time " + field);
        }
        return Instant.ofEpochMilli(v.longValue());
    }

    private static Instant optionalTime(JsonNode n, String field) {
        return n.has(field) ? time(n, field) : null;
    }
}
