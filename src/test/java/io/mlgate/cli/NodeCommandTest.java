package io.mlgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mlgate node}: arguments are checked before anything starts; no credentials and no token is an error. */
class NodeCommandTest {

    @TempDir
    Path home;

    private int run(String... args) {
        PrintStream err = System.err;
        System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            return new CommandLine(new Main()).execute(args);
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void refusesBadArgumentsAndStartsNothingWithoutCredentials() throws Exception {
        String[] base = {"node", "--name", "n1", "--zone", "zone-a", "--gateway", "127.0.0.1:9", "--home",
                home.toString()};
        assertThat(run(concat(base, "--listen", "nowhere"))).as("listen is not HOST:PORT").isEqualTo(2);
        assertThat(run("node", "--name", "bad name", "--zone", "z", "--listen", "127.0.0.1:0", "--gateway",
                "127.0.0.1:9")).as("invalid node name").isEqualTo(2);
        Path token = Files.writeString(home.resolve("t"), "x");
        assertThat(run(concat(base, "--listen", "127.0.0.1:0", "--join-token", "x", "--join-token-file",
                token.toString()))).as("both token options").isEqualTo(2);
        assertThat(run(concat(base, "--listen", "127.0.0.1:0"))).as("no credentials, no token").isEqualTo(1);
        assertThat(home.resolve("credentials")).doesNotExist();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
