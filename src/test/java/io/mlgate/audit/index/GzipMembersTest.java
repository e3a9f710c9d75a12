package io.mlgate.audit.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GzipMembersTest {

    @TempDir
    Path dir;

    private static byte[] content() {
        StringBuilder sb = new StringBuilder();
        Random r = new Random(1);
        for (int i = 0; i < 3000; i++) {
            sb.append("{\"n\":").append(i).append(",\"pad\":\"").append("x".repeat(r.nextInt(200))).append("\"}\n");
        }
        sb.append("{\"long\":\"").append("y".repeat(100_000)).append("\"}\n"); // a line longer than a member
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private record Scan(List<long[]> members, byte[] data, long total) {
    }

    private static Scan scan(Path file) throws IOException {
        List<long[]> members = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        try (FileChannel ch = FileChannel.open(file)) {
            long total = GzipMembers.scan(ch, new GzipMembers.Sink() {
                @Override
                public void member(long c, long u) {
                    members.add(new long[] {c, u});
                }

                @Override
                public void data(byte[] b, int off, int len) {
                    data.write(b, off, len);
                }
            });
            return new Scan(members, data.toByteArray(), total);
        }
    }

    @Test
    void scansMembersAndReadsAnyRangeFromItsMember() throws IOException {
        byte[] content = content();
        Path gz = LogFiles.writeGz(dir.resolve("a.jsonl.gz"), content);
        Scan s = scan(gz);
        assertThat(s.data()).isEqualTo(content);
        assertThat(s.total()).isEqualTo(content.length);
        assertThat(s.members().size()).isGreaterThan(5);
        for (int i = 0; i < s.members().size(); i++) {
            long start = s.members().get(i)[1];
            long end = i + 1 < s.members().size() ? s.members().get(i + 1)[1] : content.length;
            assertThat(end - start <= 64 * 1024 || end - start > 100_000).isTrue();
            assertThat(content[(int) end - 1]).as("members hold whole lines").isEqualTo((byte) '\n');
            try (FileChannel ch = FileChannel.open(gz)) {
                long skip = (end - start) / 3;
                int len = (int) Math.min(50, end - start - skip);
                assertThat(GzipMembers.read(ch, s.members().get(i)[0], skip, len))
                        .isEqualTo(Arrays.copyOfRange(content, (int) (start + skip), (int) (start + skip + len)));
            }
        }
    }

    @Test
    void singleMemberFiles() throws IOException {
        byte[] content = content();
        Path gz = LogFiles.writeSingleMemberGz(dir.resolve("b.jsonl.gz"), content);
        Scan s = scan(gz);
        assertThat(s.members()).hasSize(1);
        assertThat(s.data()).isEqualTo(content);
        try (FileChannel ch = FileChannel.open(gz)) {
            assertThat(GzipMembers.read(ch, 0, content.length - 10, 10))
                    .isEqualTo(Arrays.copyOfRange(content, content.length - 10, content.length));
        }
    }

    @Test
    void damageIsReported() throws IOException {
        Path gz = LogFiles.writeGz(dir.resolve("c.jsonl.gz"), content());
        byte[] bytes = Files.readAllBytes(gz);
        Files.write(gz, Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> scan(gz)).isInstanceOf(GzipMembers.FormatException.class);
        byte[] crc = bytes.clone();
        crc[crc.length - 6] ^= 1; // the last member's CRC
        Files.write(gz, crc);
        assertThatThrownBy(() -> scan(gz)).isInstanceOf(GzipMembers.FormatException.class)
                .hasMessageContaining("CRC");
        byte[] junk = Arrays.copyOf(bytes, bytes.length + 4);
        Files.write(gz, junk);
        assertThatThrownBy(() -> scan(gz)).isInstanceOf(GzipMembers.FormatException.class);
        Files.write(gz, "plain text\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> scan(gz)).isInstanceOf(GzipMembers.FormatException.class);
    }
}
