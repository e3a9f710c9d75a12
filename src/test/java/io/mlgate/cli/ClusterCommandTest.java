package io.mlgate.cli;

import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.InvalidJoinTokenException;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.RevocationList;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.kms.RootKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterCommandTest extends ConsoleCapture {

    @TempDir
    Path home;

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void caJoinTokenRevokeAndListRoundTrip() throws Exception {
        assertThat(run("cluster", "ca", "--home", home.toString())).isZero();
        String caOut = stdout();
        Path keys = home.resolve("keys");
        RootKey root = RootKey.loadOrCreate(keys);
        ClusterCa ca = ClusterCa.openOrCreate(keys, root, Clock.systemUTC());
        assertThat(caOut).contains("fingerprint: " + ca.fingerprint())
                .contains(keys.resolve("cluster").resolve("ca.pem").toString());

        out.reset();
        assertThat(run("cluster", "join-token", "--node", "n1", "--ttl", "2h", "--home", home.toString())).isZero();
        String token = stdout().trim();
        assertThat(token).startsWith("mlgj1.n1.").doesNotContain("\n");
        JoinTokens tokens = JoinTokens.openOrCreate(keys, root, Clock.systemUTC());
        tokens.verify(token, "n1", ca.fingerprint());
        assertThatThrownBy(() -> tokens.verify(token, "n2", ca.fingerprint()))
                .isInstanceOf(InvalidJoinTokenException.class);
        assertThatThrownBy(() -> new JoinTokens(new byte[32], Clock.offset(Clock.systemUTC(), Duration.ofHours(3)))
                .verify(token, "n1", ca.fingerprint())).isInstanceOf(InvalidJoinTokenException.class);
        JoinTokens later = JoinTokens.openOrCreate(keys, root, Clock.offset(Clock.systemUTC(), Duration.ofHours(3)));
        assertThatThrownBy(() -> later.verify(token, "n1", ca.fingerprint()))
                .hasMessage("the join token has expired");

        out.reset();
        assertThat(run("cluster", "revoke", "--node", "n1", "--reason", "retired", "--home", home.toString()))
                .isZero();
        assertThat(stdout()).contains("revoked spiffe://mlgate/node/n1");
        out.reset();
        assertThat(run("cluster", "revoke", "--serial", "0A:BC", "--home", home.toString())).isZero();
        assertThat(stdout()).contains("revoked serial abc");

        RevocationList list = RevocationList.open(home.resolve("data/cluster/revoked.json"));
        assertThat(list.isRevoked(SpiffeId.node("n1"))).isTrue();
        assertThat(list.isRevoked(SpiffeId.node("n2"))).isFalse();
        assertThat(list.isRevoked(new BigInteger("abc", 16))).isTrue();

        out.reset();
        assertThat(run("cluster", "list-revoked", "--home", home.toString())).isZero();
        String listed = stdout();
        assertThat(listed).contains("identity spiffe://mlgate/node/n1").contains("retired").contains("serial abc");
        assertThat(listed.lines()).hasSize(2);
    }

    @Test
    void badUsageIsRefused() {
        assertThat(run("cluster", "join-token", "--node", "bad.name", "--home", home.toString()))
                .isEqualTo(ClusterCommand.USAGE);
        assertThat(run("cluster", "join-token", "--node", "n1", "--ttl", "forever", "--home", home.toString()))
                .isEqualTo(ClusterCommand.USAGE);
        assertThat(run("cluster", "join-token", "--node", "n1", "--ttl", "31d", "--home", home.toString()))
                .isEqualTo(ClusterCommand.USAGE);
        assertThat(run("cluster", "revoke", "--serial", "xyz", "--home", home.toString()))
                .isEqualTo(ClusterCommand.USAGE);
        assertThat(run("cluster", "revoke", "--node", "n1", "--serial", "ab", "--home", home.toString()))
                .isEqualTo(2);
        assertThat(run("cluster", "revoke", "--home", home.toString())).isEqualTo(2);
        assertThat(stdout()).doesNotContain("mlgj1.");
        assertThat(home.resolve("data/cluster/revoked.json")).doesNotExist();
    }

    @Test
    void durationsParse() {
        assertThat(ClusterCommand.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ClusterCommand.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(ClusterCommand.duration("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(ClusterCommand.duration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(ClusterCommand.duration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> ClusterCommand.duration("0s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterCommand.duration("-PT1H")).isInstanceOf(IllegalArgumentException.class);
    }
}
