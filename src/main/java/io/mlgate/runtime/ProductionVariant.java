package io.mlgate.runtime;

/**
 * One model slot of an endpoint: a name (as reported in {@code x-Amzn-Invoked-Production-Variant}), a routing
 * weight (relative to the endpoint's other variants; 0 means only reachable by explicit target) and what serves it:
 * <ul>
 *   <li>inline: {@code model} runs on the calling (inference) thread; {@code workers} and {@code multiModel} are
 *       null (the built-in demo endpoint);</li>
 *   <li>instances: {@code workers} run the calls, each with its own sessions; {@code model} is the first worker's
 *       model, consulted only for the input width;</li>
 *   <li>multi-model: {@code multiModel} holds the models by TargetModel and {@code workers} (without own models)
 *       bound the concurrency; {@code model} is null;</li>
 *   <li>remote: {@code remote} sends the calls to the variant's instances on runtime nodes (multi-node
 *       deployments, {@code io.mlgate.cluster.gateway}); {@code model}, {@code workers} and {@code multiModel} are
 *       null: the body is decoded by the node that serves it.</li>
 * </ul>
 */
public record ProductionVariant(String name, double weight, VariantModel model, VariantWorkers workers,
                                MultiModelCache multiModel, RemoteVariant remote) {

    public ProductionVariant {
        Endpoint.requireResourceName(name, "variant name");
        if (!Double.isFinite(weight) || weight < 0) {
            throw new IllegalArgumentException("variant weight must be a finite number >= 0");
        }
        if (remote != null) {
            if (model != null || workers != null || multiModel != null) {
                throw new IllegalArgumentException("a remote variant has no model, workers or cache in this process");
            }
        } else if (multiModel != null) {
            if (workers == null || model != null) {
                throw new IllegalArgumentException("a multi-model variant has workers and no single model");
            }
        } else if (model == null) {
            throw new NullPointerException("model");
        }
    }

    /** An inline variant. */
    public ProductionVariant(String name, double weight, VariantModel model) {
        this(name, weight, model, null, null, null);
    }

    /** A variant served in this process (instances or multi-model). */
    public ProductionVariant(String name, double weight, VariantModel model, VariantWorkers workers,
                             MultiModelCache multiModel) {
        this(name, weight, model, workers, multiModel, null);
    }

    /** A variant whose instances run on runtime nodes. */
    public static ProductionVariant remote(String name, double weight, RemoteVariant remote) {
        return new ProductionVariant(name, weight, null, null, null, java.util.Objects.requireNonNull(remote,
                "remote"));
    }

    /** The same serving parts under another weight. */
    public ProductionVariant withWeight(double newWeight) {
        return new ProductionVariant(name, newWeight, model, workers, multiModel, remote);
    }

    /** The instances serving now: remote instances, workers, or 1 for an inline variant. */
    public int instanceCount() {
        if (remote != null) {
            return remote.instances();
        }
        return workers == null ? 1 : workers.size();
    }

    /** Releases what this variant serves with: workers (which close their models), cache, inline model. */
    void close() {
        if (remote != null) {
            remote.close();
        }
        if (workers != null) {
            workers.close();
        }
        if (multiModel != null) {
            multiModel.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
