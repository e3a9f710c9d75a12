package io.mlgate.vpc;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands {@code vpc up} runs for the demo topology, checked without running them. */
class NetnsPlanTest {

    private final Topology demo;
    private final NetnsPlan plan;

    NetnsPlanTest() throws Exception {
        demo = TopologyReader.read(Path.of("vpc-sim/topologies/demo.json"));
        plan = new NetnsPlan(demo);
    }

    private List<String> lines() {
        return plan.up().stream().map(NetnsPlan.Step::display).toList();
    }

    @Test
    void oneNamespacePerHostPlusRouterAndInternet() {
        assertThat(plan.namespaces()).containsExactly("mlgvpc-rt", "mlgvpc-inet", "mlgvpc-gateway", "mlgvpc-n1",
                "mlgvpc-n2", "mlgvpc-n3", "mlgvpc-client");
        assertThat(lines()).contains("ip netns add mlgvpc-n1", "ip -n mlgvpc-n1 link set lo up");
    }

    @Test
    void onlySubnetsWithInternetGetADefaultRoute() {
        assertThat(lines()).contains("ip -n mlgvpc-client route add default via 10.20.0.1",
                "ip -n mlgvpc-n1 route add 10.20.0.0/16 via 10.20.1.1",
                "ip -n mlgvpc-n3 route add 10.20.0.0/16 via 10.20.2.1");
        assertThat(lines()).noneMatch(l -> l.startsWith("ip -n mlgvpc-n1 route add default"))
                .noneMatch(l -> l.startsWith("ip -n mlgvpc-gateway route add default"));
    }

    @Test
    void theRouterDropsInternetTrafficOfSubnetsWithoutIt() {
        String rules = plan.routerRules();
        // subnets in file order: br0 = subnet-0pub (internet), br1 = subnet-0a, br2 = subnet-0b
        assertThat(rules).contains("iifname \"br1\" oifname \"inet0\" drop", "iifname \"inet0\" oifname \"br2\" drop")
                .doesNotContain("iifname \"br0\" oifname \"inet0\" drop");
    }

    @Test
    void theEndpointAddressIsAVethOfTheGatewayNamespace() {
        assertThat(lines()).contains("ip -n mlgvpc-gateway link add vpce0 type veth peer name e-0 netns mlgvpc-rt",
                "ip -n mlgvpc-gateway addr add 10.20.1.100/24 dev vpce0",
                "ip -n mlgvpc-gateway addr add 203.0.113.5/32 dev lo");
    }

    @Test
    void securityGroupsBecomeStatefulDefaultDropRules() {
        String gateway = plan.hostRules(demo.host("gateway").orElseThrow());
        assertThat(gateway).contains("policy drop;", "ct state established,related accept",
                "ip daddr 10.20.1.100 ip saddr 10.20.0.0/16 tcp dport 8443 accept",
                "ip daddr != { 10.20.1.100 } ip saddr { 10.20.1.21, 10.20.1.22, 10.20.2.23 } tcp dport 9400-9499 accept");
        String node = plan.hostRules(demo.host("n1").orElseThrow());
        assertThat(node).contains("ip saddr { 10.20.1.10 } tcp dport 9000-9099 accept")
                .doesNotContain("10.20.1.100");
    }
}
