package io.mlgate.runtime;

import java.util.List;
import java.util.Objects;

/**
 * An inference pipeline (SageMaker's {@code Containers}): models run in order, each one's output rows feeding the
 * next as its input rows; every step but the last outputs {@link OutputKind#FEATURES}, the last classifies; text
 * models ({@link InputKind#TEXT}) cannot be steps. A step
 * that fails or returns rows the next step cannot take fails the call with a {@link ModelInvocationException}
 * naming the step (1-based), its container and its model.
 */
public final class ModelPipeline implements VariantModel {

    /** One step: the container's name (hostname, or the model's name) and its loaded model. */
    public record Step(String name, OnnxModel model) {
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "model");
        }
    }

    private final List<Step> steps;

    /**
     * @throws InvalidModelException if a step is a text model, an inner step does not output features, the last
     *                               does not classify, or a step's declared output width differs from the next
     *                               step's input width
     */
    public ModelPipeline(List<Step> steps) {
        this.steps = List.copyOf(steps);
        if (this.steps.size() < 2) {
            throw new IllegalArgumentException("a pipeline has at least two steps");
        }
        for (int i = 0; i < this.steps.size(); i++) {
            ModelDescriptor d = this.steps.get(i).model().descriptor();
            boolean last = i == this.steps.size() - 1;
            if (d.inputKind() != InputKind.FEATURES) {
                throw new InvalidModelException(describe(i) + " is a text model (inputKind text); the steps of an "
                        + "inference pipeline take and give feature rows, so a text model can only be served alone");
            }
            if (last && !d.outputKind().classifies()) {
                throw new InvalidModelException(describe(i) + " is the last step but outputs features; the last "
                        + "step must classify (outputKind probabilities or logits)");
            }
            if (!last) {
                if (d.outputKind().classifies()) {
                    throw new InvalidModelException(describe(i) + " is an inner step but classifies; inner steps "
                            + "must output features (outputKind features)");
                }
                int next = this.steps.get(i + 1).model().featureCount();
                if (d.labels().size() != next) {
                    throw new InvalidModelException(describe(i) + " outputs " + d.labels().size()
                            + " columns but " + describe(i + 1) + " takes " + next + " features");
                }
            }
        }
    }

    public List<Step> steps() {
        return steps;
    }

    private String describe(int index) {
        Step s = steps.get(index);
        return "step " + (index + 1) + " of " + steps.size() + " (container " + s.name() + ", model "
                + s.model().descriptor().name() + ")";
    }

    /** Always {@link InputKind#FEATURES}: text models are refused as steps. */
    @Override
    public InputKind inputKind() {
        return InputKind.FEATURES;
    }

    @Override
    public int featureCount() {
        return steps.get(0).model().featureCount();
    }

    /** Pipelines classify feature rows; they have no text mode. */
    @Override
    public String generate(String text) {
        throw new ModelInvocationException("an inference pipeline classifies feature rows; it does not take text");
    }

    @Override
    public ClassificationResult[] predict(float[][] rows) {
        float[][] current = rows;
        int last = steps.size() - 1;
        for (int i = 0; i < last; i++) {
            try {
                current = steps.get(i).model().transform(current);
            } catch (ModelInvocationException e) {
                throw new ModelInvocationException(describe(i) + " failed: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new ModelInvocationException(describe(i) + " cannot take the rows it was given: "
                        + e.getMessage(), e);
            }
        }
        try {
            return steps.get(last).model().predict(current);
        } catch (ModelInvocationException e) {
            throw new ModelInvocationException(describe(last) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isClosed() {
        for (Step s : steps) {
            if (s.model().isClosed()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (Step s : steps) {
            try {
                s.model().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
