package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/** Rolling by size, age and on request, closing into multi-member gzip, and what a failed close keeps. */
@Timeout(60)
class AuditLogSegmentsTest {

    @TempDir
    Path dir;

    private static AuditEvent event(String requestId) {
        return AuditEvents.invokeEndpoint(requestId).build();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private List<String> requestIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode n : AuditLogReader.of(dir).readTrees()) {
            ids.add(n.get("requestID").stringValue());
        }
        return ids;
    }

    private Path gz(long seq) throws IOException {
        return dir.resolve(SegmentFiles.eventFiles(dir).stream()
                .filter(n -> n.endsWith(String.format("-%06d.jsonl.gz", seq))).findFirst()
                .orElseThrow(() -> new AssertionError("no .jsonl.gz for " + seq + " in " + eventFilesQuietly())));
    }

    private List<String> eventFilesQuietly() {
        try {
            return SegmentFiles.eventFiles(dir);
        } catch (IOException e) {
            return List.of(e.toString());
        }
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("future did not fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sizeRolledSegmentsAreClosedIntoGzipWhoseMembersRestoreTheExactLines() throws Exception {
        int n = 600;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        AuditLogSettings settings = AuditLogSettings.builder().maxSegmentBytes(200 * 1024).build();
        try (AuditLog log = AuditLog.open(dir, settings)) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                AuditEvent e = event(String.format("s%04d", i)); // serialized twice: same eventID both times
                written.writeBytes(e.toJsonLine());
                fs.add(log.append(e));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            ClosedSegments closed = log.rollNow().get(10, TimeUnit.SECONDS);
            assertThat(closed.highestClosedSequence()).isEqualTo(log.currentSequence() - 1);
            assertThat(closed.rolledSequence()).hasValue(log.currentSequence() - 1);
            assertThat(closed.highestClosedSequence()).isGreaterThan(1);
        }
        List<String> files = SegmentFiles.eventFiles(dir);
        assertThat(files).allMatch(f -> f.endsWith(".jsonl.gz"));
        ByteArrayOutputStream restored = new ByteArrayOutputStream();
        for (int i = 0; i < files.size(); i++) {
            assertThat(files.get(i)).endsWith(String.format("-%06d.jsonl.gz", i + 1));
            byte[] gz = Files.readAllBytes(dir.resolve(files.get(i)));
            List<byte[]> members = SegmentFiles.members(gz);
            assertThat(members).hasSizeGreaterThan(1);
            for (byte[] m : members) {
                assertThat(m.length).isBetween(1, GzipMembers.MAX_MEMBER_INPUT);
                assertThat(m[m.length - 1]).isEqualTo((byte) '\n');
                assertThat(m[0]).isEqualTo((byte) '{'); // starts at a line boundary
            }
            byte[] gunzipped = SegmentFiles.content(dir.resolve(files.get(i)));
            assertThat(SegmentFiles.concat(members.toArray(new byte[0][]))).isEqualTo(gunzipped);
            assertThat(gunzipped.length).isLessThanOrEqualTo(200 * 1024);
            restored.writeBytes(gunzipped);
        }
        assertThat(restored.toString(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(written.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aSegmentHoldingRecordsRollsOnceOlderThanTheRollInterval() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
        AuditLogSettings settings = AuditLogSettings.builder().clock(clock).rollInterval(Duration.ofMinutes(5)).build();
        try (AuditLog log = AuditLog.open(dir, settings)) {
            log.append(event("a")).get(10, TimeUnit.SECONDS);
            clock.advance(Duration.ofMinutes(4));
            log.nudgeWriter();
            log.append(event("b")).get(10, TimeUnit.SECONDS); // the writer checked the age after writing "b"
            assertThat(log.currentSequence()).as("not yet 5 minutes old").isEqualTo(1);
            assertThat(log.closedSegments().highestClosedSequence()).isZero();

            clock.advance(Duration.ofMinutes(1));
            log.nudgeWriter();
            await(() -> log.currentSequence() == 2, "the roll by age");
            await(() -> log.closedSegments().highestClosedSequence() == 1, "the close of segment 1");
            log.append(event("c")).get(10, TimeUnit.SECONDS);
            assertThat(SegmentFiles.lines(gz(1))).hasSize(2);
            assertThat(gz(1).getFileName().toString()).isEqualTo("events-20261126T080000Z-000001.jsonl.gz");
            assertThat(SegmentFiles.eventFiles(dir)).containsExactly("events-20261126T080000Z-000001.jsonl.gz",
                    "events-20261126T080500Z-000002.jsonl");
        }
        assertThat(requestIds()).containsExactly("a", "b", "c");
    }

    @Test
    void theWriterWakesByItselfToRollByAge() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
        AuditLogSettings settings = AuditLogSettings.builder().clock(clock).rollInterval(Duration.ofMinutes(5)).build();
        try (AuditLog log = AuditLog.open(dir, settings)) {
            log.append(event("a")).get(10, TimeUnit.SECONDS);
            clock.advance(Duration.ofMinutes(6));
            // no append, no nudge: the writer's timed wake notices the age (it never sleeps more than a second)
            await(() -> log.closedSegments().highestClosedSequence() == 1, "the timed roll");
            assertThat(log.currentSequence()).isEqualTo(2);
        }
    }

    @Test
    void anEmptySegmentIsNeverRolledByAge() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
        AuditLogSettings settings = AuditLogSettings.builder().clock(clock).rollInterval(Duration.ofMinutes(5)).build();
        try (AuditLog log = AuditLog.open(dir, settings)) {
            clock.advance(Duration.ofHours(1));
            log.nudgeWriter();
            ClosedSegments none = log.rollNow().get(10, TimeUnit.SECONDS); // ordered after the nudge
            assertThat(none.rolledSequence()).isEmpty();
            assertThat(none.highestClosedSequence()).isZero();
            assertThat(log.currentSequence()).isEqualTo(1);
            assertThat(SegmentFiles.eventFiles(dir)).containsExactly("events-20261126T080000Z-000001.jsonl");
        }
        // closing an empty segment deletes it
        assertThat(SegmentFiles.eventFiles(dir)).isEmpty();
    }

    @Test
    void rollNowClosesTheActiveSegmentOnlyIfItHoldsRecordsAndWaitsForTheCompression() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults())) {
            assertThat(log.currentSequence()).isEqualTo(1);
            log.append(event("a"));
            log.append(event("b")); // not waited for: appended before rollNow, so inside the rolled segment
            ClosedSegments first = log.rollNow().get(10, TimeUnit.SECONDS);
            assertThat(first).isEqualTo(new ClosedSegments(1, OptionalLong.of(1)));
            assertThat(first.isClosed(1)).isTrue();
            assertThat(first.isClosed(2)).isFalse();
            assertThat(log.currentSequence()).isEqualTo(2);
            assertThat(SegmentFiles.lines(gz(1))).hasSize(2);
            assertThat(SegmentFiles.eventFiles(dir)).hasSize(2).noneMatch(f -> f.contains("000001.jsonl") && !f.endsWith(".gz"));

            ClosedSegments again = log.rollNow().get(10, TimeUnit.SECONDS);
            assertThat(again).isEqualTo(new ClosedSegments(1, OptionalLong.empty()));
            assertThat(log.currentSequence()).isEqualTo(2);

            log.append(event("c")).get(10, TimeUnit.SECONDS);
            assertThat(log.rollNow().get(10, TimeUnit.SECONDS)).isEqualTo(new ClosedSegments(2, OptionalLong.of(2)));
            assertThat(log.closedSegments().highestClosedSequence()).isEqualTo(2);
        }
        assertThat(requestIds()).containsExactly("a", "b", "c");
        AuditLog closed = AuditLog.open(dir, AuditLogSettings.defaults());
        closed.close();
        assertThat(failureOf(closed.rollNow())).isInstanceOf(AuditUnavailableException.class);
    }

    @Test
    void appendsNeverWaitForCompression() throws Exception {
        HookedChannels io = new HookedChannels();
        try (AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io)) {
            log.append(event("before")).get(10, TimeUnit.SECONDS);
            io.holdTmp();
            CompletableFuture<ClosedSegments> roll = log.rollNow();
            io.awaitTmpEntered(); // the closer is stuck compressing segment 1
            for (int i = 0; i < 20; i++) {
                log.append(event("during" + i)).get(10, TimeUnit.SECONDS); // strict: written and fsynced meanwhile
            }
            assertThat(roll).isNotDone();
            assertThat(log.closedSegments().highestClosedSequence()).isZero();
            io.releaseTmp();
            assertThat(roll.get(10, TimeUnit.SECONDS).rolledSequence()).hasValue(1);
        }
        assertThat(requestIds()).hasSize(21).startsWith("before", "during0");
    }

    @Test
    void theCloseFsyncsTheTmpFileRenamesItAndFsyncsTheDirectoryBeforeDeletingTheJsonl() throws Exception {
        HookedChannels io = new HookedChannels();
        try (AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io)) {
            log.append(event("a")).get(10, TimeUnit.SECONDS);
            log.rollNow().get(10, TimeUnit.SECONDS);
        }
        String jsonl = SegmentName.listFiles(dir).get(0).name().fileName();
        String dirName = dir.getFileName().toString();
        List<String> ops = List.copyOf(io.ops);
        int tmpOpen = ops.indexOf("open:" + jsonl + ".gz.tmp");
        int tmpForce = ops.indexOf("force:" + jsonl + ".gz.tmp");
        int tmpClose = ops.indexOf("close:" + jsonl + ".gz.tmp");
        assertThat(tmpOpen).isPositive();
        assertThat(tmpForce).isGreaterThan(tmpOpen);
        assertThat(tmpClose).isGreaterThan(tmpForce);
        // after the rename: fsync the directory, delete the .jsonl, fsync the directory again
        assertThat(ops.subList(tmpClose + 1, ops.size())).containsSubsequence(
                "open:" + dirName, "force:" + dirName, "open:" + dirName, "force:" + dirName);
        assertThat(Files.exists(dir.resolve(jsonl))).isFalse();
        assertThat(Files.exists(dir.resolve(jsonl + ".gz.tmp"))).isFalse();
    }

    @Test
    void aFailedCompressionKeepsTheJsonlReportsTheErrorAndIsRetriedInOrderAtTheNextRoll() throws Exception {
        HookedChannels io = new HookedChannels();
        try (AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io)) {
            io.failTmpWrites = true;
            log.append(event("a")).get(10, TimeUnit.SECONDS);
            Throwable e = failureOf(log.rollNow());
            assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("injected compression");
            assertThat(log.closerFailure()).containsSame(e);
            assertThat(log.isHealthy()).as("every record is still durable").isTrue();
            assertThat(log.closedSegments().highestClosedSequence()).isZero();

            log.append(event("b")).get(10, TimeUnit.SECONDS);
            assertThat(failureOf(log.rollNow())).isInstanceOf(IOException.class);
            // closed segments stay a prefix: segment 2 is not compressed while segment 1 is not
            assertThat(SegmentFiles.eventFiles(dir)).hasSize(3).allMatch(f -> f.endsWith(".jsonl"));
            assertThat(requestIds()).containsExactly("a", "b");

            io.failTmpWrites = false;
            ClosedSegments retried = log.rollNow().get(10, TimeUnit.SECONDS);
            assertThat(retried).isEqualTo(new ClosedSegments(2, OptionalLong.empty()));
            assertThat(log.closerFailure()).isEmpty();
            assertThat(SegmentFiles.lines(gz(1))).hasSize(1);
            assertThat(SegmentFiles.lines(gz(2))).hasSize(1);
        }
        assertThat(SegmentFiles.eventFiles(dir)).allMatch(f -> f.endsWith(".jsonl.gz")).hasSize(2);
        assertThat(requestIds()).containsExactly("a", "b");
    }

    @Test
    void aCompressionFailureAtCloseLeavesTheJsonlForTheNextOpen() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io);
        log.append(event("a")).get(10, TimeUnit.SECONDS);
        io.failTmpWrites = true;
        log.close();
        assertThat(log.closerFailure()).isPresent();
        assertThat(SegmentFiles.eventFiles(dir)).singleElement().asString().endsWith("-000001.jsonl");
        assertThat(requestIds()).containsExactly("a");

        try (AuditLog reopened = AuditLog.open(dir, AuditLogSettings.defaults())) {
            reopened.rollNow().get(10, TimeUnit.SECONDS);
            assertThat(SegmentFiles.lines(gz(1))).hasSize(1);
            assertThat(reopened.currentSequence()).isEqualTo(2);
        }
        assertThat(SegmentFiles.eventFiles(dir)).singleElement().asString().endsWith("-000001.jsonl.gz");
        assertThat(requestIds()).containsExactly("a"); // no torn tail, so no recovery marker
    }

    @Test
    void aWriteFailureStillFailsClosedAndFailsPendingRolls() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io);
        log.append(event("ok")).get(10, TimeUnit.SECONDS);
        io.failWrites = true;
        assertThat(failureOf(log.append(event("lost")))).isInstanceOf(AuditUnavailableException.class);
        assertThat(log.isHealthy()).isFalse();
        assertThat(failureOf(log.rollNow())).isInstanceOf(AuditUnavailableException.class);
        io.failWrites = false;
        log.close();
        // the failed writer left its segment open; the next open closes it
        assertThat(SegmentFiles.eventFiles(dir)).singleElement().asString().endsWith(".jsonl");
        try (AuditLog reopened = AuditLog.open(dir, AuditLogSettings.defaults())) {
            assertThat(reopened.rollNow().get(10, TimeUnit.SECONDS).highestClosedSequence()).isEqualTo(1);
        }
        assertThat(requestIds()).containsExactly("ok");
    }

    @Test
    void rollNowCalledFromAnAppendCallbackAndCloseFromARollCallbackDoNotDeadlock() throws Exception {
        AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults());
        CompletableFuture<ClosedSegments> rolled = log.append(event("a"))
                .thenCompose(v -> log.rollNow());
        ClosedSegments c = rolled.get(10, TimeUnit.SECONDS);
        assertThat(c.rolledSequence()).hasValue(1);
        CompletableFuture<Void> closed = log.append(event("b"))
                .thenCompose(v -> log.rollNow())
                .thenRun(log::close);
        closed.get(10, TimeUnit.SECONDS);
        log.close(); // joins whatever the callback started
        assertThat(log.isHealthy()).isFalse();
        assertThat(SegmentFiles.eventFiles(dir)).allMatch(f -> f.endsWith(".jsonl.gz")).hasSize(2);
        assertThatThrownBy(() -> log.append(event("late")).join()).hasCauseInstanceOf(AuditUnavailableException.class);
    }
}
