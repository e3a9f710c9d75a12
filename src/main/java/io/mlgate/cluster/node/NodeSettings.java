package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.SpiffeId;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code ./mlgate node} was started with.
 *
 * @param name            the node's name (its identity {@code spiffe://mlgate/node/NAME})
 * @param zone            its availability zone
 * @param subnet          its subnet in the VPC simulation, or null
 * @param listen          the TLS data port
 * @param plaintextListen the h2c data port, or null (off)
 * @param advertise       the data address the gateway should dial, or null for {@code listen}
 * @param gateway         the gateway's control port
 * @param isolated        whether the node's network has no route out
 * @param joinToken       the join token for enrollment, or null if the node already holds credentials
 * @param home            the node's folder ({@code credentials/} lives there)
 */
public record NodeSettings(String name, String zone, String subnet, HostPort listen, HostPort plaintextListen,
                           HostPort advertise, HostPort gateway, boolean isolated, String joinToken, Path home) {

    public NodeSettings {
        if (!SpiffeId.validName(name)) {
            throw new IllegalArgumentException("a node name is 1-63 letters, digits or inner hyphens");
        }
        if (zone == null || !zone.matches("[a-zA-Z0-9-]{1,64}")) {
            throw new IllegalArgumentException("a zone is 1-64 letters, digits or hyphens");
        }
        if (subnet != null && !subnet.matches("[a-zA-Z0-9-]{1,64}")) {
            throw new IllegalArgumentException("a subnet is 1-64 letters, digits or hyphens");
        }
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(home, "home");
    }

    public SpiffeId identity() {
        return SpiffeId.node(name);
    }

    /** The address registered as the node's TLS data port. */
    public HostPort dataAddress() {
        return advertise != null ? advertise : listen;
    }

    @Override
    public String toString() {
        return "NodeSettings[" + name + ", zone " + zone + ", listen " + listen + ", gateway " + gateway
                + (joinToken == null ? "" : ", join token <redacted>") + "]";
    }
}
