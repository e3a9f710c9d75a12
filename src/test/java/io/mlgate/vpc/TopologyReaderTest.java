package io.mlgate.vpc;

import io.mlgate.iam.json.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each validation rule of {@link TopologyReader}: the base topology passes, one change breaks exactly that rule. */
class TopologyReaderTest {

    static final String BASE = """
            {
              "name": "t",
              "vpcs": [{"id": "vpc-1", "cidr": "10.1.0.0/16"}],
              "subnets": [
                {"id": "subnet-a", "vpc": "vpc-1", "zone": "az-a", "cidr": "10.1.1.0/24", "internet": false},
                {"id": "subnet-p", "vpc": "vpc-1", "zone": "az-b", "cidr": "10.1.2.0/24", "internet": true}
              ],
              "securityGroups": [
                {"id": "sg-gw", "inbound": [{"protocol": "tcp", "ports": 8443, "cidr": "10.1.0.0/16"}],
                 "outbound": [{"protocol": "all", "cidr": "0.0.0.0/0"}]},
                {"id": "sg-n", "inbound": [{"protocol": "tcp", "ports": "9000-9010", "group": "sg-gw"},
                                           {"protocol": "icmp", "cidr": "10.1.0.0/16"}]}
              ],
              "vpcEndpoints": [
                {"id": "vpce-1", "subnet": "subnet-a", "address": "10.1.1.100", "securityGroups": ["sg-gw"],
                 "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                            "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}}
              ],
              "hosts": [
                {"name": "gw", "role": "gateway", "subnet": "subnet-a", "address": "10.1.1.10", "securityGroups": ["sg-gw"]},
                {"name": "n1", "role": "node", "subnet": "subnet-a", "address": "10.1.1.11", "securityGroups": ["sg-n"]},
                {"name": "c", "role": "client", "subnet": "subnet-p", "address": "10.1.2.20"}
              ],
              "gateway": {"publicAddress": "203.0.113.5"},
              "internet": {"cidr": "203.0.113.0/24", "host": "203.0.113.10"}
            }
            """;

    @Test
    void theBaseTopologyReads() throws Exception {
        Topology t = TopologyReader.parse(BASE, "t.json");
        assertThat(t.name()).isEqualTo("t");
        assertThat(t.subnets()).hasSize(2);
        assertThat(t.endpoints().get(0).endpointPolicy()).isPresent();
        assertThat(t.securityGroup("sg-n").orElseThrow().inbound().get(0))
                .isEqualTo(new Topology.Rule(Topology.Protocol.TCP, 9000, 9010, null, "sg-gw"));
        assertThat(Ipv4.format(t.gatewayPublicAddress())).isEqualTo("203.0.113.5");
        assertThat(t.gatewayHost().orElseThrow().name()).isEqualTo("gw");
    }

    @Test
    void theDemoTopologyReads() throws Exception {
        Topology t = TopologyReader.read(Path.of("vpc-sim/topologies/demo.json"));
        assertThat(t.hosts()).extracting(Topology.Host::name).containsExactly("gateway", "n1", "n2", "n3", "client");
        assertThat(t.subnets()).filteredOn(s -> !s.internet()).extracting(Topology.Subnet::zone)
                .containsExactlyInAnyOrder("az-a", "az-b");
        assertThat(t.endpoints()).singleElement().satisfies(e -> assertThat(e.endpointPolicy()).isPresent());
    }

    @Test
    void problemsNameFileLineAndColumn() {
        String bad = BASE.replace("\"address\": \"10.1.1.11\"", "\"address\": \"10.9.1.11\"");
        assertThatThrownBy(() -> TopologyReader.parse(bad, "t.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("t.json:21:69:")
                .hasMessageContaining("host n1: address 10.9.1.11 is not inside its subnet subnet-a (10.1.1.0/24)");
    }

    @Test
    void unknownMembersAndMalformedJson() {
        fails(BASE.replace("\"name\": \"t\",", "\"name\": \"t\", \"colour\": \"red\","), "unknown member 'colour'");
        fails(BASE.replace("\"name\": \"t\",", "\"name\": \"t\", \"name\": \"u\","), "uplicate");
        fails("{", "t.json");
    }

    @Test
    void idsAndAddressesMustBeWellFormed() {
        fails(BASE.replace("\"vpc-1\", \"cidr\"", "\"vpc_1\", \"cidr\""), "id 'vpc_1' must be 'vpc-'");
        fails(BASE.replace("\"10.1.1.10\"", "\"10.1.1.010\""), "'10.1.1.010' is not an IPv4 address");
        fails(BASE.replace("\"10.1.0.0/16\"}]", "\"10.1.0.1/16\"}]"), "has host bits set");
        fails(BASE.replace("\"name\": \"gw\"", "\"name\": \"rt\""), "host name 'rt' is reserved");
        fails(BASE.replace("\"role\": \"node\"", "\"role\": \"worker\""), "role must be");
    }

    @Test
    void duplicatesAreRefused() {
        fails(BASE.replace("[{\"id\": \"vpc-1\", \"cidr\": \"10.1.0.0/16\"}]",
                "[{\"id\": \"vpc-1\", \"cidr\": \"10.1.0.0/16\"}, {\"id\": \"vpc-1\", \"cidr\": \"10.2.0.0/16\"}]"),
                "duplicate VPC id 'vpc-1'");
        fails(BASE.replace("\"name\": \"c\"", "\"name\": \"n1\""), "duplicate host name 'n1'");
        fails(BASE.replace("\"10.1.2.20\"", "\"10.1.1.10\"").replace("\"subnet-p\", \"address\"", "\"subnet-a\", \"address\""),
                "address 10.1.1.10 is already used");
        fails(BASE.replace("\"securityGroups\": [\"sg-n\"]", "\"securityGroups\": [\"sg-n\", \"sg-n\"]"), "listed twice");
    }

    @Test
    void overlappingBlocksAreRefused() {
        fails(BASE.replace("[{\"id\": \"vpc-1\", \"cidr\": \"10.1.0.0/16\"}]",
                "[{\"id\": \"vpc-1\", \"cidr\": \"10.1.0.0/16\"}, {\"id\": \"vpc-2\", \"cidr\": \"10.0.0.0/8\"}]"),
                "VPC vpc-2 block 10.0.0.0/8 overlaps VPC vpc-1");
        fails(BASE.replace("\"cidr\": \"10.1.2.0/24\"", "\"cidr\": \"10.1.0.0/22\""), "overlaps subnet subnet-a");
        fails(BASE.replace("\"cidr\": \"203.0.113.0/24\"", "\"cidr\": \"10.1.200.0/24\"").replace("203.0.113.10", "10.1.200.10"),
                "the internet block 10.1.200.0/24 overlaps VPC vpc-1");
    }

    @Test
    void blocksAndAddressesMustNest() {
        fails(BASE.replace("\"cidr\": \"10.1.2.0/24\"", "\"cidr\": \"10.2.2.0/24\""),
                "subnet subnet-p block 10.2.2.0/24 is not inside its VPC vpc-1");
        fails(BASE.replace("\"10.1.1.100\"", "\"10.1.2.100\""), "VPC endpoint vpce-1: address 10.1.2.100 is not inside its subnet");
        fails(BASE.replace("\"10.1.1.11\"", "\"10.1.1.1\""), "is reserved in subnet subnet-a");
        fails(BASE.replace("\"publicAddress\": \"203.0.113.5\"", "\"publicAddress\": \"10.1.3.5\""),
                "the gateway's public address 10.1.3.5 is inside VPC vpc-1");
        fails(BASE.replace("\"host\": \"203.0.113.10\"", "\"host\": \"198.51.100.10\""), "is not inside the internet block");
    }

    @Test
    void referencesMustResolve() {
        fails(BASE.replace("\"vpc\": \"vpc-1\", \"zone\": \"az-b\"", "\"vpc\": \"vpc-9\", \"zone\": \"az-b\""), "unknown VPC 'vpc-9'");
        fails(BASE.replace("\"subnet\": \"subnet-p\"", "\"subnet\": \"subnet-q\""), "unknown subnet 'subnet-q'");
        fails(BASE.replace("[\"sg-n\"]", "[\"sg-x\"]"), "unknown security group 'sg-x'");
        fails(BASE.replace("\"group\": \"sg-gw\"", "\"group\": \"sg-y\""), "unknown security group 'sg-y'");
        fails(BASE.replace("\"role\": \"gateway\"", "\"role\": \"node\""), "VPC endpoints need a host with role \"gateway\"");
        fails(BASE.replace("\"role\": \"node\"", "\"role\": \"gateway\""), "there is already a gateway host");
    }

    @Test
    void rulesMustBeComplete() {
        fails(BASE.replace("\"ports\": 8443, ", ""), "a tcp rule needs \"ports\"");
        fails(BASE.replace("{\"protocol\": \"icmp\", \"cidr\"", "{\"protocol\": \"icmp\", \"ports\": 1, \"cidr\""), "a icmp rule has no ports");
        fails(BASE.replace("\"9000-9010\"", "\"9010-9000\""), "the range starts after it ends");
        fails(BASE.replace("\"ports\": 8443", "\"ports\": 70000"), "must be a port 1-65535");
        fails(BASE.replace("\"group\": \"sg-gw\"", "\"group\": \"sg-gw\", \"cidr\": \"10.0.0.0/8\""), "exactly one");
        fails(BASE.replace("\"protocol\": \"all\"", "\"protocol\": \"gre\""), "protocol must be");
    }

    @Test
    void endpointPoliciesGoThroughThePolicyParser() {
        fails(BASE.replace("\"Principal\": \"*\",", ""), "Principal");
        fails(BASE.replace("\"Effect\": \"Allow\"", "\"Effect\": \"Permit\""), "Permit");
        fails(BASE.replace("\"policy\": {\"Version\"", "\"policy\": \"none\", \"x\": {\"Version\""), "must be an IAM policy document");
    }

    private static void fails(String json, String message) {
        assertThatThrownBy(() -> TopologyReader.parse(json, "t.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(message);
    }
}
