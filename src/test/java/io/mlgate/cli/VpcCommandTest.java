package io.mlgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./mlgate vpc} without touching the machine: --dry-run, topology errors, unknown hosts. */
class VpcCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void dryRunPrintsTheCommandsAndChangesNothing() {
        Run r = run("vpc", "up", "--dry-run", "--topology", "vpc-sim/topologies/demo.json", "--state-dir",
                dir.resolve("state").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("ip netns add mlgvpc-gateway\n", "ip -n mlgvpc-client route add default via 10.20.0.1\n",
                "ip netns exec mlgvpc-n1 nft -f - <<'NFT'\ntable inet mlgvpc {");
        assertThat(dir.resolve("state")).doesNotExist();
        Run down = run("vpc", "down", "--dry-run", "--topology", "vpc-sim/topologies/demo.json", "--state-dir",
                dir.resolve("state").toString());
        assertThat(down.exit()).isZero();
        assertThat(down.out()).contains("ip netns del mlgvpc-rt\n", "ip netns del mlgvpc-client\n");
    }

    @Test
    void anInvalidTopologyIsRefusedWithItsPosition() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(Path.of("vpc-sim/topologies/demo.json"))
                .replace("\"address\": \"10.20.1.21\"", "\"address\": \"10.21.1.21\""));
        Run r = run("vpc", "up", "--dry-run", "--topology", bad.toString());
        assertThat(r.exit()).isEqualTo(VpcCommand.USAGE);
        assertThat(r.err()).contains(bad + ":").contains("host n1: address 10.21.1.21 is not inside its subnet");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void execNeedsAHostOfTheTopology() {
        Run r = run("vpc", "exec", "--topology", "vpc-sim/topologies/demo.json", "--host", "nobody", "--", "true");
        assertThat(r.exit()).isEqualTo(VpcCommand.USAGE);
        assertThat(r.err()).contains("the topology has no host 'nobody'");
    }
}
