/**
 * The cluster's identities and certificates (core: Bouncy Castle and JCE, no Netty): the cluster CA owned by the
 * gateway, SPIFFE identities in SAN URIs, join tokens, revocation, and the verification each side applies to its
 * peer's certificate chain. {@code docs/cluster-protocol.md} is the contract.
 */
package io.mlgate.cluster.pki;
