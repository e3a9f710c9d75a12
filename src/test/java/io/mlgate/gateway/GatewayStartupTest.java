package io.mlgate.gateway;

import io.mlgate.kms.artifact.ArtifactException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What happens across starts of the real application: first start generates keys, credentials and the encrypted
 * model; a restart keeps them; no plaintext model is ever on disk; a tampered artifact or a broken policy file stops
 * the start with a clear error.
 */
class GatewayStartupTest {

    @TempDir
    Path home;

    private ConfigurableApplicationContext start(Path policies) {
        return new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies);
    }

    private static Path repoPolicies() {
        return Path.of("policies").toAbsolutePath();
    }

    @Test
    void restartKeepsKeysAndCredentialsAndNoPlaintextModelIsOnDisk() throws Exception {
        List<String> kept = List.of("keys/dev-ca.pem", "keys/server.pem", "keys/server-key.pem", "keys/root.key",
                "keys/kms-keys.json", "keys/access-keys.json", "keys/demo-credentials",
                "data/models/iris.mlga");
        try (ConfigurableApplicationContext first = start(repoPolicies())) {
            assertThat(first.isRunning()).isTrue();
        }
        byte[][] before = read(kept);
        try (ConfigurableApplicationContext second = start(repoPolicies())) {
            assertThat(second.isRunning()).isTrue();
        }
        assertThat(read(kept)).isDeepEqualTo(before);

        byte[] model;
        try (InputStream in = getClass().getResourceAsStream("/demo/iris.onnx")) {
            model = in.readAllBytes();
        }
        byte[] probe = Arrays.copyOfRange(model, model.length / 2, model.length / 2 + 64);
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(indexOf(Files.readAllBytes(file), probe)).as("plaintext model bytes in " + file).isEqualTo(-1);
            }
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("keys/demo-credentials")))).isEqualTo("rw-------");
    }

    @Test
    void aTamperedArtifactRefusesToLoad() throws Exception {
        try (ConfigurableApplicationContext first = start(repoPolicies())) {
            assertThat(first.isRunning()).isTrue();
        }
        Path artifact = home.resolve("data/models/iris.mlga");
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[bytes.length - 40] ^= 0x01;
        Files.write(artifact, bytes);
        assertThatThrownBy(() -> start(repoPolicies()).close())
                .hasRootCauseInstanceOf(ArtifactException.class)
                .rootCause().hasMessageContaining("failed authentication");
    }

    @Test
    void aBrokenPolicyFileStopsTheStartNamingFileLineAndColumn() throws Exception {
        Path policies = home.resolve("policies");
        TestFiles.copyTree(repoPolicies(), policies);
        Path user = policies.resolve("users/demo-analyst.json");
        String text = Files.readString(user, StandardCharsets.UTF_8);
        Files.writeString(user, text.replaceFirst("\"Groups\"", "\"Grups\""), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> start(policies).close())
                .rootCause().hasMessageContaining("demo-analyst.json:").hasMessageMatching("(?s).*:\\d+:\\d+.*");
    }

    private byte[][] read(List<String> files) throws IOException {
        byte[][] out = new byte[files.size()][];
        for (int i = 0; i < files.size(); i++) {
            out[i] = Files.readAllBytes(home.resolve(files.get(i)));
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
