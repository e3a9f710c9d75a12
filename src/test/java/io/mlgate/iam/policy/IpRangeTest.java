package io.mlgate.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    void ipv4Cidr() {
        IpRange r = IpRange.parse("203.0.113.0/24");
        assertThat(r.contains("203.0.113.77")).isTrue();
        assertThat(r.contains("203.0.114.1")).isFalse();
        assertThat(IpRange.parse("10.1.2.3").contains("10.1.2.3")).isTrue();
        assertThat(IpRange.parse("10.1.2.3").contains("10.1.2.4")).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
        assertThat(IpRange.parse("10.0.0.0/9").contains("10.127.255.255")).isTrue();
        assertThat(IpRange.parse("10.0.0.0/9").contains("10.128.0.0")).isFalse();
    }

    @Test
    void ipv6CidrWithShorthandAndCase() {
        IpRange r = IpRange.parse("2001:DB8:1234::/48");
        assertThat(r.contains("2001:db8:1234:ffff::1")).isTrue();
        assertThat(r.contains("2001:0db8:1234:0000:0000:0000:0000:0001")).isTrue();
        assertThat(r.contains("2001:db8:1235::1")).isFalse();
        assertThat(IpRange.parse("::1").contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(IpRange.parse("2001:db8::/32").contains("203.0.113.1")).isFalse();
    }

    @Test
    void ipv4MappedIpv6CountsAsIpv4() {
        assertThat(IpRange.parse("192.0.2.0/24").contains("::ffff:192.0.2.5")).isTrue();
        assertThat(IpRange.parse("192.0.2.0/24").contains("::ffff:192.0.3.5")).isFalse();
    }

    @Test
    void garbageIsRejectedOrNeverMatches() {
        assertThatThrownBy(() -> IpRange.parse("example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("1::2::3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("1:2:3:4:5:6:7:8:9")).isInstanceOf(IllegalArgumentException.class);
        IpRange all = IpRange.parse("0.0.0.0/0");
        assertThat(all.contains("localhost")).isFalse();
        assertThat(all.contains("1.2.3")).isFalse();
        assertThat(all.contains("")).isFalse();
    }
}
