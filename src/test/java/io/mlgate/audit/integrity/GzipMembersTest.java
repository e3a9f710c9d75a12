package io.mlgate.audit.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipMembersTest {

    @TempDir
    Path dir;

    private static byte[] members(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : parts) {
            out.writeBytes(TrailFiles.gzip(p.getBytes(StandardCharsets.UTF_8)));
        }
        return out.toByteArray();
    }

    private static String read(byte[] gz, int buffer) throws IOException {
        try (InputStream in = new GzipMembers(new ByteArrayInputStream(gz), buffer)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsEverySeriesOfMembersWhateverTheBufferSize() throws IOException {
        String big = "x".repeat(200_000);
        byte[] gz = members("{\"a\":1}\n", big, "", "{\"b\":2}\n");
        for (int buffer : new int[] {1, 7, 512, 65536}) {
            assertThat(read(gz, buffer)).isEqualTo("{\"a\":1}\n" + big + "{\"b\":2}\n");
        }
    }

    @Test
    void refusesTrailingDataTruncationAndCorruption() {
        byte[] gz = members("one\n", "two\n");
        byte[] trailing = Arrays.copyOf(gz, gz.length + 3);
        assertThatThrownBy(() -> read(trailing, 512)).hasMessageContaining("unexpected data after end");
        assertThatThrownBy(() -> read(Arrays.copyOf(gz, gz.length - 2), 512)).isInstanceOf(IOException.class);
        byte[] crc = gz.clone();
        crc[gz.length - 6] ^= 1;
        assertThatThrownBy(() -> read(crc, 512)).hasMessageContaining("CRC");
        assertThatThrownBy(() -> read(new byte[0], 512)).hasMessageContaining("not in gzip format");
        assertThatThrownBy(() -> read("plain".getBytes(StandardCharsets.UTF_8), 512))
                .hasMessageContaining("not in gzip format");
    }

    @Test
    void aScanHashesTheUncompressedBytesAndFindsTheEventTimeBounds() throws IOException {
        String lines = "{\"eventVersion\":\"1.11\",\"userIdentity\":{\"eventTime\":\"2001-01-01T00:00:00Z\"},"
                + "\"eventTime\":\"2026-11-26T10:00:05Z\"}\n"
                + "{\"eventTime\":\"2026-11-26T09:59:59Z\",\"requestParameters\":{\"x\":[1,2]}}\n"
                + "{\"eventTime\":\"2026-11-26T10:01:00Z\"}\n";
        Path f = dir.resolve("events-20261126T100000Z-000001.jsonl.gz");
        Files.write(f, members(lines.substring(0, 40), lines.substring(40)));
        LogFileScan.Result scan = LogFileScan.scan(f);
        byte[] raw = lines.getBytes(StandardCharsets.UTF_8);
        assertThat(scan.hashValue()).isEqualTo(TrailFiles.sha256Hex(raw));
        assertThat(scan.bytes()).isEqualTo(raw.length);
        assertThat(scan.oldestEventTime()).isEqualTo("2026-11-26T09:59:59Z");
        assertThat(scan.newestEventTime()).isEqualTo("2026-11-26T10:01:00Z");
        assertThat(LogFileScan.hash(f).hashValue()).isEqualTo(scan.hashValue());

        // a torn record still counts in the hash
        String torn = "{\"eventTime\":\"2026-11-26T10:00:00Z\"}\n{\"eventTi";
        Files.write(f, members(torn));
        LogFileScan.Result t = LogFileScan.scan(f);
        assertThat(t.hashValue()).isEqualTo(TrailFiles.sha256Hex(torn.getBytes(StandardCharsets.UTF_8)));
        assertThat(t.oldestEventTime()).isEqualTo("2026-11-26T10:00:00Z");
    }
}
