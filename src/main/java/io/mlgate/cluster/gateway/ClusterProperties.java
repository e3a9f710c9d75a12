package io.mlgate.cluster.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Settings of runtime nodes behind the gateway ({@code mlgate.cluster.*}, docs/operations.md).
 *
 * @param enabled             false (default): {@code ./mlgate serve} runs every variant in its own process
 * @param gatewayName         the gateway's cluster name (default {@code gw})
 * @param listen              the control port, host:port (default {@code 127.0.0.1:9444})
 * @param certificateLifetime lifetime of issued certificates (default 1h)
 * @param encryption          {@code always} (default) or {@code per-endpoint}
 * @param healthInterval      health check period (default 1s)
 * @param unhealthyAfter      failed checks before a node is unhealthy (default 2)
 * @param invokeTimeout       the most one invocation may take, retries included (default 30s)
 * @param invokeRetries       other instances a call is retried on after a node failure (default 2)
 * @param nodes               nodes known from configuration
 */
@ConfigurationProperties("mlgate.cluster")
public record ClusterProperties(Boolean enabled, String gatewayName, String listen, Duration certificateLifetime,
                                String encryption, Duration healthInterval, Integer unhealthyAfter,
                                Duration invokeTimeout, Integer invokeRetries, List<Node> nodes) {

    /** One {@code mlgate.cluster.nodes[i]} entry. */
    public record Node(String name, String zone, String address, String plaintextAddress, String subnet,
                       Boolean isolated) {
    }

    public ClusterProperties {
        ClusterSettings d = ClusterSettings.defaults();
        enabled = enabled != null && enabled;
        gatewayName = gatewayName == null ? d.gatewayName() : gatewayName;
        listen = listen == null ? "127.0.0.1:9444" : listen;
        certificateLifetime = certificateLifetime == null ? d.certificateLifetime() : certificateLifetime;
        encryption = encryption == null ? "always" : encryption;
        healthInterval = healthInterval == null ? d.healthInterval() : healthInterval;
        unhealthyAfter = unhealthyAfter == null ? d.unhealthyAfter() : unhealthyAfter;
        invokeTimeout = invokeTimeout == null ? d.invokeTimeout() : invokeTimeout;
        invokeRetries = invokeRetries == null ? d.invokeRetries() : invokeRetries;
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /**
     * The settings the cluster classes use.
     *
     * @throws IllegalArgumentException naming the property that is wrong
     */
    public ClusterSettings settings() {
        ClusterSettings.Encryption mode = switch (encryption.toLowerCase(Locale.ROOT)) {
            case "always" -> ClusterSettings.Encryption.ALWAYS;
            case "per-endpoint" -> ClusterSettings.Encryption.PER_ENDPOINT;
            default -> throw new IllegalArgumentException("mlgate.cluster.encryption must be always or per-endpoint");
        };
        if (!io.mlgate.cluster.pki.SpiffeId.validName(gatewayName)) {
            throw new IllegalArgumentException("mlgate.cluster.gateway-name must be 1-63 letters, digits or inner "
                    + "hyphens");
        }
        List<ClusterSettings.StaticNode> list = nodes.stream().map(n -> {
            if (n.name() == null || !io.mlgate.cluster.pki.SpiffeId.validName(n.name()) || n.zone() == null) {
                throw new IllegalArgumentException("mlgate.cluster.nodes entries need a valid name and a zone");
            }
            return new ClusterSettings.StaticNode(n.name(), n.zone(), n.address(), n.plaintextAddress(), n.subnet(),
                    n.isolated() != null && n.isolated());
        }).toList();
        return new ClusterSettings(gatewayName, certificateLifetime, mode, healthInterval, unhealthyAfter,
                invokeTimeout, invokeRetries, list);
    }

    /** The control port's host. */
    public String listenHost() {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("mlgate.cluster.listen is host:port");
        }
        return listen.substring(0, colon);
    }

    /** The control port's port (0: any free port). */
    public int listenPort() {
        int colon = listen.lastIndexOf(':');
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("mlgate.cluster.listen is host:port");
        }
    }
}
