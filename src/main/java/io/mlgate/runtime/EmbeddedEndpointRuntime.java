package io.mlgate.runtime;

import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.runtime.capture.EndpointCapture;
import io.mlgate.sagemaker.ContainerDefinition;
import io.mlgate.sagemaker.DeploymentOutcome;
import io.mlgate.sagemaker.DeploymentPlan;
import io.mlgate.sagemaker.EndpointRuntime;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Serves the SageMaker control plane's endpoints from mlgate's embedded ONNX Runtime: each variant's model is an
 * uploaded artifact ({@link UploadedModels}) decrypted in memory through the KMS as the model's execution role, and
 * the endpoint is registered in the gateway's {@link EndpointRegistry}, where InvokeEndpoint finds it.
 *
 * <p>Loading runs on a dedicated thread, never on the caller's. An update loads the new configuration's models
 * while the old ones keep serving, then swaps the registry entry atomically; the replaced models are closed after a
 * grace period, so requests already routed to them complete (and {@link InferenceService} retries a request that
 * still meets a closed model on the endpoint now registered). Weight and instance-count changes re-route over the
 * same loaded models. Every completion is checked against a per-endpoint generation so that a deployment that
 * finishes after the endpoint was deleted or superseded is discarded instead of resurrecting it.
 *
 * <p>Each variant runs as {@link VariantWorkers}: {@code InstanceCount} workers, each with its own sessions of the
 * model (decrypted once per load, one session per worker), behind a bounded queue. A model with several containers
 * is an inference pipeline ({@link ModelPipeline}); a MultiModel container serves the uploads under its URL prefix
 * by {@code TargetModel} from a {@link MultiModelCache} under the configured memory budget. Instance-count changes
 * add workers (loading their sessions on the loader thread) or remove them (after their queued calls).
 *
 * <p>Data capture: a plan's {@code DataCaptureConfig} is checked with the {@link EndpointCapture} before anything
 * loads (a configuration it cannot honour, or a capture key the execution roles cannot use, fails the deployment
 * with its reason), and is switched together with the registry entry, so an update's new configuration captures
 * from the moment the new deployment serves.
 */
public final class EmbeddedEndpointRuntime implements EndpointRuntime, AutoCloseable {

    /** How long replaced models stay open for requests already routed to them. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    /**
     * Tunables: the grace period of replaced deployments, queued calls allowed per worker, the memory budget of each
     * multi-model variant's cache, and the most instances (workers) a variant may have.
     */
    public record Settings(Duration grace, int queuePerWorker, long multiModelBudgetBytes, int maxInstances) {
        public Settings {
            Objects.requireNonNull(grace, "grace");
            if (queuePerWorker < 1 || multiModelBudgetBytes < 1 || maxInstances < 1) {
                throw new IllegalArgumentException("queuePerWorker, multiModelBudgetBytes and maxInstances must be >= 1");
            }
        }

        /** 30 s grace, 64 queued calls per worker, 512 MiB per multi-model cache, 16 instances. */
        public static Settings defaults() {
            return new Settings(DEFAULT_GRACE, VariantWorkers.DEFAULT_QUEUE_PER_WORKER, 512L * 1024 * 1024, 16);
        }

        public Settings withGrace(Duration newGrace) {
            return new Settings(newGrace, queuePerWorker, multiModelBudgetBytes, maxInstances);
        }
    }

    private static final System.Logger LOG = System.getLogger(EmbeddedEndpointRuntime.class.getName());

    private final EndpointRegistry registry;
    private final UploadedModels models;
    private final Function<String, DataKeys> roleKeys;
    private final Set<String> reservedNames;
    private final Settings settings;
    private final EndpointCapture capture;
    /** Places variants on runtime nodes (multi-node deployments); null: every variant runs in this process. */
    private final VariantPlacement placement;
    private final Duration grace;
    private final long maxModelBytes;
    private final ExecutorService loader;
    private final ScheduledExecutorService retirer;
    /** Guards {@link #deployments} and {@link #generations} together with the registry swaps. */
    private final Object lock = new Object();
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, Long> generations = new LinkedHashMap<>();
    private long nextGeneration;
    private boolean closed;

    /** What one endpoint serves now: the plan in force and its serving variants by name. */
    private record Deployment(DeploymentPlan plan, Map<String, ProductionVariant> variants) {
    }

    /**
     * @param registry      the registry InvokeEndpoint reads (the hosting account's)
     * @param models        the uploaded models
     * @param roleKeys      the KMS as a given execution role ARN
     * @param reservedNames endpoint names served by the gateway itself (the demo endpoints): never replaced
     * @param grace         how long replaced models stay open
     */
    public EmbeddedEndpointRuntime(EndpointRegistry registry, UploadedModels models,
                                   Function<String, DataKeys> roleKeys, Set<String> reservedNames, Duration grace) {
        this(registry, models, roleKeys, reservedNames, Settings.defaults().withGrace(grace));
    }

    public EmbeddedEndpointRuntime(EndpointRegistry registry, UploadedModels models,
                                   Function<String, DataKeys> roleKeys, Set<String> reservedNames,
                                   Settings settings) {
        this(registry, models, roleKeys, reservedNames, settings, EndpointCapture.NONE);
    }

    /** @param capture told of each served endpoint's data capture configuration */
    public EmbeddedEndpointRuntime(EndpointRegistry registry, UploadedModels models,
                                   Function<String, DataKeys> roleKeys, Set<String> reservedNames,
                                   Settings settings, EndpointCapture capture) {
        this(registry, models, roleKeys, reservedNames, settings, capture, null);
    }

    /**
     * @param placement places every variant that is not multi-model on runtime nodes (null: all run in this
     *                  process); multi-model variants always run here, their model cache is local
     */
    public EmbeddedEndpointRuntime(EndpointRegistry registry, UploadedModels models,
                                   Function<String, DataKeys> roleKeys, Set<String> reservedNames,
                                   Settings settings, EndpointCapture capture, VariantPlacement placement) {
        this.placement = placement;
        this.capture = Objects.requireNonNull(capture, "capture");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.models = Objects.requireNonNull(models, "models");
        this.roleKeys = Objects.requireNonNull(roleKeys, "roleKeys");
        this.reservedNames = Set.copyOf(reservedNames);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.grace = settings.grace();
        this.maxModelBytes = ArtifactEndpoints.MAX_MODEL_BYTES;
        this.loader = Executors.newSingleThreadExecutor(r -> daemon(r, "mlgate-model-loader"));
        this.retirer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mlgate-model-retirer"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void deploy(DeploymentPlan plan, Consumer<DeploymentOutcome> done) {
        start(plan, done);
    }

    @Override
    public void update(DeploymentPlan plan, Consumer<DeploymentOutcome> done) {
        start(plan, done);
    }

    private void start(DeploymentPlan plan, Consumer<DeploymentOutcome> done) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(done, "done");
        String refusal = refusal(plan);
        if (refusal != null) {
            done.accept(DeploymentOutcome.failed(refusal));
            return;
        }
        long generation;
        synchronized (lock) {
            if (closed) {
                done.accept(DeploymentOutcome.failed("The gateway is shutting down."));
                return;
            }
            generation = ++nextGeneration;
            generations.put(plan.endpointArn(), generation);
        }
        try {
            loader.execute(() -> load(plan, generation, done));
        } catch (RejectedExecutionException e) {
            done.accept(DeploymentOutcome.failed("The gateway is shutting down."));
        }
    }

    /** Why the plan cannot be served at all, before loading anything; null if it can be tried. */
    private String refusal(DeploymentPlan plan) {
        if (!plan.accountId().equals(registry.accountId())) {
            return "mlgate serves endpoints of account " + registry.accountId() + " only.";
        }
        if (reservedNames.contains(plan.endpointName())) {
            return "The endpoint name " + plan.endpointName() + " is reserved for the gateway's built-in endpoint.";
        }
        double total = 0;
        for (DeploymentPlan.Variant v : plan.variants()) {
            total += v.weight();
            String at = "Variant " + v.variantName() + ": model " + v.modelName();
            if (v.instanceCount() > settings.maxInstances()) {
                return "Variant " + v.variantName() + ": InitialInstanceCount " + v.instanceCount()
                        + " is more than the " + settings.maxInstances() + " instances mlgate runs per variant.";
            }
            if (v.containers().size() > 1) {
                for (ContainerDefinition c : v.containers()) {
                    if (c.mode() == ContainerDefinition.Mode.MULTI_MODEL) {
                        return at + " is a pipeline with a MultiModel container, which is not supported.";
                    }
                }
            }
            for (ContainerDefinition c : v.containers()) {
                boolean multi = c.mode() == ContainerDefinition.Mode.MULTI_MODEL;
                boolean inStore = multi ? UploadedModels.prefixOf(c.modelDataUrl()).isPresent()
                        : UploadedModels.nameOf(c.modelDataUrl()).isPresent();
                if (!inStore) {
                    return "Variant " + v.variantName() + ": ModelDataUrl " + c.modelDataUrl() + " of model "
                            + v.modelName() + " does not name " + (multi ? "a prefix" : "an artifact")
                            + " in mlgate's model store (s3://" + UploadedModels.BUCKET + "/" + (multi ? "[PREFIX]"
                            : "NAME") + ", put there with 'mlgate model upload').";
                }
            }
            if (v.executionRoleArn() == null) {
                return at + " has no ExecutionRoleArn; mlgate decrypts model artifacts as the model's execution role.";
            }
        }
        if (!(total > 0)) {
            return "At least one production variant must have a weight greater than 0.";
        }
        if (plan.dataCapture() != null) {
            String why = capture.refusal(plan.dataCapture());
            if (why != null) {
                return "DataCaptureConfig: " + why;
            }
        }
        return null;
    }

    private void load(DeploymentPlan plan, long generation, Consumer<DeploymentOutcome> done) {
        Map<String, ProductionVariant> loaded = new LinkedHashMap<>();
        Endpoint endpoint;
        String keyRefusal;
        try {
            keyRefusal = plan.dataCapture() == null ? null : capture.keyRefusal(plan);
        } catch (RuntimeException e) {
            keyRefusal = "its KMS key could not be checked (" + e.getClass().getSimpleName() + ")";
        }
        if (keyRefusal != null) {
            done.accept(DeploymentOutcome.failed("DataCaptureConfig: " + keyRefusal));
            return;
        }
        try {
            for (DeploymentPlan.Variant v : plan.variants()) {
                loaded.put(v.variantName(), loadVariant(plan, v, generation));
            }
            endpoint = build(plan, loaded);
        } catch (VariantFailure e) {
            closeAll(loaded.values());
            done.accept(DeploymentOutcome.failed(e.getMessage()));
            return;
        } catch (RuntimeException e) {
            closeAll(loaded.values());
            LOG.log(System.Logger.Level.WARNING, "deployment of " + plan.endpointArn() + " failed: "
                    + e.getClass().getSimpleName());
            done.accept(DeploymentOutcome.failed("The models could not be loaded: " + e.getClass().getSimpleName()
                    + "."));
            return;
        }
        Deployment previous;
        boolean current;
        synchronized (lock) {
            current = !closed && generations.getOrDefault(plan.endpointArn(), -1L) == generation;
            previous = current ? deployments.put(plan.endpointArn(), new Deployment(plan, Map.copyOf(loaded))) : null;
            if (current) {
                registry.register(endpoint); // the replaced Endpoint is not closed: its variants are retired below
                capture.configure(plan);
            }
        }
        if (!current) {
            closeAll(loaded.values());
            done.accept(DeploymentOutcome.failed("The deployment was superseded."));
            return;
        }
        if (previous != null) {
            retire(previous.variants().values());
        }
        done.accept(DeploymentOutcome.serving());
    }

    private ProductionVariant loadVariant(DeploymentPlan plan, DeploymentPlan.Variant v, long generation)
            throws VariantFailure {
        String label = plan.endpointName() + "/" + v.variantName();
        ContainerDefinition first = v.containers().get(0);
        if (placement != null && first.mode() != ContainerDefinition.Mode.MULTI_MODEL) {
            try {
                return ProductionVariant.remote(v.variantName(), v.weight(), placement.place(plan, v, generation));
            } catch (VariantPlacement.PlacementException e) {
                throw new VariantFailure("Variant " + v.variantName() + ": " + e.getMessage());
            }
        }
        if (first.mode() == ContainerDefinition.Mode.MULTI_MODEL) {
            DataKeys keys = keysOf(v);
            String prefix = UploadedModels.prefixOf(first.modelDataUrl()).orElseThrow();
            MultiModelCache cache = new MultiModelCache(label, settings.multiModelBudgetBytes(),
                    target -> loadTarget(prefix, target, first.modelDataUrl(), keys), 2, 16);
            List<VariantModel> none = new ArrayList<>();
            for (int i = 0; i < v.instanceCount(); i++) {
                none.add(null);
            }
            return new ProductionVariant(v.variantName(), v.weight(), null,
                    new VariantWorkers(label, none, settings.queuePerWorker()), cache);
        }
        List<VariantModel> sessions = loadSessions(v, v.instanceCount());
        return new ProductionVariant(v.variantName(), v.weight(), sessions.get(0),
                new VariantWorkers(label, sessions, settings.queuePerWorker()), null);
    }

    /** A multi-model cache's loader: the upload PREFIX+TARGET (".mlga" / ".onnx" suffix allowed), as the role. */
    private MultiModelCache.Loaded loadTarget(String prefix, String target, String url, DataKeys keys) {
        String bare = target.replaceFirst("\\.(mlga|onnx)$", "");
        String name = prefix + bare;
        if (!UploadedModels.validName(name)) {
            throw new InvalidInputException("TargetModel " + InvocationInput.quote(target, 63)
                    + " does not name a model under " + url);
        }
        try {
            UploadedModels.Copies copies = models.loadCopies(name, keys, maxModelBytes, 1);
            return new MultiModelCache.Loaded(copies.sessions().get(0), copies.bytes());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("Model " + InvocationInput.quote(target, 63) + " is not in "
                    + url + " (upload it with 'mlgate model upload --name " + name + "').");
        } catch (ArtifactException e) {
            throw new ModelInvocationException("Model " + name + " could not be loaded: " + ArtifactEndpoints
                    .keyRefusal(e).map(code -> "the key service refused its data key (" + code + ")")
                    .orElse("the artifact is not valid (" + e.reason() + ")"));
        } catch (IOException e) {
            throw new ModelInvocationException("Model " + name + " could not be read.");
        }
    }

    private DataKeys keysOf(DeploymentPlan.Variant v) throws VariantFailure {
        try {
            return roleKeys.apply(v.executionRoleArn());
        } catch (RuntimeException e) {
            throw new VariantFailure("Variant " + v.variantName() + ": the execution role " + v.executionRoleArn()
                    + " is unusable.");
        }
    }

    /**
     * {@code count} independent copies of the variant's model (one per worker): each container's artifact is
     * decrypted once and opened {@code count} times; several containers make a pipeline per copy.
     */
    private List<VariantModel> loadSessions(DeploymentPlan.Variant v, int count) throws VariantFailure {
        DataKeys keys = keysOf(v);
        List<VariantSessions.Container<VariantFailure>> containers = new ArrayList<>();
        for (ContainerDefinition c : v.containers()) {
            String step = c.hostname() != null ? c.hostname() : UploadedModels.nameOf(c.modelDataUrl()).orElseThrow();
            containers.add(new VariantSessions.Container<>(step, n -> loadContainer(v, c, keys, n)));
        }
        try {
            return VariantSessions.load(containers, count);
        } catch (InvalidModelException e) {
            throw new VariantFailure("Variant " + v.variantName() + ": model " + v.modelName()
                    + " is not a valid inference pipeline: " + e.getMessage());
        }
    }

    private List<OnnxModel> loadContainer(DeploymentPlan.Variant v, ContainerDefinition c, DataKeys keys,
                                          int count) throws VariantFailure {
        String name = UploadedModels.nameOf(c.modelDataUrl()).orElseThrow();
        String prefix = "Variant " + v.variantName() + ": could not load the model data at " + c.modelDataUrl();
        try {
            return models.loadCopies(name, keys, maxModelBytes, count).sessions();
        } catch (NoSuchFileException e) {
            throw new VariantFailure(prefix + ": there is no such model in the model store.");
        } catch (ArtifactException e) {
            String why = ArtifactEndpoints.keyRefusal(e)
                    .map(code -> "the key service refused the data key to execution role " + v.executionRoleArn()
                            + " (" + code + ")")
                    .orElse("the artifact is not valid (" + e.reason() + ")");
            throw new VariantFailure(prefix + ": " + why + ".");
        } catch (InvalidModelException e) {
            throw new VariantFailure(prefix + ": " + e.getMessage());
        } catch (IOException e) {
            throw new VariantFailure(prefix + ": the artifact cannot be read.");
        }
    }

    private Endpoint build(DeploymentPlan plan, Map<String, ProductionVariant> loaded) {
        List<ProductionVariant> variants = new ArrayList<>();
        for (DeploymentPlan.Variant v : plan.variants()) {
            variants.add(loaded.get(v.variantName()).withWeight(v.weight()));
        }
        return new Endpoint(plan.endpointName(), plan.accountId(), variants);
    }

    @Override
    public void setWeights(String endpointArn, Map<String, Double> weights, Map<String, Integer> instanceCounts) {
        List<Runnable> resizes = new ArrayList<>();
        synchronized (lock) {
            Deployment d = deployments.get(endpointArn);
            if (d == null) {
                return;
            }
            DeploymentPlan next = d.plan().withWeightsAndCounts(weights, instanceCounts);
            registry.register(build(next, d.variants()));
            deployments.put(endpointArn, new Deployment(next, d.variants()));
            for (DeploymentPlan.Variant v : next.variants()) {
                ProductionVariant serving = d.variants().get(v.variantName());
                VariantWorkers workers = serving.workers();
                int target = Math.min(v.instanceCount(), settings.maxInstances());
                RemoteVariant remote = serving.remote();
                if (remote != null && target != d.plan().variant(v.variantName()).instanceCount()) {
                    resizes.add(() -> remote.resize(target));
                }
                if (workers != null && target != workers.size()) {
                    resizes.add(() -> resize(v, workers, target));
                }
            }
        }
        for (Runnable r : resizes) {
            try {
                loader.execute(r);
            } catch (RejectedExecutionException e) {
                return;
            }
        }
    }

    /** Adds workers (loading their sessions as the variant's role) or removes some, to reach {@code target}. */
    private void resize(DeploymentPlan.Variant v, VariantWorkers workers, int target) {
        int now = workers.size();
        if (target < now) {
            workers.shrink(now - target);
            return;
        }
        if (target == now || workers.isClosed()) {
            return;
        }
        try {
            List<VariantModel> added;
            if (v.containers().get(0).mode() == ContainerDefinition.Mode.MULTI_MODEL) {
                added = new ArrayList<>();
                for (int i = now; i < target; i++) {
                    added.add(null);
                }
            } else {
                added = loadSessions(v, target - now);
            }
            workers.grow(added);
        } catch (VariantFailure | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot add instances to variant " + v.variantName() + ": "
                    + e.getMessage());
        }
    }

    /** The serving variant of an endpoint served here, if any (metrics, tests). */
    public java.util.Optional<ProductionVariant> servingVariant(String endpointName, String variantName) {
        synchronized (lock) {
            for (Deployment d : deployments.values()) {
                if (d.plan().endpointName().equals(endpointName)) {
                    return java.util.Optional.ofNullable(d.variants().get(variantName));
                }
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public void undeploy(String endpointArn) {
        Deployment d;
        synchronized (lock) {
            generations.remove(endpointArn);
            d = deployments.remove(endpointArn);
            if (d != null) {
                registry.remove(d.plan().endpointName());
                capture.remove(d.plan().endpointName());
            }
        }
        if (d != null) {
            retire(d.variants().values());
        }
    }

    /** The instance count in force for a served variant, or 0 if the endpoint or variant is not served here. */
    public int instanceCount(String endpointName, String variantName) {
        synchronized (lock) {
            for (Deployment d : deployments.values()) {
                if (d.plan().endpointName().equals(endpointName)) {
                    DeploymentPlan.Variant v = d.plan().variant(variantName);
                    return v == null ? 0 : v.instanceCount();
                }
            }
        }
        return 0;
    }

    /** Closes the variants after the grace period (at once if the runtime is closing). */
    private void retire(java.util.Collection<ProductionVariant> retired) {
        List<ProductionVariant> copy = List.copyOf(retired);
        try {
            retirer.schedule(() -> closeAll(copy), grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeAll(copy);
        }
    }

    private static void closeAll(java.util.Collection<? extends Object> parts) {
        for (Object m : parts) {
            try {
                if (m instanceof ProductionVariant v) {
                    v.close();
                } else if (m instanceof AutoCloseable c) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing a model failed: " + e.getClass().getSimpleName());
            }
        }
    }

    /** Stops loading, takes every endpoint served here out of the registry and closes all models. */
    @Override
    public void close() {
        List<ProductionVariant> all = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (Deployment d : deployments.values()) {
                registry.remove(d.plan().endpointName());
                capture.remove(d.plan().endpointName());
                all.addAll(d.variants().values());
            }
            deployments.clear();
            generations.clear();
        }
        loader.shutdownNow();
        List<Runnable> pending = retirer.shutdownNow();
        try {
            loader.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.forEach(Runnable::run);
        closeAll(all);
    }

    /** A variant that cannot be served, with the reason DescribeEndpoint shows as FailureReason. */
    private static final class VariantFailure extends Exception {
        VariantFailure(String message) {
            super(message, null, false, false);
        }
    }
}
