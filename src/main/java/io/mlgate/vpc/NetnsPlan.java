package io.mlgate.vpc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The commands that realise a {@link Topology} on one Linux machine (docs/vpc.md), computed without running
 * anything: one network namespace per host ({@code mlgvpc-<host>}), a router namespace {@code mlgvpc-rt} with one
 * bridge per subnet holding the subnet's router address, a veth pair from each host to its subnet's bridge, each VPC
 * endpoint's address as an extra veth of the gateway host's namespace, an {@code mlgvpc-inet} namespace for the
 * internet host, routes (a default route only in subnets with internet; the VPC's block otherwise), router nftables
 * that drop traffic between the internet and subnets without internet (and between VPCs), and nftables in each host
 * namespace for its security groups (stateful, default drop). Every address used is the topology's, inside these
 * namespaces.
 */
public final class NetnsPlan {

    /** Prefix of every namespace the simulation makes. */
    public static final String PREFIX = "mlgvpc-";
    public static final String ROUTER = PREFIX + "rt";
    public static final String INTERNET = PREFIX + "inet";
    /** The router's end of the internet link. */
    public static final String INTERNET_LINK = "inet0";

    /** One command: its argument vector and, for {@code nft -f -}, the text on its standard input. */
    public record Step(List<String> command, String input) {
        public Step {
            command = List.copyOf(command);
        }

        static Step of(String... command) {
            return new Step(List.of(command), null);
        }

        /** The command as a shell line (for --dry-run), with the input as a here-document. */
        public String display() {
            StringBuilder sb = new StringBuilder();
            for (String part : command) {
                sb.append(sb.length() == 0 ? "" : " ").append(part.matches("[A-Za-z0-9_./:=,+@%-]+") ? part
                        : "'" + part.replace("'", "'\\''") + "'");
            }
            if (input != null) {
                sb.append(" <<'NFT'\n").append(input).append("NFT");
            }
            return sb.toString();
        }
    }

    private final Topology topology;

    public NetnsPlan(Topology topology) {
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    /** The namespace of a host. */
    public static String namespace(String host) {
        return PREFIX + host;
    }

    /** The router-side veth of a host (the interface a capture on the host's link listens on). */
    public static String routerPort(String host) {
        return "h-" + host;
    }

    /** Every namespace the plan makes, router and internet first. */
    public List<String> namespaces() {
        List<String> names = new ArrayList<>(List.of(ROUTER, INTERNET));
        topology.hosts().forEach(h -> names.add(namespace(h.name())));
        return names;
    }

    /** The commands of {@code vpc up}, in order. */
    public List<Step> up() {
        List<Step> steps = new ArrayList<>();
        for (String ns : namespaces()) {
            steps.add(Step.of("ip", "netns", "add", ns));
            steps.add(Step.of("ip", "-n", ns, "link", "set", "lo", "up"));
        }
        steps.add(Step.of("ip", "netns", "exec", ROUTER, "sysctl", "-qw", "net.ipv4.ip_forward=1"));
        List<Topology.Subnet> subnets = topology.subnets();
        for (int i = 0; i < subnets.size(); i++) {
            Topology.Subnet s = subnets.get(i);
            String bridge = bridge(i);
            steps.add(Step.of("ip", "-n", ROUTER, "link", "add", bridge, "type", "bridge"));
            steps.add(Step.of("ip", "-n", ROUTER, "addr", "add", Ipv4.format(s.routerAddress()) + "/" + s.cidr().prefix(),
                    "dev", bridge));
            steps.add(Step.of("ip", "-n", ROUTER, "link", "set", bridge, "up"));
        }
        for (Topology.Host h : topology.hosts()) {
            Topology.Subnet s = topology.subnet(h.subnetId()).orElseThrow();
            String ns = namespace(h.name());
            link(steps, ns, "eth0", routerPort(h.name()), bridge(subnets.indexOf(s)), h.address(), s);
            for (String route : routes(s)) {
                steps.add(Step.of("ip", "-n", ns, "route", "add", route, "via", Ipv4.format(s.routerAddress())));
            }
        }
        topology.gatewayHost().ifPresent(gw -> {
            String ns = namespace(gw.name());
            List<Topology.VpcEndpoint> endpoints = topology.endpoints();
            for (int k = 0; k < endpoints.size(); k++) {
                Topology.VpcEndpoint e = endpoints.get(k);
                Topology.Subnet s = topology.subnet(e.subnetId()).orElseThrow();
                link(steps, ns, "vpce" + k, "e-" + k, bridge(subnets.indexOf(s)), e.address(), s);
            }
            // the public address lives on the gateway's loopback; the router sends it to the gateway's VPC address
            steps.add(Step.of("ip", "-n", ns, "addr", "add", Ipv4.format(topology.gatewayPublicAddress()) + "/32",
                    "dev", "lo"));
            steps.add(Step.of("ip", "-n", ROUTER, "route", "add", Ipv4.format(topology.gatewayPublicAddress()) + "/32",
                    "via", Ipv4.format(gw.address())));
        });
        Topology.Internet inet = topology.internet();
        steps.add(Step.of("ip", "-n", INTERNET, "link", "add", "eth0", "type", "veth", "peer", "name", INTERNET_LINK,
                "netns", ROUTER));
        steps.add(Step.of("ip", "-n", ROUTER, "addr", "add", Ipv4.format(inet.routerAddress()) + "/" + inet.cidr().prefix(),
                "dev", INTERNET_LINK));
        steps.add(Step.of("ip", "-n", ROUTER, "link", "set", INTERNET_LINK, "up"));
        steps.add(Step.of("ip", "-n", INTERNET, "addr", "add", Ipv4.format(inet.hostAddress()) + "/" + inet.cidr().prefix(),
                "dev", "eth0"));
        steps.add(Step.of("ip", "-n", INTERNET, "link", "set", "eth0", "up"));
        steps.add(Step.of("ip", "-n", INTERNET, "route", "add", "default", "via", Ipv4.format(inet.routerAddress())));
        steps.add(new Step(List.of("ip", "netns", "exec", ROUTER, "nft", "-f", "-"), routerRules()));
        for (Topology.Host h : topology.hosts()) {
            steps.add(new Step(List.of("ip", "netns", "exec", namespace(h.name()), "nft", "-f", "-"), hostRules(h)));
        }
        return steps;
    }

    /** The routes of a host in a subnet: a default route with internet, else only its VPC's block. */
    List<String> routes(Topology.Subnet s) {
        if (s.internet()) {
            return List.of("default");
        }
        Topology.Vpc vpc = topology.vpc(s.vpcId()).orElseThrow();
        return vpc.cidr().equals(s.cidr()) ? List.of() : List.of(vpc.cidr().toString());
    }

    private static void link(List<Step> steps, String ns, String inside, String routerSide, String bridge, int address,
                             Topology.Subnet s) {
        steps.add(Step.of("ip", "-n", ns, "link", "add", inside, "type", "veth", "peer", "name", routerSide,
                "netns", ROUTER));
        steps.add(Step.of("ip", "-n", ROUTER, "link", "set", routerSide, "master", bridge, "up"));
        steps.add(Step.of("ip", "-n", ns, "addr", "add", Ipv4.format(address) + "/" + s.cidr().prefix(), "dev", inside));
        steps.add(Step.of("ip", "-n", ns, "link", "set", inside, "up"));
    }

    private static String bridge(int subnetIndex) {
        return "br" + subnetIndex;
    }

    /**
     * The router's ruleset: subnets without internet exchange nothing with the internet link, VPCs nothing with each
     * other; everything else is forwarded.
     */
    String routerRules() {
        StringBuilder r = new StringBuilder();
        r.append("table inet mlgvpc {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
        List<Topology.Subnet> subnets = topology.subnets();
        for (int i = 0; i < subnets.size(); i++) {
            Topology.Subnet s = subnets.get(i);
            if (!s.internet()) {
                r.append("    iifname \"").append(bridge(i)).append("\" oifname \"").append(INTERNET_LINK)
                        .append("\" drop\n");
                r.append("    iifname \"").append(INTERNET_LINK).append("\" oifname \"").append(bridge(i))
                        .append("\" drop\n");
            }
            for (int j = 0; j < subnets.size(); j++) {
                if (!subnets.get(j).vpcId().equals(s.vpcId())) {
                    r.append("    iifname \"").append(bridge(i)).append("\" oifname \"").append(bridge(j))
                            .append("\" drop\n");
                }
            }
        }
        r.append("  }\n}\n");
        return r.toString();
    }

    /**
     * A host's security groups as nftables: stateful (established and related traffic passes), inbound rules on
     * input, outbound rules on output, everything else dropped. On the gateway host, each VPC endpoint's address gets
     * the endpoint's groups and the host's own addresses the host's groups.
     */
    String hostRules(Topology.Host h) {
        List<Topology.VpcEndpoint> endpoints = h.role() == Topology.Role.GATEWAY ? topology.endpoints() : List.of();
        StringBuilder r = new StringBuilder();
        r.append("table inet mlgvpc {\n");
        r.append("  chain input {\n    type filter hook input priority 0; policy drop;\n");
        r.append("    ct state established,related accept\n    ct state invalid drop\n    iif \"lo\" accept\n");
        String notEndpoint = "";
        if (!endpoints.isEmpty()) {
            List<String> addresses = endpoints.stream().map(e -> Ipv4.format(e.address())).toList();
            notEndpoint = "ip daddr != { " + String.join(", ", addresses) + " } ";
            for (Topology.VpcEndpoint e : endpoints) {
                for (String rule : rules(e.securityGroups(), true)) {
                    r.append("    ip daddr ").append(Ipv4.format(e.address())).append(' ').append(rule).append('\n');
                }
            }
        }
        for (String rule : rules(h.securityGroups(), true)) {
            r.append("    ").append(notEndpoint).append(rule).append('\n');
        }
        r.append("  }\n");
        r.append("  chain output {\n    type filter hook output priority 0; policy drop;\n");
        r.append("    ct state established,related accept\n    ct state invalid drop\n    oif \"lo\" accept\n");
        for (String rule : rules(h.securityGroups(), false)) {
            r.append("    ").append(rule).append('\n');
        }
        r.append("  }\n}\n");
        return r.toString();
    }

    private List<String> rules(List<String> groups, boolean inbound) {
        Set<String> out = new LinkedHashSet<>();
        for (String id : groups) {
            Topology.SecurityGroup g = topology.securityGroup(id).orElseThrow();
            for (Topology.Rule rule : inbound ? g.inbound() : g.outbound()) {
                String peer = peer(rule, inbound ? "saddr" : "daddr");
                if (peer == null) {
                    continue; // a group with no members matches nothing
                }
                String proto = switch (rule.protocol()) {
                    case TCP, UDP -> rule.protocol().id() + " dport "
                            + (rule.fromPort() == rule.toPort() ? rule.fromPort() : rule.fromPort() + "-" + rule.toPort()) + " ";
                    case ICMP -> "meta l4proto icmp ";
                    case ALL -> "";
                };
                out.add(peer + proto + "accept");
            }
        }
        return List.copyOf(out);
    }

    /** The rule's peer as an nftables match ("" for 0.0.0.0/0), or {@code null} for a group without members. */
    private String peer(Topology.Rule rule, String direction) {
        if (rule.peerCidr().isPresent()) {
            Ipv4.Cidr c = rule.peerCidr().get();
            return c.prefix() == 0 ? "" : "ip " + direction + " " + c + " ";
        }
        String group = rule.peerGroup().orElseThrow();
        List<String> members = new ArrayList<>();
        topology.hosts().stream().filter(x -> x.securityGroups().contains(group))
                .forEach(x -> members.add(Ipv4.format(x.address())));
        topology.endpoints().stream().filter(x -> x.securityGroups().contains(group))
                .forEach(x -> members.add(Ipv4.format(x.address())));
        if (members.isEmpty()) {
            return null;
        }
        return "ip " + direction + " { " + String.join(", ", members) + " } ";
    }
}
