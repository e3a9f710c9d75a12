package io.mlgate.sagemaker.transform;

/**
 * Where transform jobs get their models: a SageMaker model (by ARN) loaded for the duration of one job, as the
 * model's execution role. Implemented over the embedded runtime by {@code io.mlgate.runtime.EmbeddedTransformModels}.
 */
public interface TransformModels {

    /** Whether the control plane holds the model (CreateTransformJob refuses a job for a model it does not). */
    boolean exists(String modelArn);

    /**
     * Loads the model for one job; the caller closes it when the job ends.
     *
     * @throws TransformModelException with the job's FailureReason if the model cannot be served
     */
    TransformModel load(String modelArn) throws TransformModelException;
}
