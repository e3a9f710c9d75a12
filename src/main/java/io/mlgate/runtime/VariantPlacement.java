package io.mlgate.runtime;

import io.mlgate.sagemaker.DeploymentPlan;

/**
 * Places production variants on runtime nodes (multi-node deployments). {@link EmbeddedEndpointRuntime} asks it for
 * every variant it would otherwise run in this process, except multi-model variants.
 */
public interface VariantPlacement {

    /**
     * Places {@code variant}'s instances across the healthy nodes (spread over zones); blocks until every instance
     * that could be placed serves. Called on the model loader thread.
     *
     * @throws PlacementException with the reason DescribeEndpoint shows as FailureReason
     */
    RemoteVariant place(DeploymentPlan plan, DeploymentPlan.Variant variant, long generation)
            throws PlacementException;

    /** A variant that cannot be placed. */
    final class PlacementException extends Exception {
        public PlacementException(String message) {
            super(message, null, false, false);
        }
    }
}
