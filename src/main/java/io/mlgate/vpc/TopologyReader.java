package io.mlgate.vpc;

import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.json.SourceReader;
import io.mlgate.iam.json.SourceValue;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyDocument;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a topology file strictly (docs/vpc.md): unknown members, wrong types, malformed ids and addresses, duplicate
 * ids, names or addresses, overlapping blocks, a subnet outside its VPC, an address outside its subnet (or on its
 * network, router or broadcast address), references to unknown VPCs, subnets or security groups, and endpoint
 * policies the IAM policy parser refuses are all reported, each with file, line and column, in one pass.
 */
public final class TopologyReader {

    private static final List<String> TOP = List.of("name", "vpcs", "subnets", "securityGroups", "vpcEndpoints",
            "hosts", "gateway", "internet");
    private static final List<String> VPC = List.of("id", "cidr");
    private static final List<String> SUBNET = List.of("id", "vpc", "zone", "cidr", "internet");
    private static final List<String> GROUP = List.of("id", "inbound", "outbound");
    private static final List<String> RULE = List.of("protocol", "ports", "cidr", "group");
    private static final List<String> ENDPOINT = List.of("id", "subnet", "address", "securityGroups", "policy");
    private static final List<String> HOST = List.of("name", "role", "subnet", "address", "securityGroups");
    private static final List<String> GATEWAY = List.of("publicAddress");
    private static final List<String> INTERNET = List.of("cidr", "host");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z][a-z0-9-]{0,11}");
    private static final Pattern ZONE = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Set<String> RESERVED_HOST_NAMES = Set.of("rt", "inet");

    private final Diagnostics d = new Diagnostics();

    private TopologyReader() {
    }

    /** Reads and validates a topology file. */
    public static Topology read(Path file) throws IOException, ConfigurationException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Reads and validates topology JSON; {@code sourceName} names it in problems. */
    public static Topology parse(String json, String sourceName) throws ConfigurationException {
        TopologyReader reader = new TopologyReader();
        SourceValue root = SourceReader.read(json, sourceName, reader.d);
        Topology topology = root == null ? null : reader.topology(root);
        reader.d.throwIfAny();
        return topology;
    }

    private Topology topology(SourceValue root) {
        SourceValue.Obj top = object(root, "the topology");
        if (top == null) {
            return null;
        }
        known(top, TOP, "the topology");
        String name = pattern(required(top, "name", "the topology"), "name", NAME,
                "lower-case letters, digits and '-', at most 32");

        Map<String, Topology.Vpc> vpcs = new HashMap<>();
        List<Topology.Vpc> vpcList = new ArrayList<>();
        for (SourceValue v : array(required(top, "vpcs", "the topology"), "vpcs")) {
            SourceValue.Obj o = object(v, "a VPC");
            if (o == null) {
                continue;
            }
            known(o, VPC, "a VPC");
            String id = id(required(o, "id", "a VPC"), "vpc-");
            Ipv4.Cidr cidr = cidr(required(o, "cidr", "a VPC"));
            if (id == null || cidr == null) {
                continue;
            }
            if (vpcs.containsKey(id)) {
                d.error(o.members().get("id").value(), "duplicate VPC id '" + id + "'");
                continue;
            }
            for (Topology.Vpc other : vpcList) {
                if (other.cidr().overlaps(cidr)) {
                    d.error(o.members().get("cidr").value(), "VPC " + id + " block " + cidr + " overlaps VPC "
                            + other.id() + " (" + other.cidr() + ")");
                }
            }
            Topology.Vpc vpc = new Topology.Vpc(id, cidr);
            vpcs.put(id, vpc);
            vpcList.add(vpc);
        }

        Map<String, Topology.Subnet> subnets = new HashMap<>();
        List<Topology.Subnet> subnetList = new ArrayList<>();
        for (SourceValue v : array(required(top, "subnets", "the topology"), "subnets")) {
            SourceValue.Obj o = object(v, "a subnet");
            if (o == null) {
                continue;
            }
            known(o, SUBNET, "a subnet");
            String id = id(required(o, "id", "a subnet"), "subnet-");
            String vpcId = reference(required(o, "vpc", "a subnet"), vpcs.keySet(), "VPC");
            String zone = pattern(required(o, "zone", "a subnet"), "zone", ZONE, "lower-case letters, digits and '-'");
            Ipv4.Cidr cidr = cidr(required(o, "cidr", "a subnet"));
            Boolean internet = bool(required(o, "internet", "a subnet"), "internet");
            if (id == null || vpcId == null || zone == null || cidr == null || internet == null) {
                continue;
            }
            if (subnets.containsKey(id)) {
                d.error(o.members().get("id").value(), "duplicate subnet id '" + id + "'");
                continue;
            }
            Topology.Vpc vpc = vpcs.get(vpcId);
            if (!cidr.within(vpc.cidr())) {
                d.error(o.members().get("cidr").value(), "subnet " + id + " block " + cidr + " is not inside its VPC "
                        + vpcId + " (" + vpc.cidr() + ")");
            }
            if (cidr.prefix() > 29) {
                d.error(o.members().get("cidr").value(), "subnet " + id + " block " + cidr
                        + " is too small (at most /29: the network, router and broadcast addresses are reserved)");
            }
            for (Topology.Subnet other : subnetList) {
                if (other.cidr().overlaps(cidr)) {
                    d.error(o.members().get("cidr").value(), "subnet " + id + " block " + cidr + " overlaps subnet "
                            + other.id() + " (" + other.cidr() + ")");
                }
            }
            Topology.Subnet subnet = new Topology.Subnet(id, vpcId, zone, cidr, internet);
            subnets.put(id, subnet);
            subnetList.add(subnet);
        }

        // security groups: ids first, so rules may name any group (also their own)
        SourceValue groupsValue = required(top, "securityGroups", "the topology");
        List<SourceValue> groupValues = array(groupsValue, "securityGroups");
        Set<String> groupIds = new HashSet<>();
        for (SourceValue v : groupValues) {
            if (v instanceof SourceValue.Obj o && o.members().get("id") != null
                    && o.members().get("id").value() instanceof SourceValue.Str s) {
                groupIds.add(s.value());
            }
        }
        List<Topology.SecurityGroup> groups = new ArrayList<>();
        Set<String> seenGroups = new HashSet<>();
        for (SourceValue v : groupValues) {
            SourceValue.Obj o = object(v, "a security group");
            if (o == null) {
                continue;
            }
            known(o, GROUP, "a security group");
            String id = id(required(o, "id", "a security group"), "sg-");
            List<Topology.Rule> inbound = rules(o, "inbound", groupIds);
            List<Topology.Rule> outbound = rules(o, "outbound", groupIds);
            if (id == null) {
                continue;
            }
            if (!seenGroups.add(id)) {
                d.error(o.members().get("id").value(), "duplicate security group id '" + id + "'");
                continue;
            }
            groups.add(new Topology.SecurityGroup(id, inbound, outbound));
        }

        Map<Integer, SourcePosition> addresses = new HashMap<>();
        List<Topology.VpcEndpoint> endpoints = new ArrayList<>();
        Set<String> endpointIds = new HashSet<>();
        SourceValue.Member endpointsMember = top.members().get("vpcEndpoints");
        for (SourceValue v : endpointsMember == null ? List.<SourceValue>of() : array(endpointsMember.value(), "vpcEndpoints")) {
            SourceValue.Obj o = object(v, "a VPC endpoint");
            if (o == null) {
                continue;
            }
            known(o, ENDPOINT, "a VPC endpoint");
            String id = id(required(o, "id", "a VPC endpoint"), "vpce-");
            String subnetId = reference(required(o, "subnet", "a VPC endpoint"), subnets.keySet(), "subnet");
            Integer address = address(required(o, "address", "a VPC endpoint"));
            List<String> sgs = groupList(o, groupIds);
            IdentityPolicy policy = null;
            SourceValue.Member pm = o.members().get("policy");
            if (pm != null && id != null) {
                policy = endpointPolicy(pm.value(), id);
            }
            if (id == null || subnetId == null || address == null) {
                continue;
            }
            if (!endpointIds.add(id)) {
                d.error(o.members().get("id").value(), "duplicate VPC endpoint id '" + id + "'");
                continue;
            }
            inSubnet(o.members().get("address").value(), address, subnets.get(subnetId), "VPC endpoint " + id);
            unique(addresses, address, o.members().get("address").value());
            endpoints.add(new Topology.VpcEndpoint(id, subnetId, address, sgs, policy));
        }

        List<Topology.Host> hosts = new ArrayList<>();
        Set<String> hostNames = new HashSet<>();
        Topology.Host gateway = null;
        for (SourceValue v : array(required(top, "hosts", "the topology"), "hosts")) {
            SourceValue.Obj o = object(v, "a host");
            if (o == null) {
                continue;
            }
            known(o, HOST, "a host");
            SourceValue nameValue = required(o, "name", "a host");
            String hostName = pattern(nameValue, "host name", HOST_NAME,
                    "a lower-case letter, then lower-case letters, digits and '-', at most 12");
            if (hostName != null && RESERVED_HOST_NAMES.contains(hostName)) {
                d.error(nameValue, "host name '" + hostName + "' is reserved (the router and internet namespaces use it)");
                hostName = null;
            }
            SourceValue roleValue = required(o, "role", "a host");
            String roleText = string(roleValue, "role");
            Topology.Role role = roleText == null ? null : Topology.Role.byId(roleText);
            if (roleText != null && role == null) {
                d.error(roleValue, "role must be \"gateway\", \"node\" or \"client\", not \"" + roleText + "\"");
            }
            String subnetId = reference(required(o, "subnet", "a host"), subnets.keySet(), "subnet");
            Integer address = address(required(o, "address", "a host"));
            List<String> sgs = groupList(o, groupIds);
            if (hostName == null || role == null || subnetId == null || address == null) {
                continue;
            }
            if (!hostNames.add(hostName)) {
                d.error(nameValue, "duplicate host name '" + hostName + "'");
                continue;
            }
            inSubnet(o.members().get("address").value(), address, subnets.get(subnetId), "host " + hostName);
            unique(addresses, address, o.members().get("address").value());
            Topology.Host host = new Topology.Host(hostName, role, subnetId, address, sgs);
            if (role == Topology.Role.GATEWAY) {
                if (gateway != null) {
                    d.error(roleValue, "host " + hostName + ": there is already a gateway host (" + gateway.name() + ")");
                }
                gateway = host;
            }
            hosts.add(host);
        }
        if (!endpoints.isEmpty() && gateway == null && endpointsMember != null) {
            d.error(endpointsMember.namePosition(), "VPC endpoints need a host with role \"gateway\" (the endpoint "
                    + "addresses are the gateway's)");
        }

        Integer publicAddress = null;
        SourceValue.Obj gw = object(required(top, "gateway", "the topology"), "gateway");
        if (gw != null) {
            known(gw, GATEWAY, "gateway");
            SourceValue pv = required(gw, "publicAddress", "gateway");
            publicAddress = address(pv);
            if (publicAddress != null) {
                outsideVpcs(pv, publicAddress, vpcList, "the gateway's public address");
                unique(addresses, publicAddress, pv);
            }
        }
        Topology.Internet internet = null;
        SourceValue.Obj inet = object(required(top, "internet", "the topology"), "internet");
        if (inet != null) {
            known(inet, INTERNET, "internet");
            SourceValue cv = required(inet, "cidr", "internet");
            SourceValue hv = required(inet, "host", "internet");
            Ipv4.Cidr cidr = cidr(cv);
            Integer host = address(hv);
            if (cidr != null) {
                for (Topology.Vpc vpc : vpcList) {
                    if (vpc.cidr().overlaps(cidr)) {
                        d.error(cv, "the internet block " + cidr + " overlaps VPC " + vpc.id() + " (" + vpc.cidr() + ")");
                    }
                }
                if (cidr.prefix() > 29) {
                    d.error(cv, "the internet block " + cidr + " is too small (at most /29)");
                }
            }
            if (cidr != null && host != null) {
                if (!cidr.contains(host)) {
                    d.error(hv, "the internet host " + Ipv4.format(host) + " is not inside the internet block " + cidr);
                } else if (host == cidr.network() || host == cidr.host(1) || host == cidr.last()) {
                    d.error(hv, "the internet host " + Ipv4.format(host) + " is the block's network, router or "
                            + "broadcast address");
                }
                unique(addresses, host, hv);
                if (publicAddress != null && (publicAddress == cidr.host(1) || publicAddress == cidr.network()
                        || publicAddress == cidr.last())) {
                    d.error(gw.members().get("publicAddress").value(), "the gateway's public address is the internet "
                            + "block's network, router or broadcast address");
                }
                internet = new Topology.Internet(cidr, host);
            }
        }
        if (d.hasErrors()) {
            return null;
        }
        return new Topology(name, vpcList, subnetList, groups, endpoints, hosts, publicAddress, internet);
    }

    private List<Topology.Rule> rules(SourceValue.Obj group, String member, Set<String> groupIds) {
        SourceValue.Member m = group.members().get(member);
        if (m == null) {
            return List.of();
        }
        List<Topology.Rule> rules = new ArrayList<>();
        for (SourceValue v : array(m.value(), member)) {
            SourceValue.Obj o = object(v, "a rule");
            if (o == null) {
                continue;
            }
            known(o, RULE, "a rule");
            SourceValue pv = required(o, "protocol", "a rule");
            String protocolText = string(pv, "protocol");
            Topology.Protocol protocol = protocolText == null ? null : Topology.Protocol.byId(protocolText);
            if (protocolText != null && protocol == null) {
                d.error(pv, "protocol must be \"tcp\", \"udp\", \"icmp\" or \"all\", not \"" + protocolText + "\"");
            }
            int[] ports = {0, 0};
            SourceValue.Member portsMember = o.members().get("ports");
            boolean portsOk = true;
            if (protocol != null) {
                if (protocol.hasPorts() && portsMember == null) {
                    d.error(o, "a " + protocol.id() + " rule needs \"ports\" (a port or \"from-to\")");
                    portsOk = false;
                } else if (!protocol.hasPorts() && portsMember != null) {
                    d.error(portsMember.value(), "a " + protocol.id() + " rule has no ports");
                    portsOk = false;
                } else if (portsMember != null) {
                    ports = ports(portsMember.value());
                    portsOk = ports != null;
                }
            }
            SourceValue.Member cidrMember = o.members().get("cidr");
            SourceValue.Member groupMember = o.members().get("group");
            Ipv4.Cidr cidr = null;
            String peerGroup = null;
            boolean peerOk = true;
            if ((cidrMember == null) == (groupMember == null)) {
                d.error(o, "a rule names its peer with \"cidr\" or \"group\", exactly one");
                peerOk = false;
            } else if (cidrMember != null) {
                cidr = cidr(cidrMember.value());
                peerOk = cidr != null;
            } else {
                peerGroup = reference(groupMember.value(), groupIds, "security group");
                peerOk = peerGroup != null;
            }
            if (protocol != null && portsOk && peerOk) {
                rules.add(new Topology.Rule(protocol, ports[0], ports[1], cidr, peerGroup));
            }
        }
        return rules;
    }

    private int[] ports(SourceValue v) {
        String text;
        if (v instanceof SourceValue.Num n) {
            text = n.text();
        } else if (v instanceof SourceValue.Str s) {
            text = s.value();
        } else {
            d.error(v, "ports must be a port number or a string \"from-to\", not " + v.kind());
            return null;
        }
        int dash = text.indexOf('-');
        Integer from = port(dash < 0 ? text : text.substring(0, dash));
        Integer to = dash < 0 ? from : port(text.substring(dash + 1));
        if (from == null || to == null) {
            d.error(v, "ports '" + text + "' must be a port 1-65535 or a range \"from-to\"");
            return null;
        }
        if (from > to) {
            d.error(v, "ports '" + text + "': the range starts after it ends");
            return null;
        }
        return new int[] {from, to};
    }

    private static Integer port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int p = Integer.parseInt(text);
        return p >= 1 && p <= 65535 ? p : null;
    }

    private List<String> groupList(SourceValue.Obj o, Set<String> groupIds) {
        SourceValue.Member m = o.members().get("securityGroups");
        if (m == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (SourceValue v : array(m.value(), "securityGroups")) {
            String id = reference(v, groupIds, "security group");
            if (id != null) {
                if (ids.contains(id)) {
                    d.error(v, "security group '" + id + "' is listed twice");
                } else {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    private IdentityPolicy endpointPolicy(SourceValue value, String endpointId) {
        if (!(value instanceof SourceValue.Obj)) {
            d.error(value, "the endpoint policy must be an IAM policy document (a JSON object), not " + value.kind());
            return null;
        }
        PolicyDocument document = PolicyParser.parse(value, PolicyKind.RESOURCE, d);
        return document == null ? null : IdentityPolicy.inline("endpoint-policy", endpointId, document);
    }

    private void inSubnet(SourceValue at, int address, Topology.Subnet subnet, String what) {
        if (!subnet.cidr().contains(address)) {
            d.error(at, what + ": address " + Ipv4.format(address) + " is not inside its subnet " + subnet.id()
                    + " (" + subnet.cidr() + ")");
        } else if (address == subnet.cidr().network() || address == subnet.routerAddress()
                || address == subnet.cidr().last()) {
            d.error(at, what + ": address " + Ipv4.format(address) + " is reserved in subnet " + subnet.id()
                    + " (network, router or broadcast address)");
        }
    }

    private void outsideVpcs(SourceValue at, int address, List<Topology.Vpc> vpcs, String what) {
        for (Topology.Vpc vpc : vpcs) {
            if (vpc.cidr().contains(address)) {
                d.error(at, what + " " + Ipv4.format(address) + " is inside VPC " + vpc.id() + " (" + vpc.cidr()
                        + "); it must be outside every VPC");
            }
        }
    }

    private void unique(Map<Integer, SourcePosition> addresses, int address, SourceValue at) {
        SourcePosition first = addresses.putIfAbsent(address, at.position());
        if (first != null) {
            d.error(at, "address " + Ipv4.format(address) + " is already used (at " + first + ")");
        }
    }

    private String id(SourceValue v, String prefix) {
        String s = string(v, "id");
        if (s == null) {
            return null;
        }
        if (!s.startsWith(prefix) || !s.substring(prefix.length()).matches("[0-9a-z]{1,17}")) {
            d.error(v, "id '" + s + "' must be '" + prefix + "' followed by 1-17 lower-case letters or digits");
            return null;
        }
        return s;
    }

    private String reference(SourceValue v, Set<String> known, String what) {
        String s = string(v, what);
        if (s == null) {
            return null;
        }
        if (!known.contains(s)) {
            d.error(v, "unknown " + what + " '" + s + "'");
            return null;
        }
        return s;
    }

    private Ipv4.Cidr cidr(SourceValue v) {
        String s = string(v, "cidr");
        if (s == null) {
            return null;
        }
        try {
            return Ipv4.Cidr.parse(s);
        } catch (IllegalArgumentException e) {
            d.error(v, e.getMessage());
            return null;
        }
    }

    private Integer address(SourceValue v) {
        String s = string(v, "address");
        if (s == null) {
            return null;
        }
        try {
            return Ipv4.parse(s);
        } catch (IllegalArgumentException e) {
            d.error(v, e.getMessage());
            return null;
        }
    }

    private String pattern(SourceValue v, String what, Pattern pattern, String rule) {
        String s = string(v, what);
        if (s != null && !pattern.matcher(s).matches()) {
            d.error(v, what + " '" + s + "' must be " + rule);
            return null;
        }
        return s;
    }

    private Boolean bool(SourceValue v, String what) {
        if (v == null) {
            return null;
        }
        if (v instanceof SourceValue.Bool b) {
            return b.value();
        }
        d.error(v, what + " must be true or false, not " + v.kind());
        return null;
    }

    private String string(SourceValue v, String what) {
        if (v == null) {
            return null;
        }
        if (v instanceof SourceValue.Str s) {
            return s.value();
        }
        d.error(v, what + " must be a string, not " + v.kind());
        return null;
    }

    private SourceValue.Obj object(SourceValue v, String what) {
        if (v == null) {
            return null;
        }
        if (v instanceof SourceValue.Obj o) {
            return o;
        }
        d.error(v, what + " must be an object, not " + v.kind());
        return null;
    }

    private List<SourceValue> array(SourceValue v, String what) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof SourceValue.Arr a) {
            return a.elements();
        }
        d.error(v, what + " must be an array, not " + v.kind());
        return List.of();
    }

    private SourceValue required(SourceValue.Obj o, String member, String where) {
        SourceValue.Member m = o.members().get(member);
        if (m == null) {
            d.error(o, where + " needs \"" + member + "\"");
            return null;
        }
        return m.value();
    }

    private void known(SourceValue.Obj o, List<String> allowed, String where) {
        for (SourceValue.Member m : o.members().values()) {
            if (!allowed.contains(m.name())) {
                d.error(m.namePosition(), "unknown member '" + m.name() + "' in " + where + " (expected one of "
                        + String.join(", ", allowed) + ")");
            }
        }
    }
}
