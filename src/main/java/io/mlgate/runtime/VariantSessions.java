package io.mlgate.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a variant's instances from its containers: {@code count} independent copies of the model, one per worker.
 * Each container's model is opened {@code count} times by its {@link Loader} (which decrypts the artifact once); one
 * container gives its sessions as they are, several make an inference pipeline ({@link ModelPipeline}) per copy.
 * Used by {@link EmbeddedEndpointRuntime} (artifacts from the model store) and by runtime nodes (artifacts sent by
 * the gateway), so both build the same pipelines and close everything already opened when one part fails.
 */
public final class VariantSessions {

    private VariantSessions() {
    }

    /** Opens {@code count} sessions of one container's model. */
    @FunctionalInterface
    public interface Loader<E extends Exception> {
        List<OnnxModel> copies(int count) throws E;
    }

    /**
     * One container of the variant.
     *
     * @param step   its name in a pipeline (the container's hostname, else its model's name)
     * @param loader opens its sessions
     */
    public record Container<E extends Exception>(String step, Loader<E> loader) {
        public Container {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(loader, "loader");
        }
    }

    /**
     * {@code count} copies of the variant's model.
     *
     * @throws E                     the first container loader's failure (everything opened before it is closed)
     * @throws InvalidModelException if the containers do not make a valid pipeline (nothing is left open)
     */
    public static <E extends Exception> List<VariantModel> load(List<Container<E>> containers, int count) throws E {
        if (containers.isEmpty()) {
            throw new IllegalArgumentException("a variant has at least one container");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        List<List<OnnxModel>> perContainer = new ArrayList<>();
        try {
            for (Container<E> c : containers) {
                List<OnnxModel> copies = c.loader().copies(count);
                perContainer.add(copies);
                if (copies.size() != count) {
                    throw new IllegalStateException("container " + c.step() + " opened " + copies.size()
                            + " sessions instead of " + count);
                }
            }
            if (containers.size() == 1) {
                return new ArrayList<>(perContainer.get(0));
            }
            List<VariantModel> pipelines = new ArrayList<>();
            for (int copy = 0; copy < count; copy++) {
                List<ModelPipeline.Step> steps = new ArrayList<>();
                for (int i = 0; i < containers.size(); i++) {
                    steps.add(new ModelPipeline.Step(containers.get(i).step(), perContainer.get(i).get(copy)));
                }
                pipelines.add(new ModelPipeline(steps));
            }
            return pipelines;
        } catch (Exception | Error e) {
            perContainer.forEach(VariantSessions::closeAll);
            throw e;
        }
    }

    private static void closeAll(List<OnnxModel> models) {
        for (OnnxModel m : models) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // a session that fails to close has nothing left to release
            }
        }
    }
}
