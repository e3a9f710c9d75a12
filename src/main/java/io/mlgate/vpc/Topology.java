package io.mlgate.vpc;

import io.mlgate.iam.policy.IdentityPolicy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A simulated network (docs/vpc.md): VPCs, subnets in zones, security groups, VPC endpoints with their endpoint
 * policies, the hosts that run in the subnets, the gateway's public address outside every VPC and one internet host.
 * Instances come from {@link TopologyReader}, which has checked every reference, range and overlap; the records
 * themselves only hold the validated values.
 *
 * @param name                 the topology's name (state file and log name; {@code [a-z0-9-]})
 * @param vpcs                 the VPCs
 * @param subnets              the subnets, each inside its VPC
 * @param securityGroups       the security groups
 * @param endpoints            the interface VPC endpoints in front of the gateway
 * @param hosts                the hosts (gateway, nodes, clients)
 * @param gatewayPublicAddress the gateway's address outside every VPC (calls to it carry aws:SourceIp)
 * @param internet             the internet: its block and its one host
 */
public record Topology(String name, List<Vpc> vpcs, List<Subnet> subnets, List<SecurityGroup> securityGroups,
                       List<VpcEndpoint> endpoints, List<Host> hosts, int gatewayPublicAddress, Internet internet) {

    public Topology {
        Objects.requireNonNull(name, "name");
        vpcs = List.copyOf(vpcs);
        subnets = List.copyOf(subnets);
        securityGroups = List.copyOf(securityGroups);
        endpoints = List.copyOf(endpoints);
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(internet, "internet");
    }

    /** A VPC: {@code vpc-…} and its CIDR block. */
    public record Vpc(String id, Ipv4.Cidr cidr) {
    }

    /**
     * A subnet: its VPC, availability zone and block; {@code internet} means it has a route out (a public subnet or
     * one behind a NAT gateway); without it, traffic can reach only the VPC.
     */
    public record Subnet(String id, String vpcId, String zone, Ipv4.Cidr cidr, boolean internet) {

        /** The router's address in the subnet (the first host address, as AWS reserves it). */
        public int routerAddress() {
            return cidr.host(1);
        }
    }

    /** Transport protocols of security group rules. */
    public enum Protocol {
        TCP("tcp"), UDP("udp"), ICMP("icmp"), ALL("all");

        private final String id;

        Protocol(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Whether rules of this protocol name ports. */
        public boolean hasPorts() {
            return this == TCP || this == UDP;
        }

        static Protocol byId(String id) {
            for (Protocol p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            return null;
        }
    }

    /**
     * One security group rule: a protocol, a port range (tcp/udp only; {@code fromPort == toPort} for one port) and a
     * peer: a CIDR block or another security group (its members' addresses).
     */
    public record Rule(Protocol protocol, int fromPort, int toPort, Ipv4.Cidr cidr, String groupId) {

        public Rule {
            Objects.requireNonNull(protocol, "protocol");
            if ((cidr == null) == (groupId == null)) {
                throw new IllegalArgumentException("a rule names a CIDR block or a security group, exactly one");
            }
        }

        public Optional<Ipv4.Cidr> peerCidr() {
            return Optional.ofNullable(cidr);
        }

        public Optional<String> peerGroup() {
            return Optional.ofNullable(groupId);
        }
    }

    /** A security group: stateful inbound and outbound allow rules (everything else is dropped). */
    public record SecurityGroup(String id, List<Rule> inbound, List<Rule> outbound) {
        public SecurityGroup {
            inbound = List.copyOf(inbound);
            outbound = List.copyOf(outbound);
        }
    }

    /**
     * An interface VPC endpoint in front of the gateway: its address in a subnet, its security groups and its
     * endpoint policy ({@code null}: AWS's default policy, full access).
     */
    public record VpcEndpoint(String id, String subnetId, int address, List<String> securityGroups,
                              IdentityPolicy policy) {
        public VpcEndpoint {
            securityGroups = List.copyOf(securityGroups);
        }

        public Optional<IdentityPolicy> endpointPolicy() {
            return Optional.ofNullable(policy);
        }
    }

    /** What a host runs. */
    public enum Role {
        GATEWAY("gateway"), NODE("node"), CLIENT("client");

        private final String id;

        Role(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Role byId(String id) {
            for (Role r : values()) {
                if (r.id.equals(id)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** A host: its name (namespace {@code mlgvpc-<name>}), role, subnet, address and security groups. */
    public record Host(String name, Role role, String subnetId, int address, List<String> securityGroups) {
        public Host {
            securityGroups = List.copyOf(securityGroups);
        }
    }

    /** The internet outside the VPCs: a block (the router takes its first host address) and the internet host. */
    public record Internet(Ipv4.Cidr cidr, int hostAddress) {

        public int routerAddress() {
            return cidr.host(1);
        }
    }

    public Optional<Vpc> vpc(String id) {
        return vpcs.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    public Optional<Subnet> subnet(String id) {
        return subnets.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Optional<SecurityGroup> securityGroup(String id) {
        return securityGroups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    public Optional<Host> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public Optional<VpcEndpoint> endpoint(String id) {
        return endpoints.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** The gateway host, if the topology has one. */
    public Optional<Host> gatewayHost() {
        return hosts.stream().filter(h -> h.role() == Role.GATEWAY).findFirst();
    }

    /** The subnet holding an address, if any. */
    public Optional<Subnet> subnetOf(int address) {
        return subnets.stream().filter(s -> s.cidr().contains(address)).findFirst();
    }
}
