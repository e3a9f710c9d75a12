package io.mlgate.cluster.gateway;

import io.mlgate.kms.artifact.ArtifactHeader;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.RemoteVariant;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.VariantPlacement;
import io.mlgate.sagemaker.ContainerDefinition;
import io.mlgate.sagemaker.DeploymentPlan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Places production variants on runtime nodes: a variant's instances are spread across zones (round-robin over the
 * zones of the eligible healthy nodes, the least-loaded node within a zone); a variant with network isolation goes
 * only to isolated nodes; an endpoint that needs encrypted traffic only to nodes reachable with mutual TLS. For each
 * node it uses, the execution role grants that node Decrypt of the artifacts' data keys (a KMS grant bound to each
 * artifact's encryption context) and the gateway sends the artifacts, still encrypted, in the placement.
 *
 * <p>It listens to the {@link NodeRegistry}: a lost node's instances are placed on other healthy nodes (another zone
 * preferred); a node that rejoins gets its share back (placed there first, the surplus elsewhere removed after it
 * serves). The re-placements run on one placer thread, never on a Netty thread.
 */
public final class ClusterPlacement implements VariantPlacement, NodeRegistry.Listener, AutoCloseable {

    /** Reads an uploaded model's artifact file (still encrypted). */
    @FunctionalInterface
    public interface ArtifactSource {
        byte[] read(String name) throws IOException;
    }

    private static final System.Logger LOG = System.getLogger(ClusterPlacement.class.getName());

    final ClusterSettings settings;
    final NodeRegistry registry;
    final HealthChecker health;
    final NodeGrants grants;
    private final ArtifactSource artifacts;
    final int queuePerWorker;
    private final Set<PlacedVariant> live = ConcurrentHashMap.newKeySet();
    private final ExecutorService placer;

    public ClusterPlacement(ClusterSettings settings, NodeRegistry registry, HealthChecker health, NodeGrants grants,
                            ArtifactSource artifacts, int queuePerWorker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.health = Objects.requireNonNull(health, "health");
        this.grants = Objects.requireNonNull(grants, "grants");
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
        this.queuePerWorker = queuePerWorker;
        this.placer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mlgate-cluster-placer");
            t.setDaemon(true);
            return t;
        });
        registry.addListener(this);
    }

    /** Reads uploads from the model store. */
    public static ArtifactSource store(UploadedModels uploads) {
        return name -> {
            try (var in = uploads.store().open(name)) {
                return in.readAllBytes();
            }
        };
    }

    @Override
    public RemoteVariant place(DeploymentPlan plan, DeploymentPlan.Variant variant, long generation)
            throws PlacementException {
        List<PlacedVariant.Artifact> loaded = new ArrayList<>();
        for (ContainerDefinition c : variant.containers()) {
            if (c.mode() == ContainerDefinition.Mode.MULTI_MODEL) {
                throw new PlacementException("multi-model variants run in the gateway process, not on nodes.");
            }
            String name = UploadedModels.nameOf(c.modelDataUrl()).orElseThrow(() -> new PlacementException(
                    "ModelDataUrl " + c.modelDataUrl() + " does not name an artifact in mlgate's model store."));
            byte[] bytes;
            ArtifactHeader header;
            try {
                bytes = artifacts.read(name);
                header = ModelArtifacts.inspect(new ByteArrayInputStream(bytes));
            } catch (NoSuchFileException e) {
                throw new PlacementException("could not load the model data at " + c.modelDataUrl()
                        + ": there is no such model in the model store.");
            } catch (IOException | RuntimeException e) {
                throw new PlacementException("could not load the model data at " + c.modelDataUrl()
                        + ": the artifact cannot be read.");
            }
            loaded.add(new PlacedVariant.Artifact(name, c.hostname(), bytes, header.keyId(),
                    header.encryptionContext()));
        }
        boolean encrypted = settings.encryption() == ClusterSettings.Encryption.ALWAYS
                || plan.interContainerEncryption();
        String key = plan.endpointName() + "." + variant.variantName() + "." + generation;
        PlacedVariant placed = new PlacedVariant(this, key, plan.endpointName(), variant.variantName(),
                variant.executionRoleArn(), variant.networkIsolation(), encrypted, variant.instanceCount(), loaded);
        live.add(placed);
        String why = placed.reconcile(Set.of());
        if (placed.instances() == 0) {
            placed.close();
            throw new PlacementException(why == null ? "no runtime node could host it." : why);
        }
        return placed;
    }

    void forget(PlacedVariant variant) {
        live.remove(variant);
    }

    /** Runs {@code task} on the placer thread (re-placements, resizes, removals). */
    void later(Runnable task) {
        try {
            placer.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a cluster placement task failed: "
                            + e.getClass().getSimpleName());
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The variants placed now (tests). */
    public List<PlacedVariant> variants() {
        return List.copyOf(live);
    }

    /** Instances of every placed variant on {@code node} (the node's load). */
    int load(String node) {
        int sum = 0;
        for (PlacedVariant v : live) {
            sum += v.instancesOn(node);
        }
        return sum;
    }

    @Override
    public void joined(ClusterNode node) {
        // variants short of instances (no node was eligible when they were placed) may fit now
        for (PlacedVariant v : live) {
            later(() -> v.reconcile(Set.of()));
        }
    }

    @Override
    public void lost(ClusterNode node) {
        for (PlacedVariant v : live) {
            later(() -> v.nodeLost(node));
        }
    }

    @Override
    public void rejoined(ClusterNode node, boolean restarted) {
        for (PlacedVariant v : live) {
            later(() -> v.nodeBack(node, restarted));
        }
    }

    /** Removes every placement (and retires its grants), waiting up to a minute for the nodes to answer. */
    @Override
    public void close() {
        for (PlacedVariant v : live) {
            v.close();
        }
        placer.shutdown();
        try {
            if (!placer.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                placer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            placer.shutdownNow();
        }
    }
}
