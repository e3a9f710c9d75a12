package io.mlgate.vpc;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mlgate.iam.policy.IdentityPolicy;

/**
 * Maps a connection (its remote and local address) to the {@link NetworkSource} IAM sees. A connection whose local
 * address is a VPC endpoint's address came through that endpoint: aws:SourceVpce is the endpoint, aws:SourceVpc the
 * VPC of the caller's subnet (the endpoint's VPC when the caller is in no subnet of the topology, e.g. a peered
 * network) and aws:VpcSourceIp the caller's address; any other connection carries aws:SourceIp only. Everything is
 * precomputed from the topology: a lookup is one hash probe and a scan of the subnets' integer blocks, no parsing.
 * Immutable and thread-safe.
 */
public final class SourceMapper {

    private final Map<Integer, Topology.VpcEndpoint> endpointsByAddress = new HashMap<>();
    private final Map<String, Topology.VpcEndpoint> endpointsById = new HashMap<>();
    private final Map<String, String> vpcOfEndpoint = new HashMap<>();
    private final int[] subnetNetworks;
    private final int[] subnetMasks;
    private final String[] subnetVpcs;

    public SourceMapper(Topology topology) {
        for (Topology.VpcEndpoint e : topology.endpoints()) {
            endpointsByAddress.put(e.address(), e);
            endpointsById.put(e.id(), e);
            vpcOfEndpoint.put(e.id(), topology.subnet(e.subnetId()).orElseThrow().vpcId());
        }
        List<Topology.Subnet> subnets = topology.subnets();
        subnetNetworks = new int[subnets.size()];
        subnetMasks = new int[subnets.size()];
        subnetVpcs = new String[subnets.size()];
        for (int i = 0; i < subnets.size(); i++) {
            Topology.Subnet s = subnets.get(i);
            subnetNetworks[i] = s.cidr().network();
            subnetMasks[i] = Ipv4.mask(s.cidr().prefix());
            subnetVpcs[i] = s.vpcId();
        }
    }

    /** The source of a connection from {@code remote} accepted on {@code local} ({@code local} may be null: unknown). */
    public NetworkSource map(InetAddress remote, InetAddress local) {
        String sourceIp = remote.getHostAddress();
        Integer localAddress = local == null ? null : Ipv4.of(local.getAddress());
        Topology.VpcEndpoint endpoint = localAddress == null ? null : endpointsByAddress.get(localAddress);
        if (endpoint == null) {
            return NetworkSource.direct(sourceIp);
        }
        Integer remoteAddress = Ipv4.of(remote.getAddress());
        String vpc = remoteAddress == null ? null : vpcOf(remoteAddress);
        return new NetworkSource(remoteAddress == null ? sourceIp : Ipv4.format(remoteAddress),
                vpc != null ? vpc : vpcOfEndpoint.get(endpoint.id()), endpoint.id());
    }

    /** The endpoint policy of a VPC endpoint ({@code empty}: unknown endpoint, or the default full-access policy). */
    public Optional<IdentityPolicy> endpointPolicy(String vpceId) {
        Topology.VpcEndpoint e = endpointsById.get(vpceId);
        return e == null ? Optional.empty() : e.endpointPolicy();
    }

    private String vpcOf(int address) {
        for (int i = 0; i < subnetNetworks.length; i++) {
            if ((address & subnetMasks[i]) == subnetNetworks[i]) {
                return subnetVpcs[i];
            }
        }
        return null;
    }
}
