package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Recovery at open after a crash at each point of the write and close protocol (docs/audit-trail.md): the files a
 * crash leaves are made here by hand, byte for byte.
 */
@Timeout(60)
class AuditLogRecoveryTest {

    private static final String SEG1 = "events-20261126T070000Z-000001.jsonl";
    private static final String SEG2 = "events-20261126T071000Z-000002.jsonl";

    @TempDir
    Path dir;

    private static byte[] lines(String... requestIds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String id : requestIds) {
            out.writeBytes(AuditEvents.invokeEndpoint(id).build().toJsonLine());
        }
        return out.toByteArray();
    }

    private static byte[] gzipMembers(byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipMembers.compress(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(content)),
                java.nio.channels.Channels.newChannel(out));
        return out.toByteArray();
    }

    /** Opens the log, appends "after", waits until every segment rolled so far is closed, and closes it. */
    private void reopenAndAppend() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.builder().accountId("123456789012")
                .clock(java.time.Clock.fixed(java.time.Instant.parse("2026-11-26T08:00:00Z"), java.time.ZoneOffset.UTC))
                .build())) {
            log.append(AuditEvents.invokeEndpoint("after").build()).get(10, TimeUnit.SECONDS);
            log.rollNow().get(10, TimeUnit.SECONDS);
            assertThat(log.closerFailure()).isEmpty();
        }
    }

    private List<JsonNode> trees() throws Exception {
        return AuditLogReader.of(dir).readTrees();
    }

    @Test
    void crashMidWriteTornTailIsCutMarkedInTheNewSegmentAndTheSegmentClosed() throws Exception {
        byte[] complete = lines("before-0", "before-1", "before-2");
        byte[] partial = "{\"eventVersion\":\"1.11\",\"userIdent".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(SEG1), SegmentFiles.concat(complete, partial));
        assertThat(AuditLogReader.of(dir).read().tornTail()).isPresent();

        reopenAndAppend();

        assertThat(SegmentFiles.eventFiles(dir)).containsExactly(SEG1 + ".gz", "events-20261126T080000Z-000002.jsonl.gz")
                .doesNotContain(SEG1);
        assertThat(SegmentFiles.content(dir.resolve(SEG1 + ".gz"))).isEqualTo(complete);
        assertThat(SegmentFiles.lines(dir.resolve("events-20261126T080000Z-000002.jsonl.gz"))).hasSize(2);
        assertThat(AuditLogReader.of(dir).read().tornLines()).isEmpty();
        List<JsonNode> trees = trees();
        assertThat(trees).hasSize(5);
        assertThat(trees.subList(0, 3)).extracting(n -> n.get("requestID").stringValue())
                .containsExactly("before-0", "before-1", "before-2");
        JsonNode marker = trees.get(3);
        assertThat(marker.get("eventType").stringValue()).isEqualTo("AwsServiceEvent");
        assertThat(marker.get("eventName").stringValue()).isEqualTo(AuditLog.RECOVERY_EVENT_NAME);
        assertThat(marker.get("eventCategory").stringValue()).isEqualTo("Management");
        assertThat(marker.get("recipientAccountId").stringValue()).isEqualTo("123456789012");
        assertThat(marker.get("additionalEventData").get("truncatedBytes").longValue()).isEqualTo(partial.length);
        assertThat(marker.get("additionalEventData").get("file").stringValue()).isEqualTo(SEG1);
        assertThat(trees.get(4).get("requestID").stringValue()).isEqualTo("after");
    }

    @Test
    void crashBeforeTheCloseLeavesAnIntactJsonlThatIsClosedWithoutAMarker() throws Exception {
        byte[] complete = lines("a", "b");
        Files.write(dir.resolve(SEG1), complete);
        reopenAndAppend();
        assertThat(SegmentFiles.content(dir.resolve(SEG1 + ".gz"))).isEqualTo(complete);
        assertThat(trees()).extracting(n -> n.get("eventName").stringValue())
                .doesNotContain(AuditLog.RECOVERY_EVENT_NAME);
        assertThat(trees()).extracting(n -> n.get("requestID").stringValue()).containsExactly("a", "b", "after");
    }

    @Test
    void crashDuringCompressionLeftoverTmpIsDeletedAndTheSegmentClosedAgain() throws Exception {
        byte[] complete = lines("a", "b");
        Files.write(dir.resolve(SEG1), complete);
        byte[] gz = gzipMembers(complete);
        Files.write(dir.resolve(SEG1 + ".gz.tmp"), java.util.Arrays.copyOf(gz, gz.length / 2)); // half written
        reopenAndAppend();
        assertThat(SegmentFiles.eventFiles(dir)).doesNotContain(SEG1 + ".gz.tmp", SEG1).contains(SEG1 + ".gz");
        assertThat(SegmentFiles.content(dir.resolve(SEG1 + ".gz"))).isEqualTo(complete);
        assertThat(trees()).extracting(n -> n.get("requestID").stringValue()).containsExactly("a", "b", "after");
    }

    @Test
    void crashAfterTheRenameBothFilesExistAndTheJsonlIsDeleted() throws Exception {
        byte[] complete = lines("a", "b");
        byte[] gz = gzipMembers(complete);
        Files.write(dir.resolve(SEG1), complete);
        Files.write(dir.resolve(SEG1 + ".gz"), gz);
        // while both exist, readers read the log file once, from the .gz
        assertThat(AuditLogReader.of(dir).segments()).extracting(p -> p.getFileName().toString())
                .containsExactly(SEG1 + ".gz");
        assertThat(AuditLogReader.of(dir).read().records()).hasSize(2);

        reopenAndAppend();
        assertThat(SegmentFiles.eventFiles(dir)).doesNotContain(SEG1).contains(SEG1 + ".gz");
        assertThat(Files.readAllBytes(dir.resolve(SEG1 + ".gz"))).as("the committed file is untouched").isEqualTo(gz);
        assertThat(trees()).extracting(n -> n.get("requestID").stringValue()).containsExactly("a", "b", "after");
    }

    @Test
    void theRenameIsTheCommitPointEvenIfTheJsonlHasATornTail() throws Exception {
        // a .jsonl beside its .jsonl.gz is a redundant copy: deleted as is, never "repaired" into a marker
        byte[] complete = lines("a");
        Files.write(dir.resolve(SEG1 + ".gz"), gzipMembers(complete));
        Files.write(dir.resolve(SEG1), SegmentFiles.concat(complete, "{\"torn".getBytes(StandardCharsets.UTF_8)));
        reopenAndAppend();
        assertThat(SegmentFiles.eventFiles(dir)).doesNotContain(SEG1);
        assertThat(trees()).extracting(n -> n.get("eventName").stringValue())
                .doesNotContain(AuditLog.RECOVERY_EVENT_NAME);
    }

    @Test
    void closedFilesAreLeftAloneAndOnlyTheOpenOneIsRepaired() throws Exception {
        byte[] first = lines("a");
        byte[] firstGz = gzipMembers(first);
        Files.write(dir.resolve(SEG1 + ".gz"), firstGz);
        byte[] second = lines("b");
        Files.write(dir.resolve(SEG2), SegmentFiles.concat(second, new byte[] {'{', '"'}));
        reopenAndAppend();
        assertThat(Files.readAllBytes(dir.resolve(SEG1 + ".gz"))).isEqualTo(firstGz);
        assertThat(SegmentFiles.content(dir.resolve(SEG2 + ".gz"))).isEqualTo(second);
        List<JsonNode> trees = trees();
        assertThat(trees).extracting(n -> n.get("eventName").stringValue())
                .containsExactly("InvokeEndpoint", "InvokeEndpoint", AuditLog.RECOVERY_EVENT_NAME, "InvokeEndpoint");
        assertThat(trees.get(2).get("additionalEventData").get("file").stringValue()).isEqualTo(SEG2);
        assertThat(SegmentFiles.eventFiles(dir)).last().asString().endsWith("-000003.jsonl.gz");
    }

    @Test
    void aSegmentHoldingOnlyAPartialLineIsClosedEmptyAndTheNextSegmentFollowsIt() throws Exception {
        Files.write(dir.resolve(SEG1), lines("a"));
        // a crash right after a roll: the newest segment holds half a record, nothing else
        String torn = "events-20991231T235959Z-000002.jsonl";
        Files.write(dir.resolve(torn), new byte[] {'{', '"', 'e', 0, 0, 0});

        reopenAndAppend();
        assertThat(SegmentFiles.content(dir.resolve(torn + ".gz"))).isEmpty();
        // the new segment is named after the torn one, even though its timestamp is in the future
        assertThat(SegmentFiles.eventFiles(dir)).containsExactly(SEG1 + ".gz", torn + ".gz",
                "events-20991231T235959Z-000003.jsonl.gz");
        List<JsonNode> trees = trees();
        assertThat(trees).hasSize(3);
        assertThat(trees.get(1).get("additionalEventData").get("truncatedBytes").longValue()).isEqualTo(6);
        assertThat(trees.get(1).get("additionalEventData").get("file").stringValue()).isEqualTo(torn);
    }

    @Test
    void cleanShutdownLeavesNothingToRepair() throws Exception {
        reopenAndAppend();
        List<String> before = SegmentFiles.eventFiles(dir);
        byte[] closed = Files.readAllBytes(dir.resolve(before.get(0)));
        reopenAndAppend();
        assertThat(Files.readAllBytes(dir.resolve(before.get(0)))).isEqualTo(closed);
        assertThat(trees()).extracting(n -> n.get("eventName").stringValue())
                .doesNotContain(AuditLog.RECOVERY_EVENT_NAME).hasSize(2);
        assertThat(SegmentFiles.eventFiles(dir)).hasSize(2).allMatch(f -> f.endsWith(".jsonl.gz"));
    }

    @Test
    void tornTailLongerThanTheScanChunkIsStillCutAtTheRightNewline() throws Exception {
        byte[] complete = lines("a", "b", "c");
        byte[] partial = ("{\"userAgent\":\"" + "a".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(SEG1), SegmentFiles.concat(complete, partial));
        reopenAndAppend();
        assertThat(SegmentFiles.content(dir.resolve(SEG1 + ".gz"))).isEqualTo(complete);
    }

    @Test
    void aCompressionFailureDuringRecoveryKeepsTheRepairedJsonl() throws Exception {
        byte[] complete = lines("a");
        Files.write(dir.resolve(SEG1), SegmentFiles.concat(complete, new byte[] {'{'}));
        HookedChannels io = new HookedChannels();
        io.failTmpWrites = true;
        try (AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io)) {
            assertThat(log.rollNow()).failsWithin(10, TimeUnit.SECONDS);
            assertThat(log.closerFailure()).isPresent();
            assertThat(log.isHealthy()).isTrue();
            log.append(AuditEvents.invokeEndpoint("after").build()).get(10, TimeUnit.SECONDS);
        }
        assertThat(Files.readAllBytes(dir.resolve(SEG1))).as("cut, but not compressed").isEqualTo(complete);
        assertThat(trees()).extracting(n -> n.get("eventName").stringValue())
                .containsExactly("InvokeEndpoint", AuditLog.RECOVERY_EVENT_NAME, "InvokeEndpoint");
        reopenAndAppend(); // the next open closes what is left, without a second marker
        // 1: repaired; 2: the marker (rolled by that rollNow); 3: "after"; 4: the second "after"
        assertThat(SegmentFiles.eventFiles(dir)).allMatch(f -> f.endsWith(".jsonl.gz")).hasSize(4);
        assertThat(trees()).extracting(n -> n.get("eventName").stringValue()).containsExactly("InvokeEndpoint",
                AuditLog.RECOVERY_EVENT_NAME, "InvokeEndpoint", "InvokeEndpoint");
    }
}
