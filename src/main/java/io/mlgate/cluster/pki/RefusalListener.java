package io.mlgate.cluster.pki;

/** Told of every refused cluster handshake; the gateway audits, a node logs and forwards. Must not block. */
@FunctionalInterface
public interface RefusalListener {

    RefusalListener NONE = (peer, identity, reason) -> { };

    /**
     * @param peer     the peer's address (host:port) or "unknown"
     * @param identity the SPIFFE URI the peer presented, or null if none could be read
     * @param reason   why: for example "certificate expired", "unknown certificate authority", "identity
     *                 spiffe://mlgate/node/n2 is not spiffe://mlgate/node/n1", "revoked", "plaintext connection"
     */
    void refused(String peer, String identity, String reason);
}
