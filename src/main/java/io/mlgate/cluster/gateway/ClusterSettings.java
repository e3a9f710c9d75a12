package io.mlgate.cluster.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The cluster's settings as the plain-Java parts use them ({@link ClusterProperties} reads them from
 * {@code mlgate.cluster.*}).
 *
 * @param gatewayName         the gateway's cluster name (its certificate is {@code spiffe://mlgate/gateway/NAME})
 * @param certificateLifetime how long issued certificates are valid
 * @param encryption          whether every call to a node is mutual TLS, or only endpoints that ask for it
 * @param healthInterval      how often each node's health is checked
 * @param unhealthyAfter      failed checks in a row after which a node is unhealthy
 * @param invokeTimeout       the most time one invocation may take, retries included
 * @param invokeRetries       how many other instances a call is retried on after a node-level failure
 * @param nodes               nodes known from configuration (others join by registering)
 */
public record ClusterSettings(String gatewayName, Duration certificateLifetime, Encryption encryption,
                              Duration healthInterval, int unhealthyAfter, Duration invokeTimeout, int invokeRetries,
                              List<StaticNode> nodes) {

    /** When traffic to nodes is mutual TLS. */
    public enum Encryption {
        /** Every call (plaintext ports of nodes are never used). */
        ALWAYS,
        /**
         * Endpoints whose configuration is tagged {@code mlgate:EnableInterContainerTrafficEncryption=true}; other
         * endpoints use a node's plaintext (h2c) port when it has one.
         */
        PER_ENDPOINT
    }

    /** A node named in configuration: where its data ports are, its zone, subnet and whether it is isolated. */
    public record StaticNode(String name, String zone, String address, String plaintextAddress, String subnet,
                             boolean isolated) {
        public StaticNode {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(zone, "zone");
            if (address == null && plaintextAddress == null) {
                throw new IllegalArgumentException("node " + name + " has neither address nor plaintext-address");
            }
        }
    }

    public ClusterSettings {
        Objects.requireNonNull(gatewayName, "gatewayName");
        Objects.requireNonNull(certificateLifetime, "certificateLifetime");
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(healthInterval, "healthInterval");
        Objects.requireNonNull(invokeTimeout, "invokeTimeout");
        if (unhealthyAfter < 1 || invokeRetries < 0 || healthInterval.isNegative() || healthInterval.isZero()
                || invokeTimeout.isNegative() || invokeTimeout.isZero()) {
            throw new IllegalArgumentException("unhealthy-after >= 1, invoke-retries >= 0, positive intervals");
        }
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** gw, 1 h certificates, always encrypted, 1 s health checks, unhealthy after 2, 30 s invoke timeout, 2 retries. */
    public static ClusterSettings defaults() {
        return new ClusterSettings("gw", Duration.ofHours(1), Encryption.ALWAYS, Duration.ofSeconds(1), 2,
                Duration.ofSeconds(30), 2, List.of());
    }

    public ClusterSettings withNodes(List<StaticNode> newNodes) {
        return new ClusterSettings(gatewayName, certificateLifetime, encryption, healthInterval, unhealthyAfter,
                invokeTimeout, invokeRetries, newNodes);
    }

    public ClusterSettings withEncryption(Encryption newEncryption) {
        return new ClusterSettings(gatewayName, certificateLifetime, newEncryption, healthInterval, unhealthyAfter,
                invokeTimeout, invokeRetries, nodes);
    }

    public ClusterSettings withHealthInterval(Duration interval) {
        return new ClusterSettings(gatewayName, certificateLifetime, encryption, interval, unhealthyAfter,
                invokeTimeout, invokeRetries, nodes);
    }
}
