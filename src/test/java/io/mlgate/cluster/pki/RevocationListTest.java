package io.mlgate.cluster.pki;

import io.mlgate.sts.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevocationListTest {

    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(T0);

    private Path file() {
        return home.resolve("data/cluster/revoked.json");
    }

    @Test
    void aMissingFileRevokesNothing() throws IOException {
        RevocationList list = RevocationList.open(file(), clock);
        assertThat(list.isRevoked(SpiffeId.node("n1"))).isFalse();
        assertThat(list.entries()).isEmpty();
        assertThat(list.reloadIfChanged()).isFalse();
        assertThat(file()).doesNotExist();
    }

    @Test
    void revocationsArePersistedAcrossReopen() throws IOException {
        RevocationList list = RevocationList.open(file(), clock);
        list.revokeIdentity(SpiffeId.node("n1"), "decommissioned");
        list.revokeSerial(new BigInteger("abc123", 16), "key leaked");
        list.revokeIdentity(SpiffeId.node("n1"), "again");

        RevocationList reopened = RevocationList.open(file(), clock);
        assertThat(reopened.isRevoked(SpiffeId.node("n1"))).isTrue();
        assertThat(reopened.isRevoked(SpiffeId.node("n2"))).isFalse();
        assertThat(reopened.isRevoked(SpiffeId.gateway("n1"))).isFalse();
        assertThat(reopened.isRevoked(new BigInteger("abc123", 16))).isTrue();
        assertThat(reopened.isRevoked(new BigInteger("abc124", 16))).isFalse();
        assertThat(reopened.entries()).extracting(RevocationList.Entry::subject)
                .containsExactly("spiffe://mlgate/node/n1", "abc123");
        assertThat(reopened.entries().get(0).reason()).isEqualTo("decommissioned");
        assertThat(reopened.entries().get(0).revokedAt()).isEqualTo(T0);
        assertThat(Files.readString(file())).contains("\"identity\" : \"spiffe://mlgate/node/n1\"")
                .contains("\"serial\" : \"abc123\"");
    }

    @Test
    void anotherProcessesChangeIsSeenOnReload() throws IOException {
        RevocationList gateway = RevocationList.open(file(), clock);
        RevocationList cli = RevocationList.open(file(), clock);
        cli.revokeIdentity(SpiffeId.node("n3"), "cli");
        assertThat(gateway.isRevoked(SpiffeId.node("n3"))).isFalse();
        assertThat(gateway.reloadIfChanged()).isTrue();
        assertThat(gateway.isRevoked(SpiffeId.node("n3"))).isTrue();
        assertThat(gateway.reloadIfChanged()).isFalse();

        // A writer never drops the other's entries: it re-reads under the lock before adding.
        gateway.revokeIdentity(SpiffeId.node("n4"), "gateway");
        cli.revokeIdentity(SpiffeId.node("n5"), "cli");
        RevocationList fresh = RevocationList.open(file(), clock);
        assertThat(fresh.entries()).extracting(RevocationList.Entry::subject).containsExactly(
                "spiffe://mlgate/node/n3", "spiffe://mlgate/node/n4", "spiffe://mlgate/node/n5");
    }

    @Test
    void certificatesAreRevokedByIdentityOrSerial() throws IOException {
        ClusterCa ca = ClusterCa.ephemeral(clock);
        RevocationList list = RevocationList.open(file(), clock);
        var n1 = ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1)).leaf();
        var n2 = ca.issueNew(SpiffeId.node("n2"), Duration.ofHours(1)).leaf();
        assertThat(list.isRevoked(n1)).isFalse();
        list.revokeIdentity(SpiffeId.node("n1"), null);
        assertThat(list.isRevoked(n1)).isTrue();
        assertThat(list.isRevoked(n2)).isFalse();
        list.revokeSerial(n2.getSerialNumber(), "");
        assertThat(list.isRevoked(n2)).isTrue();
    }

    @Test
    void anUnreadableFileIsAnErrorNotAnEmptyList() throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{not json");
        assertThatThrownBy(() -> RevocationList.open(file(), clock)).isInstanceOf(IOException.class)
                .hasMessageContaining("not valid JSON");
        Files.writeString(file(), "{\"version\":1,\"revoked\":[{\"identity\":\"spiffe://x/y\",\"reason\":\"\","
                + "\"revokedAt\":\"2026-11-27T08:00:00Z\"}]}");
        assertThatThrownBy(() -> RevocationList.open(file(), clock)).hasMessageContaining("entry 0 is malformed");
        Files.writeString(file(), "{\"version\":2,\"revoked\":[]}");
        assertThatThrownBy(() -> RevocationList.open(file(), clock)).hasMessageContaining("version 1");
    }

    @Test
    void aReloadOfABrokenFileKeepsTheLastGoodList() throws IOException {
        RevocationList list = RevocationList.open(file(), clock);
        list.revokeIdentity(SpiffeId.node("n1"), "x");
        Files.writeString(file(), "garbage, and longer than before");
        assertThatThrownBy(list::reloadIfChanged).isInstanceOf(IOException.class);
        assertThat(list.isRevoked(SpiffeId.node("n1"))).isTrue();
    }

    @Test
    void reasonsAreOneBoundedLine() throws IOException {
        RevocationList list = RevocationList.open(file(), clock);
        list.revokeIdentity(SpiffeId.node("n1"), "line1\nline2\u0007" + "x".repeat(500));
        String reason = list.entries().get(0).reason();
        assertThat(reason).doesNotContain("\n").hasSizeLessThanOrEqualTo(200).startsWith("line1 line2");
        assertThatThrownBy(() -> list.revokeSerial(BigInteger.ZERO, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
