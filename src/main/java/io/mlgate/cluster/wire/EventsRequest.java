package io.mlgate.cluster.wire;

import java.util.List;

/** {@code POST /cluster/v1/events}: refusals a node saw, for the gateway's audit trail. */
public record EventsRequest(List<RefusedConnection> events) {
}
