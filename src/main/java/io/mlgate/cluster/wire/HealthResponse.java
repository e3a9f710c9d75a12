package io.mlgate.cluster.wire;

import java.util.List;

/** {@code GET /v1/health} of a node. */
public record HealthResponse(String node, String zone, String bootId, List<PlacementStatus> placements) {
}
