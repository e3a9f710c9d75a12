package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.core.JacksonException;

@Timeout(60)
class AuditLogReaderTest {

    @TempDir
    Path dir;

    private static byte[] line(String requestId) {
        return AuditEvents.invokeEndpoint(requestId).build().toJsonLine();
    }

    @Test
    void readsSegmentsInSequenceOrderAndReportsATornTail() throws Exception {
        // sequence order wins over text order
        Files.write(dir.resolve("events-20260101T000000Z-000010.jsonl"), line("c"));
        Files.write(dir.resolve("events-20260101T000000Z-000002.jsonl"), concat(line("a"), line("b")));
        byte[] torn = "{\"eventVersion\":\"1.1".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("events-20260101T000000Z-000011.jsonl"), concat(line("d"), torn));
        Files.writeString(dir.resolve("notes.txt"), "not a segment\n");

        AuditLogReader.Contents c = AuditLogReader.of(dir).read();
        assertThat(c.records()).hasSize(4);
        assertThat(AuditLogReader.of(dir).readTrees()).extracting(n -> n.get("requestID").stringValue())
                .containsExactly("a", "b", "c", "d");
        assertThat(c.tornLines()).hasSize(1);
        AuditLogReader.TornLine t = c.tornTail().orElseThrow();
        assertThat(t.segment().getFileName().toString()).isEqualTo("events-20260101T000000Z-000011.jsonl");
        assertThat(t.offset()).isEqualTo(line("d").length);
        assertThat(t.length()).isEqualTo(torn.length);
    }

    @Test
    void cleanLogHasNoTornLine() throws Exception {
        Files.write(dir.resolve("events-20260101T000000Z-000001.jsonl"), concat(line("a"), line("b")));
        AuditLogReader.Contents c = AuditLogReader.of(dir).read();
        assertThat(c.records()).hasSize(2);
        assertThat(c.tornTail()).isEmpty();
    }

    @Test
    void aCompleteButInvalidLineIsCorruptionNotATornTail() throws Exception {
        Files.write(dir.resolve("events-20260101T000000Z-000001.jsonl"),
                concat(line("a"), "{garbage\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(AuditLogReader.of(dir).read().records()).hasSize(2);
        assertThatThrownBy(() -> AuditLogReader.of(dir).readTrees()).isInstanceOf(JacksonException.class);
    }

    private static byte[] gzip(byte[] content) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        GzipMembers.compress(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(content)),
                java.nio.channels.Channels.newChannel(out));
        return out.toByteArray();
    }

    @Test
    void readsClosedGzipAndOpenSegmentsTogetherInSequenceOrder() throws Exception {
        // a multi-member log file big enough for several members
        java.io.ByteArrayOutputStream many = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            many.writeBytes(line("m" + i));
        }
        Files.write(dir.resolve("events-20260101T000000Z-000001.jsonl.gz"), gzip(many.toByteArray()));
        assertThat(SegmentFiles.members(gzip(many.toByteArray()))).hasSizeGreaterThan(1);
        // a single-member file written by another tool reads too
        java.io.ByteArrayOutputStream single = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(single)) {
            gz.write(line("s"));
        }
        Files.write(dir.resolve("events-20260101T000000Z-000002.jsonl.gz"), single.toByteArray());
        Files.write(dir.resolve("events-20260101T000000Z-000003.jsonl"), line("open"));
        // an unfinished compression is not a log file
        Files.write(dir.resolve("events-20260101T000000Z-000003.jsonl.gz.tmp"), new byte[] {0x1f});

        AuditLogReader reader = AuditLogReader.of(dir);
        assertThat(reader.segments()).extracting(p -> p.getFileName().toString()).containsExactly(
                "events-20260101T000000Z-000001.jsonl.gz", "events-20260101T000000Z-000002.jsonl.gz",
                "events-20260101T000000Z-000003.jsonl");
        java.util.List<String> ids = reader.readTrees().stream().map(n -> n.get("requestID").stringValue()).toList();
        assertThat(ids).hasSize(202).startsWith("m0", "m1").endsWith("m199", "s", "open");
        assertThat(reader.read().tornLines()).isEmpty();
        assertThat(AuditLogReader.isClosedLogFile(reader.segments().get(0))).isTrue();
        assertThat(AuditLogReader.isClosedLogFile(reader.segments().get(2))).isFalse();
        try (java.io.InputStream in = AuditLogReader.openSegment(reader.segments().get(0))) {
            assertThat(in.readAllBytes()).isEqualTo(many.toByteArray());
        }
    }

    @Test
    void aCorruptLogFileFailsTheReadInsteadOfLosingRecordsSilently() throws Exception {
        byte[] gz = gzip(concat(line("a"), line("b")));
        gz[gz.length - 5] ^= 0x55; // the trailer's CRC-32
        Files.write(dir.resolve("events-20260101T000000Z-000001.jsonl.gz"), gz);
        assertThatThrownBy(() -> AuditLogReader.of(dir).read()).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void emptyDirectoryHasNoRecords() throws Exception {
        assertThat(AuditLogReader.of(dir).read().records()).isEmpty();
        assertThat(AuditLogReader.of(dir).segments()).isEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
