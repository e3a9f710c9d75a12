package io.mlgate.sagemaker;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Where endpoints actually serve: the control plane hands the runtime a {@link DeploymentPlan} and is told later
 * whether it is in service. Endpoints are identified by their ARN (names repeat across accounts). Implementations
 * must not block the caller on model loading; {@code done} may be called from any thread, exactly once per call,
 * and may be called before {@code deploy}/{@code update} returns.
 */
public interface EndpointRuntime {

    /** Starts serving a new endpoint (also called at start for every endpoint that was serving or being created). */
    void deploy(DeploymentPlan plan, Consumer<DeploymentOutcome> done);

    /**
     * Switches a serving endpoint to a new plan with no failed request during the switch: the old deployment keeps
     * serving until the new one is ready; on failure the old one stays.
     */
    void update(DeploymentPlan plan, Consumer<DeploymentOutcome> done);

    /**
     * Applies new routing weights and instance (worker) counts of some variants of a serving endpoint, at once.
     *
     * @param endpointArn the endpoint's ARN
     */
    void setWeights(String endpointArn, Map<String, Double> weights, Map<String, Integer> instanceCounts);

    /** Stops serving the endpoint and releases its models; a no-op for an unknown endpoint. */
    void undeploy(String endpointArn);
}
