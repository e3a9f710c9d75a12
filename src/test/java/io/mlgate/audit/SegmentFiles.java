package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/** Test-side reading of segment files, independent of the code under test (JDK gzip and a hand-written parser). */
final class SegmentFiles {

    /** The exact header every member must have: 1f 8b, CM=8, FLG=0, MTIME=0, XFL=0, OS=255. */
    static final byte[] MEMBER_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private SegmentFiles() {
    }

    /** The uncompressed bytes of a segment file: gunzipped (every member) if it is a {@code .gz}. */
    static byte[] content(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".gz")) {
            return Files.readAllBytes(file);
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    static List<String> lines(Path file) throws IOException {
        String text = new String(content(file), StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /**
     * Splits gzip bytes into members, asserting each member's header is exactly {@link #MEMBER_HEADER} and its CRC-32
     * and length trailer match; returns each member's uncompressed bytes.
     */
    static List<byte[]> members(byte[] gz) throws DataFormatException {
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < gz.length) {
            assertThat(Arrays.copyOfRange(gz, pos, Math.min(gz.length, pos + 10))).as("member header at %d", pos)
                    .isEqualTo(MEMBER_HEADER);
            pos += 10;
            Inflater inf = new Inflater(true);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            try {
                inf.setInput(gz, pos, gz.length - pos);
                byte[] buf = new byte[8192];
                while (!inf.finished()) {
                    int n = inf.inflate(buf);
                    if (n == 0 && inf.needsInput()) {
                        throw new AssertionError("member truncated");
                    }
                    data.write(buf, 0, n);
                }
                pos = gz.length - inf.getRemaining();
            } finally {
                inf.end();
            }
            byte[] bytes = data.toByteArray();
            CRC32 crc = new CRC32();
            crc.update(bytes);
            assertThat(le32(gz, pos)).as("CRC-32").isEqualTo(crc.getValue());
            assertThat(le32(gz, pos + 4)).as("ISIZE").isEqualTo(bytes.length & 0xffffffffL);
            pos += 8;
            out.add(bytes);
        }
        return out;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Names of the files in {@code dir} that start with {@code events-}, sorted. */
    static List<String> eventFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("events-")).sorted().toList();
        }
    }
}
