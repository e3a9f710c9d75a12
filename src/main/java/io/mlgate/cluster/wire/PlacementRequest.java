package io.mlgate.cluster.wire;

import java.util.List;

/** {@code PUT /v1/placements/{key}}: a variant to host with {@code instances} workers. */
public record PlacementRequest(String endpoint, String variant, String executionRoleArn, int instances,
                               int queuePerWorker, List<PlacedContainer> containers) {
}
