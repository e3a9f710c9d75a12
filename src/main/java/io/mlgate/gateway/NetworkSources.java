package io.mlgate.gateway;

import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.vpc.NetworkSource;
import io.mlgate.vpc.SourceMapper;
import org.springframework.http.server.reactive.ServerHttpRequest;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where each call came from: the connection's remote and local address (Reactor Netty's) through the topology's
 * {@link SourceMapper}, or, without a topology ({@code mlgate.vpc.topology} unset), the remote address as
 * aws:SourceIp. Computed once per call by {@link CallLifecycleFilter} and kept on the {@link GatewayCall}.
 */
public final class NetworkSources {

    private static final NetworkSources NONE = new NetworkSources(null, java.util.List.of());

    private final SourceMapper mapper;
    private final java.util.List<String> gatewayAddresses;

    private NetworkSources(SourceMapper mapper, java.util.List<String> gatewayAddresses) {
        this.mapper = mapper;
        this.gatewayAddresses = java.util.List.copyOf(gatewayAddresses);
    }

    /** Without a simulated VPC: every call is direct. */
    public static NetworkSources none() {
        return NONE;
    }

    /** The sources of a topology's calls; the gateway answers on its host, public and endpoint addresses. */
    public static NetworkSources of(io.mlgate.vpc.Topology topology) {
        java.util.List<String> addresses = new java.util.ArrayList<>();
        topology.gatewayHost().ifPresent(h -> addresses.add(io.mlgate.vpc.Ipv4.format(h.address())));
        addresses.add(io.mlgate.vpc.Ipv4.format(topology.gatewayPublicAddress()));
        topology.endpoints().forEach(e -> addresses.add(io.mlgate.vpc.Ipv4.format(e.address())));
        return new NetworkSources(new SourceMapper(topology), addresses);
    }

    /** The addresses the gateway answers on in the topology (subject alternative names of its dev certificate). */
    java.util.List<String> gatewayAddresses() {
        return gatewayAddresses;
    }

    /** The source of a request, or {@code null} when its remote address is unknown. */
    NetworkSource source(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return null;
        }
        if (mapper == null) {
            return NetworkSource.direct(remote.getAddress().getHostAddress());
        }
        InetSocketAddress local = request.getLocalAddress();
        return mapper.map(remote.getAddress(), local == null ? null : local.getAddress());
    }

    /** The endpoint policy the call must also satisfy: that of the VPC endpoint it came through, if it has one. */
    Optional<IdentityPolicy> endpointPolicy(NetworkSource source) {
        if (mapper == null || source == null || !source.viaEndpoint()) {
            return Optional.empty();
        }
        return mapper.endpointPolicy(source.vpceId());
    }
}
