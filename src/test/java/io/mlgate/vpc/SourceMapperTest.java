package io.mlgate.vpc;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SourceMapperTest {

    private final SourceMapper mapper;

    SourceMapperTest() throws Exception {
        mapper = new SourceMapper(TopologyReader.parse(TopologyReaderTest.BASE, "t.json"));
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByAddress(new byte[] {
                (byte) (Ipv4.parse(text) >>> 24), (byte) (Ipv4.parse(text) >>> 16), (byte) (Ipv4.parse(text) >>> 8),
                (byte) Ipv4.parse(text)});
    }

    private static Map<String, String> keys(NetworkSource s) {
        Map<String, String> keys = new LinkedHashMap<>();
        s.conditionKeys(keys::put);
        return keys;
    }

    @Test
    void aConnectionToAnEndpointAddressCameThroughTheEndpoint() throws Exception {
        NetworkSource s = mapper.map(ip("10.1.2.20"), ip("10.1.1.100"));
        assertThat(s).isEqualTo(new NetworkSource("10.1.2.20", "vpc-1", "vpce-1"));
        assertThat(keys(s)).containsExactly(Map.entry("aws:SourceVpce", "vpce-1"), Map.entry("aws:SourceVpc", "vpc-1"),
                Map.entry("aws:VpcSourceIp", "10.1.2.20"));
        assertThat(keys(s)).doesNotContainKey("aws:SourceIp");
    }

    @Test
    void anyOtherConnectionCarriesSourceIpOnly() throws Exception {
        NetworkSource toHost = mapper.map(ip("10.1.2.20"), ip("10.1.1.10"));
        assertThat(toHost.viaEndpoint()).isFalse();
        assertThat(keys(toHost)).containsExactly(Map.entry("aws:SourceIp", "10.1.2.20"));
        NetworkSource toPublic = mapper.map(ip("203.0.113.10"), ip("203.0.113.5"));
        assertThat(keys(toPublic)).containsExactly(Map.entry("aws:SourceIp", "203.0.113.10"));
        assertThat(keys(mapper.map(ip("10.1.2.20"), null))).containsOnlyKeys("aws:SourceIp");
    }

    @Test
    void aCallerOutsideEverySubnetGetsTheEndpointsVpc() throws Exception {
        NetworkSource s = mapper.map(ip("192.0.2.7"), ip("10.1.1.100"));
        assertThat(s).isEqualTo(new NetworkSource("192.0.2.7", "vpc-1", "vpce-1"));
    }

    @Test
    void ipv4MappedIpv6AddressesAreMapped() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[13] = 1;
        mapped[14] = 1;
        mapped[15] = 100;
        // the JDK turns ::ffff:a.b.c.d into an Inet4Address; Ipv4.of accepts either form
        assertThat(Ipv4.of(mapped)).isEqualTo(Ipv4.parse("10.1.1.100"));
        assertThat(Ipv4.of(new byte[16])).isNull();
    }

    @Test
    void endpointPolicies() {
        assertThat(mapper.endpointPolicy("vpce-1")).isPresent();
        assertThat(mapper.endpointPolicy("vpce-2")).isEmpty();
    }
}
