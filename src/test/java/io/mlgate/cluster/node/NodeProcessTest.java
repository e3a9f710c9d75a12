package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.PeerRule;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.pki.RevocationCheck;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.cluster.tls.ClusterTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mlgate node} as its own process: it enrolls and registers, stops cleanly on SIGTERM (exit 0, "stopped"
 * logged), and after SIGKILL starts again on the credentials it kept, without a token and without enrolling.
 */
class NodeProcessTest {

    @TempDir
    Path dir;

    Process process;
    ControlStub control;

    @AfterEach
    void tearDown() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (control != null) {
            control.close();
        }
    }

    Process start(Path home, Path tokenFile, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.mlgate.cli.Main", "node", "--name", "n1",
                "--zone", "zone-a", "--listen", "127.0.0.1:0", "--gateway", control.address().toString(),
                "--home", home.toString()));
        if (tokenFile != null) {
            cmd.addAll(List.of("--join-token-file", tokenFile.toString()));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void await(java.util.function.BooleanSupplier condition, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void stopsCleanlyOnSigtermAndRestartsAfterSigkillOnItsOwnCredentials() throws Exception {
        Clock clock = Clock.systemUTC();
        ClusterKms kms = new ClusterKms(dir);
        ClusterCa ca = ClusterCa.ephemeral(clock);
        byte[] mac = new byte[32];
        new SecureRandom().nextBytes(mac);
        JoinTokens tokens = new JoinTokens(mac, clock);
        control = new ControlStub(kms, ca, tokens, ClusterTls.server(
                new CredentialHolder(ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1))),
                new PeerVerifier(ca.certificate(), RevocationCheck.NONE, clock, PeerRule.anyOf(SpiffeId.Kind.NODE)),
                RefusalListener.NONE, false));
        String token = tokens.issue("n1", Duration.ofHours(1), ca.fingerprint());
        Path tokenFile = Files.writeString(dir.resolve("n1.token"), token + "\n");
        Path home = dir.resolve("node");

        Path log1 = dir.resolve("run1.log");
        process = start(home, tokenFile, log1);
        await(() -> control.registrations.size() >= 1, process);
        assertThat(control.enrollments.get()).isEqualTo(1);
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log1);
        assertThat(process.exitValue()).as("a JVM ended by SIGTERM exits with 128+15 after its shutdown hooks: " + out)
                .isEqualTo(143);
        assertThat(out).contains("node n1 started: zone zone-a").contains("node n1 stopped")
                .doesNotContain(token).doesNotContain("PRIVATE KEY");

        Path log2 = dir.resolve("run2.log");
        process = start(home, tokenFile, log2);
        int before = control.registrations.size();
        await(() -> control.registrations.size() > before, process);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL

        Path log3 = dir.resolve("run3.log");
        int afterKill = control.registrations.size();
        process = start(home, null, log3);
        await(() -> control.registrations.size() > afterKill, process);
        assertThat(control.enrollments.get()).as("restarts reuse the stored credentials").isEqualTo(1);
        assertThat(Files.readString(log3)).contains("reusing credentials");
        assertThat(control.registrations.get(control.registrations.size() - 1).bootId())
                .isNotEqualTo(control.registrations.get(0).bootId());
    }
}
