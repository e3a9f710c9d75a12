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
