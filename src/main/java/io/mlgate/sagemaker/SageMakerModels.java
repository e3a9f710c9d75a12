package io.mlgate.sagemaker;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Read access to the models a {@link SageMakerState} holds, for the parts of mlgate outside this package that run a
 * SageMaker model by ARN (batch transform jobs).
 */
public final class SageMakerModels {

    private SageMakerModels() {}

    /** Looks models up by ARN in the state as it is at each call. */
    public static Function<String, Optional<SageMakerModel>> of(SageMakerState state) {
        Objects.requireNonNull(state, "state");
        return state::model;
    }
}
