package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

@Timeout(60)
class AuditLogRecoveryTest {

    @TempDir
    Path dir;

    private void writeThree() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.builder().accountId("123456789012").build())) {
            for (int i = 0; i < 3; i++) {
                log.append(AuditEvents.invokeEndpoint("before-" + i).build()).get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void tornTailIsTruncatedToTheLastNewlineAndAGapMarkerStartsTheNextSegment() throws Exception {
        writeThree();
        Path first = AuditLogReader.of(dir).segments().get(0);
        byte[] complete = Files.readAllBytes(first);
        byte[] partial = "{\"eventVersion\":\"1.11\",\"userIdent".getBytes(StandardCharsets.UTF_8);
        Files.write(first, partial, StandardOpenOption.APPEND);
        assertThat(AuditLogReader.of(dir).read().tornTail()).isPresent();

        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.builder().accountId("123456789012").build())) {
            log.append(AuditEvents.invokeEndpoint("after").build()).get(10, TimeUnit.SECONDS);
        }

        assertThat(Files.readAllBytes(first)).isEqualTo(complete);
        List<Path> segments = AuditLogReader.of(dir).segments();
        assertThat(segments).hasSize(2);
        List<String> secondLines = Files.readAllLines(segments.get(1));
        assertThat(secondLines).hasSize(2);

        AuditLogReader.Contents contents = AuditLogReader.of(dir).read();
        assertThat(contents.tornLines()).isEmpty();
        List<JsonNode> trees = AuditLogReader.of(dir).readTrees();
        assertThat(trees).hasSize(5);
        assertThat(trees.subList(0, 3)).extracting(n -> n.get("requestID").stringValue())
                .containsExactly("before-0", "before-1", "before-2");
        JsonNode marker = trees.get(3);
        assertThat(marker.get("eventType").stringValue()).isEqualTo("AwsServiceEvent");
        assertThat(marker.get("eventName").stringValue()).isEqualTo("AuditLogRecovered");
        assertThat(marker.get("eventCategory").stringValue()).isEqualTo("Management");
        assertThat(marker.get("recipientAccountId").stringValue()).isEqualTo("123456789012");
        assertThat(marker.get("additionalEventData").get("truncatedBytes").longValue()).isEqualTo(partial.length);
        assertThat(marker.get("additionalEventData").get("file").stringValue())
                .isEqualTo(first.getFileName().toString());
        assertThat(trees.get(4).get("requestID").stringValue()).isEqualTo("after");
    }

    @Test
    void cleanShutdownLeavesNothingToRepair() throws Exception {
        writeThree();
        Path first = AuditLogReader.of(dir).segments().get(0);
        byte[] complete = Files.readAllBytes(first);
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults())) {
            log.append(AuditEvents.invokeEndpoint("after").build()).get(10, TimeUnit.SECONDS);
        }
        assertThat(Files.readAllBytes(first)).isEqualTo(complete);
        List<JsonNode> trees = AuditLogReader.of(dir).readTrees();
        assertThat(trees).extracting(n -> n.get("eventName").stringValue()).doesNotContain("AuditLogRecovered");
        assertThat(trees).hasSize(4);
    }

    @Test
    void aSegmentHoldingOnlyAPartialLineIsEmptiedAndOthersAreUntouched() throws Exception {
        writeThree();
        Path first = AuditLogReader.of(dir).segments().get(0);
        byte[] complete = Files.readAllBytes(first);
        // simulate a crash right after a roll: the newest segment holds half a record, nothing else
        Path torn = dir.resolve("events-20991231T235959Z-000002.jsonl");
        Files.write(torn, new byte[] {'{', '"', 'e', 0, 0, 0});

        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults())) {
            log.append(AuditEvents.invokeEndpoint("after").build()).get(10, TimeUnit.SECONDS);
        }
        assertThat(Files.size(torn)).isZero();
        assertThat(Files.readAllBytes(first)).isEqualTo(complete);
        List<Path> segments = AuditLogReader.of(dir).segments();
        assertThat(segments).hasSize(3);
        // the new segment is named after the torn one, even though its timestamp is in the future
        assertThat(segments.get(2).getFileName().toString()).isEqualTo("events-20991231T235959Z-000003.jsonl");
        List<JsonNode> trees = AuditLogReader.of(dir).readTrees();
        assertThat(trees).hasSize(5);
        assertThat(trees.get(3).get("additionalEventData").get("truncatedBytes").longValue()).isEqualTo(6);
        assertThat(trees.get(3).get("additionalEventData").get("file").stringValue())
                .isEqualTo(torn.getFileName().toString());
    }

    @Test
    void tornTailLongerThanTheScanChunkIsStillCutAtTheRightNewline() throws Exception {
        writeThree();
        Path first = AuditLogReader.of(dir).segments().get(0);
        long size = Files.size(first);
        byte[] partial = ("{\"userAgent\":\"" + "a".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
        Files.write(first, partial, StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults())) {
            assertThat(log.isHealthy()).isTrue();
        }
        assertThat(Files.size(first)).isEqualTo(size);
    }
}
