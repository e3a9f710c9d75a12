package io.mlgate.cli;

import io.mlgate.gateway.DemoCredentialsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    @TempDir
    Path dir;

    private static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Test
    void helpAndUnknownArguments() {
        assertThat(run("--help")).isZero();
        assertThat(run("serve", "--help")).isZero();
        assertThat(run("serve", "not-a-setting")).isEqualTo(2);
        assertThat(run("no-such-command")).isNotZero();
    }

    @Test
    void wrkScriptCarriesASignedRequest() throws Exception {
        Map<String, String[]> profiles = new LinkedHashMap<>();
        profiles.put("demo-analyst", new String[] {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"});
        Path credentials = dir.resolve("credentials");
        DemoCredentialsFile.write(credentials, profiles);
        Path out = dir.resolve("invoke.lua");
        assertThat(run("bench", "wrk-script", "--credentials", credentials.toString(), "--out", out.toString(),
                "--url", "https://127.0.0.1:18443")).isZero();
        String lua = Files.readString(out);
        assertThat(lua).contains("wrk.path = \"/endpoints/iris/invocations\"")
                .contains("wrk.headers[\"Host\"] = \"127.0.0.1:18443\"")
                .containsPattern("Credential=AKIAIOSFODNN7EXAMPLE/\\d{8}/us-east-1/sagemaker/aws4_request")
                .doesNotContain("wJalrXUtnFEMI");
        assertThat(run("bench", "wrk-script", "--credentials", credentials.toString(), "--profile", "nobody",
                "--out", out.toString())).isNotZero();
    }

    @Test
    void credentialsFileRoundTripsAndIsPrivate() throws Exception {
        Map<String, String[]> profiles = new LinkedHashMap<>();
        profiles.put("a", new String[] {"AKIA1", "s1"});
        profiles.put("b", new String[] {"AKIA2", "s2"});
        Path file = dir.resolve("c");
        DemoCredentialsFile.write(file, profiles);
        assertThat(DemoCredentialsFile.read(file)).containsOnlyKeys("a", "b");
        assertThat(DemoCredentialsFile.read(file).get("b")).containsExactly("AKIA2", "s2");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }
}
