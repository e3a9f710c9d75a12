package io.mlgate.cluster.wire;

/**
 * {@code POST /cluster/v1/register}: a node (named by its client certificate) offers its data port.
 *
 * @param plaintextAddress the h2c port, or null if the node only speaks TLS
 * @param bootId           changes on every start of the node process
 * @param isolated         true if the node's network has no route out (EnableNetworkIsolation placements)
 */
public record RegisterRequest(String zone, String subnet, String dataAddress, String plaintextAddress, String bootId,
                              boolean isolated) {
}
