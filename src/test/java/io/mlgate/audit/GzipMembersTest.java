package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipMembersTest {

    @TempDir
    Path dir;

    private static byte[] line(int length, char fill) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) fill);
        b[length - 1] = '\n';
        return b;
    }

    private static byte[] compress(byte[] input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipMembers.compress(Channels.newChannel(new java.io.ByteArrayInputStream(input)), Channels.newChannel(out));
        return out.toByteArray();
    }

    /** Members must hold whole lines, at most 64 KiB each unless one line is longer, and restore the exact bytes. */
    private static List<byte[]> assertWellFormed(byte[] input, byte[] gz) throws Exception {
        List<byte[]> members = SegmentFiles.members(gz);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] m : members) {
            joined.writeBytes(m);
            if (m.length > 0) {
                assertThat(m[m.length - 1]).as("member ends with a whole line").isEqualTo((byte) '\n');
            }
            if (m.length > GzipMembers.MAX_MEMBER_INPUT) {
                // only a single over-long line may exceed the limit
                assertThat(new String(m, StandardCharsets.ISO_8859_1).indexOf('\n')).isEqualTo(m.length - 1);
            }
        }
        assertThat(joined.toByteArray()).isEqualTo(input);
        return members;
    }

    @Test
    void packsWholeLinesGreedilyIntoMembersOfAtMost64KiB() throws Exception {
        Random r = new Random(42);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        List<Integer> lengths = new ArrayList<>();
        while (in.size() < 1_000_000) {
            int len = 1 + r.nextInt(3000);
            lengths.add(len);
            in.writeBytes(line(len, (char) ('a' + r.nextInt(26))));
        }
        byte[] input = in.toByteArray();
        byte[] gz = compress(input);
        List<byte[]> members = assertWellFormed(input, gz);
        assertThat(members.size()).isGreaterThanOrEqualTo(input.length / GzipMembers.MAX_MEMBER_INPUT);
        for (int i = 0; i < members.size() - 1; i++) {
            assertThat(members.get(i).length).isLessThanOrEqualTo(GzipMembers.MAX_MEMBER_INPUT);
            // greedy: the next member's first line would not have fitted
            int nextLine = new String(members.get(i + 1), StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
            assertThat(members.get(i).length + nextLine).isGreaterThan(GzipMembers.MAX_MEMBER_INPUT);
        }
    }

    @Test
    void aLineLongerThanAMemberGetsAMemberOfItsOwn() throws Exception {
        byte[] small = line(100, 's');
        byte[] huge = line(200_000, 'h');
        byte[] exact = line(GzipMembers.MAX_MEMBER_INPUT, 'e');
        byte[] input = SegmentFiles.concat(small, huge, small, exact, small);
        List<byte[]> members = assertWellFormed(input, compress(input));
        assertThat(members).extracting(m -> m.length)
                .containsExactly(100, 200_000, 100, GzipMembers.MAX_MEMBER_INPUT, 100);
    }

    @Test
    void emptyInputIsOneEmptyMemberThatGunzips() throws Exception {
        byte[] gz = compress(new byte[0]);
        assertThat(SegmentFiles.members(gz)).singleElement().satisfies(m -> assertThat(m).isEmpty());
        Path f = dir.resolve("events-20260101T000000Z-000001.jsonl.gz");
        Files.write(f, gz);
        assertThat(SegmentFiles.content(f)).isEmpty();
    }

    @Test
    void trailingBytesWithoutNewlineAreKeptExactly() throws Exception {
        byte[] input = SegmentFiles.concat(line(10, 'a'), "partial".getBytes(StandardCharsets.US_ASCII));
        List<byte[]> members = SegmentFiles.members(compress(input));
        assertThat(SegmentFiles.concat(members.toArray(new byte[0][]))).isEqualTo(input);
    }

    @Test
    void memberTableAndInflateAtAnOffset() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; in.size() < 300_000; i++) {
            in.writeBytes(("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 500) + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] input = in.toByteArray();
        Path f = dir.resolve("x.gz");
        Files.write(f, compress(input));
        List<GzipMembers.Member> table = GzipMembers.members(f);
        assertThat(table).hasSizeGreaterThan(4);
        long expectedCompressed = 0;
        long expectedUncompressed = 0;
        try (SeekableByteChannel ch = Files.newByteChannel(f, StandardOpenOption.READ)) {
            for (GzipMembers.Member m : table) {
                assertThat(m.compressedOffset()).isEqualTo(expectedCompressed);
                assertThat(m.uncompressedOffset()).isEqualTo(expectedUncompressed);
                byte[] bytes = GzipMembers.inflate(ch, m.compressedOffset());
                assertThat(bytes).hasSize((int) m.uncompressedLength());
                assertThat(bytes).isEqualTo(java.util.Arrays.copyOfRange(input, (int) m.uncompressedOffset(),
                        (int) (m.uncompressedOffset() + m.uncompressedLength())));
                expectedCompressed += m.compressedLength();
                expectedUncompressed += m.uncompressedLength();
            }
            assertThat(expectedCompressed).isEqualTo(Files.size(f));
            assertThat(expectedUncompressed).isEqualTo(input.length);
            // an offset that is not a member boundary is refused, not misread
            assertThatThrownBy(() -> GzipMembers.inflate(ch, table.get(1).compressedOffset() + 3))
                    .isInstanceOf(ZipException.class);
        }
    }

    @Test
    void readsSingleMemberFilesFromOtherToolsWithOptionalHeaderFields() throws Exception {
        byte[] input = "{\"a\":1}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(input);
        }
        byte[] bytes = out.toByteArray();
        // add an FNAME field the way gzip(1) does: set FLG.FNAME and insert "x.jsonl\0" after the 10-byte header
        byte[] name = "x.jsonl\0".getBytes(StandardCharsets.US_ASCII);
        byte[] named = SegmentFiles.concat(java.util.Arrays.copyOfRange(bytes, 0, 10), name,
                java.util.Arrays.copyOfRange(bytes, 10, bytes.length));
        named[3] = 8;
        Path f = dir.resolve("single.gz");
        Files.write(f, named);
        assertThat(GzipMembers.members(f)).singleElement()
                .satisfies(m -> assertThat(m.uncompressedLength()).isEqualTo(input.length));
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            assertThat(GzipMembers.inflate(ch, 0)).isEqualTo(input);
        }
    }

    @Test
    void corruptionIsDetected() throws Exception {
        byte[] gz = compress(line(1000, 'c'));
        byte[] badCrc = gz.clone();
        badCrc[badCrc.length - 6] ^= 1; // inside the CRC-32 of the trailer
        Path f = dir.resolve("bad.gz");
        Files.write(f, badCrc);
        assertThatThrownBy(() -> GzipMembers.members(f)).isInstanceOf(ZipException.class).hasMessageContaining("CRC");
        Files.write(f, java.util.Arrays.copyOf(gz, gz.length - 3));
        assertThatThrownBy(() -> GzipMembers.members(f)).isInstanceOf(java.io.EOFException.class);
    }
}
