package io.mlgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mlgate capture read} without a gateway: bad options and missing folders. Reading through the running
 * gateway's KMS (authorized, denied, audited) is in {@code gateway/CaptureEncryptionIntegrationTest}.
 */
class CaptureCommandTest extends ConsoleCapture {

    @TempDir
    Path home;

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        Files.createDirectories(home.resolve("data/capture/e/A"));
        String[][] cases = {
                {"--endpoint", "../e"},
                {"--endpoint", "e", "--variant", "A/../B"},
                {"--endpoint", "e", "--from", "yesterday"},
                {"--endpoint", "e", "--from", "2026-11-27T11:00:00Z", "--to", "2026-11-27T10:00:00Z"},
                {"--endpoint", "e", "--prefix", "../keys"},
        };
        for (String[] c : cases) {
            err.reset();
            String[] args = new String[c.length + 4];
            args[0] = "capture";
            args[1] = "read";
            System.arraycopy(c, 0, args, 2, c.length);
            args[c.length + 2] = "--home";
            args[c.length + 3] = home.toString();
            assertThat(run(args)).as(String.join(" ", c)).isEqualTo(CaptureCommand.USAGE);
            assertThat(err.toString()).startsWith("capture read: ").doesNotContain("\tat ");
        }
        assertThat(run("capture", "read", "--endpoint", "e", "--prefix", "../keys", "--home", home.toString()))
                .isEqualTo(CaptureCommand.USAGE);
        assertThat(err.toString()).contains("--prefix");
    }

    @Test
    void aMissingCaptureFolderOrMissingCredentialsFail() throws Exception {
        assertThat(run("capture", "read", "--endpoint", "e", "--home", home.toString()))
                .isEqualTo(CaptureCommand.FAILED);
        assertThat(err.toString()).contains("no captured data for endpoint e");
        Files.createDirectories(home.resolve("data/capture/e/A"));
        err.reset();
        assertThat(run("capture", "read", "--endpoint", "e", "--variant", "B", "--home", home.toString()))
                .isEqualTo(CaptureCommand.FAILED);
        assertThat(err.toString()).contains("variant B");
        err.reset();
        assertThat(run("capture", "read", "--endpoint", "e", "--home", home.toString(), "--profile", "demo-admin"))
                .isEqualTo(CaptureCommand.USAGE);
        assertThat(err.toString()).contains("demo-credentials").doesNotContain("\tat ");
    }

    @Test
    void theCommandIsListed() {
        assertThat(run("capture", "--help")).isZero();
        assertThat(stdout()).contains("read");
    }
}
