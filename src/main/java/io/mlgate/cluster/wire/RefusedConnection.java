package io.mlgate.cluster.wire;

/** A refused handshake: the peer's address, the identity it presented (null if none) and why it was refused. */
public record RefusedConnection(String peer, String identity, String reason) {
}
