package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


class PolicyCommandTest extends ConsoleCapture {

    static final String ALLOW = "{\"policies\":{\"identity\":[{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}}]},"
            + "\"request\":{\"principal\":{\"type\":\"User\",\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"account\":\"111122223333\"},"
            + "\"action\":\"sagemaker:InvokeEndpoint\",\"resource\":\"arn:aws:sagemaker:us-east-1:111122223333:endpoint/iris\"}}";
    static final String DENY = ALLOW.replace("\"Effect\":\"Allow\"", "\"Effect\":\"Deny\"");

    @TempDir
    Path dir;


    @Test
    void printsOneJsonLinePerInputAndExitsZeroWhateverTheDecision() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.writeString(file, ALLOW + "\n" + DENY + "\n");
        assertThat(run("policy", "simulate", "--input", file.toString())).isZero();
        String[] lines = stdout().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("{\"decision\":\"Allow\"");
        assertThat(lines[1]).startsWith("{\"decision\":\"ExplicitDeny\"").contains("with an explicit deny in an identity-based policy");
    }

    @Test
    void readsStdin() {
        System.setIn(new ByteArrayInputStream(("[" + DENY + "]").getBytes(StandardCharsets.UTF_8)));
        assertThat(run("policy", "simulate", "--input", "-")).isZero();
        assertThat(stdout().trim()).startsWith("{\"decision\":\"ExplicitDeny\"");
    }

    @Test
    void invalidInputExitsTwoWithProblemsOnStderr() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, ALLOW.replace("\"action\"", "\"Action\""));
        assertThat(run("policy", "simulate", "--input", file.toString())).isEqualTo(2);
        assertThat(stdout()).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid simulation input")
                .contains("bad.json:1:").contains("did you mean 'action'?");
    }

    @Test
    void missingFileExitsTwo() {
        assertThat(run("policy", "simulate", "--input", dir.resolve("nope.json").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read simulation input");
    }
}
