/**
 * The gateway side of runtime nodes (adapter; Reactor Netty, Spring only in the wiring classes): the control port
 * nodes enroll, renew, register, decrypt data keys and report refusals on, the registry of nodes and their health
 * checks, placement of variants' instances across zones with KMS grants for the nodes, and routing of invocations
 * with retries and failover. {@code docs/cluster-protocol.md} is the contract with the nodes.
 */
package io.mlgate.cluster.gateway;
