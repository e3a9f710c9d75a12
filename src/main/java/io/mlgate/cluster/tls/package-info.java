/**
 * Netty TLS for the cluster (adapter): TLS 1.3-only contexts with ALPN h2 whose key managers read a
 * {@link io.mlgate.cluster.pki.CredentialHolder} on each handshake and whose trust managers apply a
 * {@link io.mlgate.cluster.pki.PeerVerifier}, and the renewer that keeps credentials fresh.
 */
package io.mlgate.cluster.tls;
