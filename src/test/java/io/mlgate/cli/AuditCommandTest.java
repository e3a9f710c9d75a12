package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class AuditCommandTest extends ConsoleCapture {

    @TempDir
    Path home;

    private static int audit(String... args) {
        return new CommandLine(new AuditCommand()).execute(args);
    }

    private void log(int seq) throws IOException {
        Path file = home.resolve("audit").resolve(String.format("events-20261126T10%02d00Z-%06d.jsonl.gz", seq, seq));
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < 3; i++) {
                out.write(("{\"eventVersion\":\"1.11\",\"userIdentity\":{\"type\":\"IAMUser\"},\"eventTime\":"
                        + "\"2026-11-26T10:" + String.format("%02d", seq) + ":0" + i + "Z\",\"eventSource\":"
                        + "\"sagemaker.amazonaws.com\",\"eventName\":\"InvokeEndpoint\",\"requestID\":\"r" + seq + i
                        + "\"}\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void digestValidateWitnessPublicKeysAndRotate() throws IOException {
        String audit = home.resolve("audit").toString();
        log(1);
        log(2);
        assertThat(audit("digest", "--now", "--home", home.toString(), "--account", "123456789012")).isZero();
        assertThat(stdout()).contains("wrote digests/digest-").contains("log files 1..2").contains("witness: 1:");

        out.reset();
        assertThat(audit("validate", "--dir", audit)).isZero();
        assertThat(stdout()).startsWith("VALID").contains("checked 1 digests, 2 log files");

        out.reset();
        assertThat(audit("witness", "--dir", audit)).isZero();
        String witness = stdout().trim();
        assertThat(witness).matches("1:2026-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ:[0-9a-f]{64}");

        out.reset();
        assertThat(audit("public-keys", "--dir", audit)).isZero();
        assertThat(stdout()).contains("\"PublicKeyList\"").contains("\"Fingerprint\"");

        out.reset();
        assertThat(audit("rotate-key", "--home", home.toString())).isZero();
        assertThat(stdout()).contains("new digest signing key");
        log(3);
        assertThat(audit("digest", "--now", "--home", home.toString(), "--account", "123456789012")).isZero();
        out.reset();
        assertThat(audit("validate", "--dir", audit, "--witness", witness)).isZero();
        assertThat(stdout()).startsWith("VALID").contains("checked 2 digests, 3 log files");

        // tampering: exit 1 and the problem named
        Path first = home.resolve("audit/events-20261126T100100Z-000001.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(first))) {
            o.write("{}\n".getBytes(StandardCharsets.UTF_8));
        }
        out.reset();
        assertThat(audit("validate", "--dir", audit)).isEqualTo(AuditCommand.INVALID);
        assertThat(stdout()).startsWith("INVALID: 1 problems").contains("MODIFIED_LOG_FILE events-20261126T100100Z");
        // outside the range it is not looked at
        out.reset();
        assertThat(audit("validate", "--dir", audit, "--from", "2100-01-01T00:00:00Z")).isZero();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(audit("validate", "--dir", home.toString(), "--from", "yesterday")).isEqualTo(AuditCommand.USAGE);
        assertThat(audit("validate", "--dir", home.toString(), "--witness", "nonsense")).isEqualTo(AuditCommand.USAGE);
        assertThat(audit("validate", "--dir", home.resolve("absent").toString())).isEqualTo(AuditCommand.FAILED);
        assertThat(audit("digest", "--home", home.toString())).isEqualTo(AuditCommand.USAGE);
    }

    @Test
    void digestNowLeavesTheFolderToARunningGateway() throws IOException {
        Path audit = Files.createDirectories(home.resolve("audit"));
        try (FileChannel ch = FileChannel.open(audit.resolve(".writer.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertThat(held.isValid()).isTrue();
            // the holder is asked over HTTPS; none listens on this port, so the command fails and says why
            assertThat(audit("digest", "--now", "--home", home.toString(), "--account", "123456789012",
                    "--url", "https://127.0.0.1:9")).isEqualTo(AuditCommand.FAILED);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("a gateway holds the audit folder");
        }
        assertThat(Files.exists(audit.resolve("digests"))).isFalse();
    }
}
