package io.mlgate.cluster.pki;

import java.util.Objects;

/** Which identity a peer must have, checked after the chain is valid. */
@FunctionalInterface
public interface PeerRule {

    /** @return null if {@code peer} is acceptable, else the reason it is not */
    String refusal(SpiffeId peer);

    /** Only this identity (the gateway reaching node N). */
    static PeerRule exactly(SpiffeId expected) {
        Objects.requireNonNull(expected, "expected");
        return peer -> expected.equals(peer) ? null : "identity " + peer.uri() + " is not " + expected.uri();
    }

    /** Any identity of this kind (nodes accept any gateway; the control port accepts any node). */
    static PeerRule anyOf(SpiffeId.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        return peer -> peer.kind() == kind ? null
                : "identity " + peer.uri() + " is not a " + kind.segment() + " identity";
    }
}
