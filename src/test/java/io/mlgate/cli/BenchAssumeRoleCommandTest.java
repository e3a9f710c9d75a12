package io.mlgate.cli;

import io.mlgate.bench.StsLoadGenerator.Call;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchAssumeRoleCommandTest {

    private static BenchCommand.AssumeRole parse(String... args) {
        BenchCommand.AssumeRole command = new BenchCommand.AssumeRole();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void defaultsMatchTheDemo() {
        BenchCommand.AssumeRole c = parse();
        assertThat(c.profile).isEqualTo("demo-admin");
        assertThat(c.roleArn).isEqualTo("arn:aws:iam::123456789012:role/service/demo-inference");
        assertThat(c.connections).containsExactly(1, 16);
        assertThat(c.sessionSeconds).isEqualTo(900);
        assertThat(c.plan()).containsExactly(Call.ASSUME_ROLE);
    }

    @Test
    void parsesTheDocumentedCommandLine() {
        BenchCommand.AssumeRole c = parse("--url", "https://127.0.0.1:18444", "--profile", "demo-admin",
                "--role-arn", "arn:aws:iam::123456789012:role/other", "--connections", "1,4,16", "--duration", "5",
                "--warmup", "0", "--calls", "assume-role,caller-identity,session-caller-identity");
        assertThat(c.url).isEqualTo(URI.create("https://127.0.0.1:18444"));
        assertThat(c.roleArn).isEqualTo("arn:aws:iam::123456789012:role/other");
        assertThat(c.connections).containsExactly(1, 4, 16);
        assertThat(c.durationSeconds).isEqualTo(5);
        assertThat(c.plan()).containsExactly(Call.ASSUME_ROLE, Call.CALLER_IDENTITY, Call.SESSION_CALLER_IDENTITY);
    }

    @Test
    void refusesBadValues() {
        assertThatThrownBy(() -> parse("--calls", "assume-roles").plan()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("session-caller-identity");
        assertThatThrownBy(() -> parse("--connections", "0").plan()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("--duration", "0").plan()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("--connections", "x")).isInstanceOf(CommandLine.ParameterException.class);
        assertThat(new CommandLine(new Main()).execute("bench", "assume-role", "--calls", "nope")).isNotZero();
    }
}
