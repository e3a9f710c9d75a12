/**
 * The bodies of the cluster protocol between the gateway and runtime nodes ({@code docs/cluster-protocol.md}), as
 * records serialised by {@link io.mlgate.cluster.wire.ClusterJson}.
 */
package io.mlgate.cluster.wire;
