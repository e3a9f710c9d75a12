package io.mlgate.cluster.node;

import io.mlgate.cluster.wire.PlacedContainer;
import io.mlgate.cluster.wire.PlacementRequest;
import io.mlgate.cluster.wire.PlacementStatus;
import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.runtime.ArtifactEndpoints;
import io.mlgate.runtime.InvalidModelException;
import io.mlgate.runtime.OnnxModel;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.VariantModel;
import io.mlgate.runtime.VariantSessions;
import io.mlgate.runtime.VariantWorkers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The variants placed on this node, by placement key ({@code ENDPOINT.VARIANT.GENERATION}). A placement decodes each
 * container's artifact (still envelope-encrypted), opens it with {@link io.mlgate.kms.artifact.ModelArtifacts}
 * through the {@link DataKeys} of the placement's execution role (on a node: {@link GatewayDataKeys}), builds
 * {@code instances} copies of the model ({@link VariantSessions}: a pipeline when there are several containers) and
 * runs them as {@link VariantWorkers}. Placing a key that is already placed (or loading) answers that placement
 * (idempotent). Loads block the calling thread: callers use their own executor, never an event loop. Thread-safe.
 *
 * <p>A container's {@code name} is the model store name of its artifact (what {@code ModelDataUrl} names,
 * {@code UploadedModels.nameOf}); its data key is bound to that name's encryption context {@code {"model": NAME}}, as
 * in the gateway's store, so an artifact cannot be placed under another model's name.
 */
public final class Placements implements AutoCloseable {

    /** The most instances one placement may ask for. */
    public static final int MAX_INSTANCES = 64;
    /** The most queued calls per instance one placement may ask for. */
    public static final int MAX_QUEUE_PER_WORKER = 4096;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,254}");
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws:iam::[0-9]{12}:role/(?:[\\x21-\\x7E]*/)?[\\w+=,.@-]{1,64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Placements.class);

    private final Function<String, DataKeys> roleKeys;
    private final ConcurrentHashMap<String, CompletableFuture<Placement>> placements = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param roleKeys the data keys of an execution role ARN */
    public Placements(Function<String, DataKeys> roleKeys) {
        this.roleKeys = Objects.requireNonNull(roleKeys, "roleKeys");
    }

    /** Whether {@code key} is a valid placement key. */
    public static boolean validKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /**
     * Why {@code request} cannot be placed before anything is decrypted (a 400), or null if it can be tried.
     */
    public static String refusal(PlacementRequest request) {
        if (request.endpoint() == null || !NAME.matcher(request.endpoint()).matches()) {
            return "endpoint must be 1-63 letters, digits or inner hyphens";
        }
        if (request.variant() == null || !NAME.matcher(request.variant()).matches()) {
            return "variant must be 1-63 letters, digits or inner hyphens";
        }
        if (request.executionRoleArn() == null || !ROLE_ARN.matcher(request.executionRoleArn()).matches()) {
            return "executionRoleArn must be an IAM role ARN";
        }
        if (request.instances() < 1 || request.instances() > MAX_INSTANCES) {
            return "instances must be 1-" + MAX_INSTANCES;
        }
        if (request.queuePerWorker() < 1 || request.queuePerWorker() > MAX_QUEUE_PER_WORKER) {
            return "queuePerWorker must be 1-" + MAX_QUEUE_PER_WORKER;
        }
        if (request.containers() == null || request.containers().isEmpty()) {
            return "containers must hold at least one container";
        }
        for (PlacedContainer c : request.containers()) {
            if (c == null || c.name() == null || !UploadedModels.validName(c.name())) {
                return "each container's name must be a model name (1-63 letters, digits or inner hyphens)";
            }
            if (c.hostname() != null && !NAME.matcher(c.hostname()).matches()) {
                return "container " + c.name() + ": hostname must be 1-63 letters, digits or inner hyphens";
            }
            if (c.artifact() == null || c.artifact().isEmpty()) {
                return "container " + c.name() + ": artifact is missing";
            }
        }
        return null;
    }

    /**
     * Places the variant (or answers the placement already under {@code key}); blocks until it serves.
     *
     * @throws LoadFailure with the reason, if it cannot be loaded (nothing is left open or registered)
     * @throws IllegalArgumentException if {@link #refusal} refuses the request or the key is invalid
     * @throws IllegalStateException if the node is shutting down
     */
    public PlacementStatus place(String key, PlacementRequest request) throws LoadFailure {
        if (!validKey(key)) {
            throw new IllegalArgumentException("invalid placement key");
        }
        String why = refusal(request);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        if (closed) {
            throw new IllegalStateException("the node is shutting down");
        }
        CompletableFuture<Placement> mine = new CompletableFuture<>();
        CompletableFuture<Placement> existing = placements.putIfAbsent(key, mine);
        if (existing != null) {
            Placement placed = await(existing);
            resize(placed, request);
            return placed.status();
        }
        try {
            Placement p = load(key, request);
            if (closed) {
                p.close();
                throw new IllegalStateException("the node is shutting down");
            }
            mine.complete(p);
            LOG.info("placement " + key + " loaded: endpoint " + request.endpoint()
                    + ", variant " + request.variant() + ", " + request.instances() + " instance(s), "
                    + request.containers().size() + " container(s), execution role " + request.executionRoleArn());
            return p.status();
        } catch (LoadFailure | RuntimeException e) {
            placements.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static Placement await(CompletableFuture<Placement> future) throws LoadFailure {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof LoadFailure f) {
                throw new LoadFailure(f.getMessage());
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * A PUT of an existing placement with another instance count resizes it: more instances are loaded from the
     * request's artifacts (their data keys decrypted again under the node's grant), fewer are removed after their
     * queued calls. Resizes of one placement run one at a time.
     */
    private void resize(Placement placed, PlacementRequest request) throws LoadFailure {
        synchronized (placed) {
            int now = placed.instances();
            int wanted = request.instances();
            if (wanted < now) {
                placed.shrink(now - wanted);
                LOG.info("placement " + placed.key() + " resized: " + now + " -> " + wanted + " instance(s)");
            } else if (wanted > now) {
                List<VariantModel> added = sessions(request, wanted - now);
                placed.grow(added);
                LOG.info("placement " + placed.key() + " resized: " + now + " -> " + wanted + " instance(s)");
            }
        }
    }

    private List<VariantModel> sessions(PlacementRequest request, int count) throws LoadFailure {
        DataKeys keys;
        try {
            keys = roleKeys.apply(request.executionRoleArn());
        } catch (RuntimeException e) {
            throw new LoadFailure("the execution role " + request.executionRoleArn() + " is unusable");
        }
        List<VariantSessions.Container<LoadFailure>> containers = new ArrayList<>();
        for (PlacedContainer c : request.containers()) {
            String step = c.hostname() != null ? c.hostname() : c.name();
            containers.add(new VariantSessions.Container<>(step,
                    n -> loadContainer(c, request.executionRoleArn(), keys, n)));
        }
        try {
            return VariantSessions.load(containers, count);
        } catch (InvalidModelException e) {
            throw new LoadFailure("the containers are not a valid inference pipeline: " + e.getMessage());
        }
    }

    private Placement load(String key, PlacementRequest request) throws LoadFailure {
        List<VariantModel> sessions = sessions(request, request.instances());
        VariantWorkers workers = new VariantWorkers(request.endpoint() + "/" + request.variant() + "@" + key,
                sessions, request.queuePerWorker());
        return new Placement(key, request.endpoint(), request.variant(), sessions.get(0), workers);
    }

    private static List<OnnxModel> loadContainer(PlacedContainer c, String role, DataKeys keys, int count)
            throws LoadFailure {
        String at = "container " + c.name();
        byte[] artifact;
        try {
            artifact = Base64.getDecoder().decode(c.artifact());
        } catch (IllegalArgumentException e) {
            throw new LoadFailure(at + ": the artifact is not base64");
        }
        try {
            return UploadedModels.copiesOf(new ByteArrayInputStream(artifact), c.name(), keys,
                    ArtifactEndpoints.MAX_MODEL_BYTES, count).sessions();
        } catch (ArtifactException e) {
            String why = ArtifactEndpoints.keyRefusal(e)
                    .map(code -> "the key service refused the data key to execution role " + role + " (" + code
                            + ")")
                    .orElse("the artifact is not valid (" + e.reason() + ")");
            throw new LoadFailure(at + ": " + why);
        } catch (InvalidModelException e) {
            throw new LoadFailure(at + ": " + e.getMessage());
        } catch (IOException e) {
            throw new LoadFailure(at + ": the artifact cannot be read");
        } finally {
            Arrays.fill(artifact, (byte) 0);
        }
    }

    /** Registers an already loaded placement (tests of the data port with models they control). */
    void putLoadedForTests(Placement placement) {
        if (placements.putIfAbsent(placement.key(), CompletableFuture.completedFuture(placement)) != null) {
            throw new IllegalStateException("placement " + placement.key() + " exists");
        }
    }

    /** The placement serving under {@code key}, if it is loaded. */
    public Optional<Placement> find(String key) {
        CompletableFuture<Placement> f = placements.get(key);
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return Optional.empty();
        }
        return Optional.of(f.join());
    }

    /**
     * Removes the placement: new calls no longer find it, queued calls finish, then its models close. A placement
     * still loading is waited for first, so a DELETE that overtakes its PUT still removes it. Blocks.
     *
     * @return the removed placement, or empty if none was placed under {@code key} (or its load failed)
     */
    public Optional<Placement> remove(String key) {
        CompletableFuture<Placement> f = placements.get(key);
        if (f == null) {
            return Optional.empty();
        }
        Placement p;
        try {
            p = f.join();
        } catch (CompletionException e) {
            return Optional.empty();
        }
        if (!placements.remove(key, f)) {
            return Optional.empty();
        }
        p.close();
        return Optional.of(p);
    }

    /** Every placement, loading or ready. */
    public List<PlacementStatus> statuses() {
        List<PlacementStatus> all = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Placement>> e : placements.entrySet()) {
            CompletableFuture<Placement> f = e.getValue();
            if (!f.isDone()) {
                all.add(new PlacementStatus(e.getKey(), "LOADING", 0, 0));
            } else if (!f.isCompletedExceptionally()) {
                all.add(f.join().status());
            }
        }
        all.sort((a, b) -> a.key().compareTo(b.key()));
        return all;
    }

    /** Calls in flight on every placement. */
    public int inFlight() {
        int n = 0;
        for (CompletableFuture<Placement> f : placements.values()) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                n += f.join().inFlight();
            }
        }
        return n;
    }

    /** Closes every placement (after their queued calls); later placements are refused. */
    @Override
    public void close() {
        closed = true;
        for (String key : List.copyOf(placements.keySet())) {
            remove(key);
        }
    }
}
