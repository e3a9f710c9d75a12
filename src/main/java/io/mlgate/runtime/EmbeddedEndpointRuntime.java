package io.mlgate.runtime;

import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.DataKeys;
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
 * <p>Served here: variants whose model has one container in SingleModel mode. Inference pipelines and multi-model
 * containers fail their deployment with a reason (their runtimes are separate work). Instance counts are recorded
 * (DescribeEndpoint, metrics) but do not yet size worker pools.
 */
public final class EmbeddedEndpointRuntime implements EndpointRuntime, AutoCloseable {

    /** How long replaced models stay open for requests already routed to them. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(EmbeddedEndpointRuntime.class.getName());

    private final EndpointRegistry registry;
    private final UploadedModels models;
    private final Function<String, DataKeys> roleKeys;
    private final Set<String> reservedNames;
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

    /** What one endpoint serves now: the plan in force and its loaded models by variant name. */
    private record Deployment(DeploymentPlan plan, Map<String, OnnxModel> models) {
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
        this.registry = Objects.requireNonNull(registry, "registry");
        this.models = Objects.requireNonNull(models, "models");
        this.roleKeys = Objects.requireNonNull(roleKeys, "roleKeys");
        this.reservedNames = Set.copyOf(reservedNames);
        this.grace = Objects.requireNonNull(grace, "grace");
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
            if (v.pipeline() || v.containers().size() > 1) {
                return "Variant " + v.variantName() + ": model " + v.modelName()
                        + " is an inference pipeline, which this runtime does not serve yet.";
            }
            ContainerDefinition c = v.containers().get(0);
            if (c.mode() == ContainerDefinition.Mode.MULTI_MODEL) {
                return "Variant " + v.variantName() + ": model " + v.modelName()
                        + " is a multi-model container, which this runtime does not serve yet.";
            }
            if (UploadedModels.nameOf(c.modelDataUrl()).isEmpty()) {
                return "Variant " + v.variantName() + ": ModelDataUrl " + c.modelDataUrl() + " of model "
                        + v.modelName() + " does not name an artifact in mlgate's model store (s3://"
                        + UploadedModels.BUCKET + "/NAME, put there with 'mlgate model upload').";
            }
            if (v.executionRoleArn() == null) {
                return "Variant " + v.variantName() + ": model " + v.modelName() + " has no ExecutionRoleArn; "
                        + "mlgate decrypts model artifacts as the model's execution role.";
            }
        }
        if (!(total > 0)) {
            return "At least one production variant must have a weight greater than 0.";
        }
        return null;
    }

    private void load(DeploymentPlan plan, long generation, Consumer<DeploymentOutcome> done) {
        Map<String, OnnxModel> loaded = new LinkedHashMap<>();
        Endpoint endpoint;
        try {
            for (DeploymentPlan.Variant v : plan.variants()) {
                loaded.put(v.variantName(), loadVariant(v));
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
                registry.register(endpoint); // the replaced Endpoint is not closed: its models are retired below
            }
        }
        if (!current) {
            closeAll(loaded.values());
            done.accept(DeploymentOutcome.failed("The deployment was superseded."));
            return;
        }
        if (previous != null) {
            retire(previous.models().values());
        }
        done.accept(DeploymentOutcome.serving());
    }

    private OnnxModel loadVariant(DeploymentPlan.Variant v) throws VariantFailure {
        ContainerDefinition c = v.containers().get(0);
        String name = UploadedModels.nameOf(c.modelDataUrl()).orElseThrow();
        String prefix = "Variant " + v.variantName() + ": could not load the model data at " + c.modelDataUrl();
        DataKeys keys;
        try {
            keys = roleKeys.apply(v.executionRoleArn());
        } catch (RuntimeException e) {
            throw new VariantFailure(prefix + ": the execution role " + v.executionRoleArn() + " is unusable.");
        }
        try {
            return models.load(name, keys, maxModelBytes);
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

    private Endpoint build(DeploymentPlan plan, Map<String, OnnxModel> loaded) {
        List<ProductionVariant> variants = new ArrayList<>();
        for (DeploymentPlan.Variant v : plan.variants()) {
            variants.add(new ProductionVariant(v.variantName(), v.weight(), loaded.get(v.variantName())));
        }
        return new Endpoint(plan.endpointName(), plan.accountId(), variants);
    }

    @Override
    public void setWeights(String endpointArn, Map<String, Double> weights, Map<String, Integer> instanceCounts) {
        synchronized (lock) {
            Deployment d = deployments.get(endpointArn);
            if (d == null) {
                return;
            }
            DeploymentPlan next = d.plan().withWeightsAndCounts(weights, instanceCounts);
            registry.register(build(next, d.models()));
            deployments.put(endpointArn, new Deployment(next, d.models()));
        }
    }

    @Override
    public void undeploy(String endpointArn) {
        Deployment d;
        synchronized (lock) {
            generations.remove(endpointArn);
            d = deployments.remove(endpointArn);
            if (d != null) {
                registry.remove(d.plan().endpointName());
            }
        }
        if (d != null) {
            retire(d.models().values());
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

    /** Closes the models after the grace period (at once if the runtime is closing). */
    private void retire(java.util.Collection<OnnxModel> retired) {
        List<OnnxModel> copy = List.copyOf(retired);
        try {
            retirer.schedule(() -> closeAll(copy), grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeAll(copy);
        }
    }

    private static void closeAll(java.util.Collection<OnnxModel> models) {
        for (OnnxModel m : models) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a model failed: " + e.getClass().getSimpleName());
            }
        }
    }

    /** Stops loading, takes every endpoint served here out of the registry and closes all models. */
    @Override
    public void close() {
        List<OnnxModel> all = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (Deployment d : deployments.values()) {
                registry.remove(d.plan().endpointName());
                all.addAll(d.models().values());
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
