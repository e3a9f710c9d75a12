package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

@Timeout(60)
class AuditLogTest {

    @TempDir
    Path dir;

    private static AuditEvent event(String requestId) {
        return AuditEvents.invokeEndpoint(requestId).build();
    }

    private static AuditUnavailableException.Reason reasonOf(CompletableFuture<Void> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(AuditUnavailableException.class);
            return ((AuditUnavailableException) e.getCause()).reason();
        }
    }

    private static List<String> requestIds(Path dir) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode n : AuditLogReader.of(dir).readTrees()) {
            if (!AuditLog.RECOVERY_EVENT_NAME.equals(n.get("eventName").stringValue())) {
                ids.add(n.get("requestID").stringValue());
            }
        }
        return ids;
    }

    @Test
    void appendedRecordIsDurableAndReadableWhenTheFutureCompletes() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults())) {
            log.append(event("one")).get(10, TimeUnit.SECONDS);
            // read while still open: the future's completion means the bytes are on disk already
            assertThat(requestIds(dir)).containsExactly("one");
            assertThat(log.isHealthy()).isTrue();
        }
        // close() closed the segment: only its .jsonl.gz is left
        assertThat(SegmentFiles.eventFiles(dir)).singleElement().asString()
                .matches("events-\\d{8}T\\d{6}Z-000001\\.jsonl\\.gz");
        List<Path> segments = AuditLogReader.of(dir).segments();
        assertThat(segments).hasSize(1);
        assertThat(new String(SegmentFiles.content(segments.get(0)), java.nio.charset.StandardCharsets.UTF_8))
                .endsWith("\n").doesNotContain("\n\n");
    }

    @Test
    void writerAndCloserAreNamedDaemonThreadsThatStopOnClose() throws Exception {
        AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults());
        log.append(event("x")).get(10, TimeUnit.SECONDS);
        assertThat(log.writerThread().getName()).isEqualTo(AuditLog.WRITER_THREAD_NAME);
        assertThat(log.writerThread().isDaemon()).isTrue();
        assertThat(log.writerThread().isAlive()).isTrue();
        assertThat(log.closerThread().getName()).isEqualTo(AuditLog.CLOSER_THREAD_NAME);
        assertThat(log.closerThread().isDaemon()).isTrue();
        assertThat(log.closerThread().isAlive()).isTrue();
        log.close();
        assertThat(log.writerThread().isAlive()).isFalse();
        assertThat(log.closerThread().isAlive()).isFalse();
    }

    @Test
    void concurrentAppendsAreAllDurableExactlyOnceInPerThreadOrder() throws Exception {
        int threads = 8;
        int perThread = 400;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.builder().maxSegmentBytes(256 * 1024).build())) {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<List<CompletableFuture<Void>>>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tid = t;
                workers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    List<CompletableFuture<Void>> fs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        fs.add(log.append(event("t" + tid + "-" + i)));
                        if (i % 50 == 49) {
                            fs.get(fs.size() - 1).join(); // mix of waiting and fire-and-forget callers
                        }
                    }
                    return fs;
                }, pool));
            }
            start.countDown();
            for (CompletableFuture<List<CompletableFuture<Void>>> w : workers) {
                CompletableFuture.allOf(w.get(30, TimeUnit.SECONDS).toArray(new CompletableFuture[0]))
                        .get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> ids = requestIds(dir);
        assertThat(ids).hasSize(threads * perThread);
        assertThat(new HashSet<>(ids)).hasSize(threads * perThread);
        Map<Integer, Integer> lastSeen = new HashMap<>();
        for (String id : ids) {
            String[] p = id.substring(1).split("-");
            int tid = Integer.parseInt(p[0]);
            int seq = Integer.parseInt(p[1]);
            assertThat(seq).as(id).isEqualTo(lastSeen.getOrDefault(tid, -1) + 1);
            lastSeen.put(tid, seq);
        }
        assertThat(AuditLogReader.of(dir).segments()).hasSizeGreaterThan(1);
    }

    @Test
    void oneFsyncCoversEverythingQueuedWhileTheWriterWasBusy() throws Exception {
        HookedChannels io = new HookedChannels();
        try (AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io)) {
            io.holdForces();
            CompletableFuture<Void> first = log.append(event("first"));
            io.awaitForceEntered();
            List<CompletableFuture<Void>> queued = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                queued.add(log.append(event("q" + i)));
            }
            // STRICT: nothing completes before its fsync returns
            assertThat(first).isNotDone();
            assertThat(queued).noneMatch(CompletableFuture::isDone);
            int forcesBefore = io.segmentForces.get();
            io.releaseForce();
            CompletableFuture.allOf(queued.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            assertThat(first).isCompleted();
            // the held fsync for "first", then exactly one for the 100 queued records
            assertThat(io.segmentForces.get() - forcesBefore).isEqualTo(2);
        }
        assertThat(requestIds(dir)).hasSize(101).startsWith("first", "q0").endsWith("q99");
    }

    @Test
    void fullQueueFailsFastWithoutFailingTheLog() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLogSettings settings = AuditLogSettings.builder().queueCapacity(4).build();
        try (AuditLog log = new AuditLog(dir, settings, io)) {
            io.holdForces();
            CompletableFuture<Void> inFlight = log.append(event("in-flight"));
            io.awaitForceEntered();
            List<CompletableFuture<Void>> accepted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                accepted.add(log.append(event("a" + i)));
            }
            CompletableFuture<Void> rejected = log.append(event("rejected"));
            assertThat(reasonOf(rejected)).isEqualTo(AuditUnavailableException.Reason.QUEUE_FULL);
            assertThat(accepted).noneMatch(CompletableFuture::isCompletedExceptionally);
            assertThat(log.isHealthy()).isTrue();
            io.releaseForce();
            CompletableFuture.allOf(accepted.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            inFlight.get(10, TimeUnit.SECONDS);
            log.append(event("after")).get(10, TimeUnit.SECONDS);
        }
        assertThat(requestIds(dir)).containsExactly("in-flight", "a0", "a1", "a2", "a3", "after");
    }

    @Test
    void queuedBytesAreBoundedToo() throws Exception {
        HookedChannels io = new HookedChannels();
        int lineLength = event("b0").toJsonLine().length;
        AuditLogSettings settings = AuditLogSettings.builder().maxQueuedBytes(lineLength * 2L).build();
        try (AuditLog log = new AuditLog(dir, settings, io)) {
            io.holdForces();
            CompletableFuture<Void> inFlight = log.append(event("in-flight"));
            io.awaitForceEntered();
            CompletableFuture<Void> b0 = log.append(event("b0"));
            CompletableFuture<Void> b1 = log.append(event("b1"));
            CompletableFuture<Void> b2 = log.append(event("b2"));
            assertThat(reasonOf(b2)).isEqualTo(AuditUnavailableException.Reason.QUEUE_FULL);
            assertThat(b0).isNotDone();
            assertThat(b1).isNotDone();
            io.releaseForce();
            CompletableFuture.allOf(inFlight, b0, b1).get(10, TimeUnit.SECONDS);
        }
        assertThat(requestIds(dir)).containsExactly("in-flight", "b0", "b1");
    }

    @Test
    void oneWriterPerDirectory() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.defaults())) {
            assertThatThrownBy(() -> AuditLog.open(dir, AuditLogSettings.defaults()))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("already open");
            assertThat(log.isHealthy()).isTrue();
        }
        try (AuditLog again = AuditLog.open(dir, AuditLogSettings.defaults())) {
            again.append(event("again")).get(10, TimeUnit.SECONDS);
        }
        assertThat(requestIds(dir)).containsExactly("again");
    }

    @Test
    void writeFailureFailsPendingAndLaterAppendsUntilClosed() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io);
        log.append(event("ok")).get(10, TimeUnit.SECONDS);
        assertThat(log.isHealthy()).isTrue();

        io.failWrites = true;
        CompletableFuture<Void> failed = log.append(event("lost"));
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AuditUnavailableException.class);
        assertThat(reasonOf(failed)).isEqualTo(AuditUnavailableException.Reason.FAILED);
        assertThat(log.isHealthy()).isFalse();

        io.failWrites = false; // even when the disk recovers, the log stays failed (fail closed)
        CompletableFuture<Void> later = log.append(event("later"));
        assertThat(later).isDone();
        assertThat(reasonOf(later)).isEqualTo(AuditUnavailableException.Reason.FAILED);

        log.close();
        assertThat(reasonOf(log.append(event("closed")))).isEqualTo(AuditUnavailableException.Reason.CLOSED);
        assertThat(requestIds(dir)).containsExactly("ok");
    }

    @Test
    void fsyncFailureFailsTheBatchAndEverythingQueuedBehindIt() throws Exception {
        HookedChannels io = new HookedChannels();
        try (AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io)) {
            io.holdForces();
            io.failForces = true;
            CompletableFuture<Void> first = log.append(event("first"));
            io.awaitForceEntered();
            List<CompletableFuture<Void>> queued = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                queued.add(log.append(event("q" + i)));
            }
            io.releaseForce();
            assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AuditUnavailableException.class);
            for (CompletableFuture<Void> f : queued) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(AuditUnavailableException.class);
            }
            assertThat(log.isHealthy()).isFalse();
        }
    }

    @Test
    void batchedModeCompletesBeforeFsyncAndFsyncsWithinTheDelay() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLogSettings settings = AuditLogSettings.builder()
                .durability(Durability.batched(Duration.ofMillis(50))).build();
        try (AuditLog log = new AuditLog(dir, settings, io)) {
            io.holdForces();
            CompletableFuture<Void> f = log.append(event("b1"));
            // complete at once (accepted by the queue); written at once, while the periodic fsync is still held
            assertThat(f).isCompleted();
            io.awaitForceEntered();
            assertThat(io.segmentForces.get()).isZero();
            assertThat(requestIds(dir)).containsExactly("b1");
            io.releaseForce();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (io.segmentForces.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(io.segmentForces.get()).isEqualTo(1);
        }
    }

    @Test
    void batchedModeSlowsCallersToTheWritersPaceWhenTheQueueIsHalfFull() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLogSettings settings = AuditLogSettings.builder()
                .durability(Durability.batched(Duration.ofMillis(1))).queueCapacity(4).build();
        try (AuditLog log = new AuditLog(dir, settings, io)) {
            io.holdWrites();
            assertThat(log.append(event("w0"))).isCompleted();
            io.awaitWriteEntered(); // the writer is stuck in a write: records queue up
            assertThat(log.append(event("q1"))).isCompleted();
            assertThat(log.append(event("q2"))).isCompleted();
            CompletableFuture<Void> slowed = log.append(event("q3"));
            CompletableFuture<Void> slowedToo = log.append(event("q4"));
            assertThat(slowed).isNotDone();
            assertThat(slowedToo).isNotDone();
            // the queue is full now: refused, never dropped silently
            assertThatThrownBy(() -> log.append(event("q5")).join())
                    .hasCauseInstanceOf(AuditUnavailableException.class);
            io.releaseWrites();
            slowed.get(10, TimeUnit.SECONDS);
            slowedToo.get(10, TimeUnit.SECONDS);
            assertThat(requestIds(dir)).containsExactly("w0", "q1", "q2", "q3", "q4");
        }
    }

    @Test
    void batchedModeFsyncsOffTheWriterThreadAndAFailedFsyncFailsTheLog() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLogSettings settings = AuditLogSettings.builder()
                .durability(Durability.batched(Duration.ofMillis(1))).build();
        try (AuditLog log = new AuditLog(dir, settings, io)) {
            io.holdForces();
            log.append(event("a1")).get(10, TimeUnit.SECONDS);
            io.awaitForceEntered(); // the sync thread waits in fsync...
            for (int i = 0; i < 50; i++) {
                log.append(event("a" + (i + 2))); // ...while the writer goes on writing
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (requestIds(dir).size() < 51 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(requestIds(dir)).hasSize(51);
            io.failForces = true;
            io.releaseForce();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.isHealthy() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(log.isHealthy()).as("a failed fsync fails the log").isFalse();
            assertThatThrownBy(() -> log.append(event("late")).join())
                    .hasCauseInstanceOf(AuditUnavailableException.class);
        }
    }

    @Test
    void strictModeDoesNotCompleteBeforeFsync() throws Exception {
        HookedChannels io = new HookedChannels();
        try (AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io)) {
            io.holdForces();
            CompletableFuture<Void> f = log.append(event("s1"));
            io.awaitForceEntered();
            assertThat(f).isNotDone();
            io.releaseForce();
            f.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void closeWritesFsyncsAndCompletesEverythingPending() throws Exception {
        HookedChannels io = new HookedChannels();
        AuditLog log = new AuditLog(dir, AuditLogSettings.defaults(), io);
        io.holdForces();
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        fs.add(log.append(event("c0")));
        io.awaitForceEntered();
        for (int i = 1; i < 50; i++) {
            fs.add(log.append(event("c" + i)));
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(log::close);
        assertThat(fs).noneMatch(CompletableFuture::isDone);
        io.releaseForce();
        closing.get(10, TimeUnit.SECONDS);
        // close returned: every queued record was written, fsynced and its future completed normally
        assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(log.writerThread().isAlive()).isFalse();
        // the writer fsynced the segment before closing it; only then did the closer compress it
        String segment = SegmentName.listFiles(dir).get(0).name().fileName();
        List<String> ops = List.copyOf(io.ops);
        int firstClose = ops.indexOf("close:" + segment);
        assertThat(ops.subList(0, firstClose)).endsWith("force:" + segment);
        assertThat(ops.indexOf("open:" + segment + ".gz.tmp")).isGreaterThan(firstClose);
        assertThat(log.isHealthy()).isFalse();
        assertThat(reasonOf(log.append(event("late")))).isEqualTo(AuditUnavailableException.Reason.CLOSED);
        assertThat(requestIds(dir)).hasSize(50).startsWith("c0", "c1").endsWith("c49");
        log.close(); // idempotent
    }

    @Test
    void futuresCompleteOnTheCompletionExecutorWhenOneIsGiven() throws Exception {
        ExecutorService completions = Executors.newSingleThreadExecutor(r -> new Thread(r, "completions"));
        try {
            for (boolean withExecutor : new boolean[] {true, false}) {
                HookedChannels io = new HookedChannels();
                AuditLogSettings settings = AuditLogSettings.builder()
                        .completionExecutor(withExecutor ? completions : null).build();
                Path sub = Files.createDirectory(dir.resolve("exec-" + withExecutor));
                try (AuditLog log = new AuditLog(sub, settings, io)) {
                    io.holdForces();
                    CompletableFuture<Void> f = log.append(event("e"));
                    io.awaitForceEntered();
                    // attached before completion, so it runs on whichever thread completes the future
                    CompletableFuture<String> thread = f.thenApply(v -> Thread.currentThread().getName());
                    io.releaseForce();
                    assertThat(thread.get(10, TimeUnit.SECONDS))
                            .isEqualTo(withExecutor ? "completions" : AuditLog.WRITER_THREAD_NAME);
                }
            }
        } finally {
            completions.shutdownNow();
        }
    }

    @Test
    void rollsBySizeOnlyBetweenCompleteRecordsAndFsyncsOldFileAndDirectory() throws Exception {
        HookedChannels io = new HookedChannels();
        int lineLength = event("r00").toJsonLine().length;
        long max = lineLength * 3L + 10; // three records per segment
        AuditLogSettings settings = AuditLogSettings.builder().maxSegmentBytes(max).build();
        try (AuditLog log = new AuditLog(dir, settings, io)) {
            for (int i = 0; i < 10; i++) {
                log.append(event(String.format("r%02d", i))).get(10, TimeUnit.SECONDS);
            }
        }
        List<Path> segments = AuditLogReader.of(dir).segments();
        assertThat(segments).hasSize(4);
        List<String> gzNames = segments.stream().map(p -> p.getFileName().toString()).toList();
        assertThat(gzNames).isSorted();
        assertThat(SegmentFiles.eventFiles(dir)).isEqualTo(gzNames);
        for (int i = 0; i < segments.size(); i++) {
            assertThat(gzNames.get(i)).endsWith(String.format("-%06d.jsonl.gz", i + 1));
            byte[] content = SegmentFiles.content(segments.get(i));
            assertThat((long) content.length).isLessThanOrEqualTo(max);
            assertThat(content[content.length - 1]).isEqualTo((byte) '\n');
        }
        List<String> names = gzNames.stream().map(n -> n.substring(0, n.length() - ".gz".length())).toList();
        assertThat(requestIds(dir)).containsExactly("r00", "r01", "r02", "r03", "r04", "r05", "r06", "r07",
                "r08", "r09");

        // on roll: old segment fsynced then closed, new one created, then the directory fsynced
        String dirName = dir.getFileName().toString();
        List<String> ops = List.copyOf(io.ops);
        int closeFirst = ops.indexOf("close:" + names.get(0));
        int openSecond = ops.indexOf("open:" + names.get(1));
        assertThat(ops.subList(0, closeFirst)).endsWith("force:" + names.get(0));
        assertThat(openSecond).isGreaterThan(closeFirst);
        assertThat(ops.subList(openSecond + 1, openSecond + 3)).containsExactly("open:" + dirName, "force:" + dirName);
    }

    @Test
    void recordLargerThanTheSegmentLimitGetsASegmentOfItsOwn() throws Exception {
        AuditLogSettings settings = AuditLogSettings.builder().maxSegmentBytes(100).build();
        try (AuditLog log = AuditLog.open(dir, settings)) {
            for (int i = 0; i < 3; i++) {
                log.append(event("big" + i)).get(10, TimeUnit.SECONDS);
            }
        }
        List<Path> segments = AuditLogReader.of(dir).segments();
        assertThat(segments).hasSize(3);
        for (Path p : segments) {
            assertThat(SegmentFiles.lines(p)).hasSize(1);
        }
        assertThat(requestIds(dir)).containsExactly("big0", "big1", "big2");
    }

    @Test
    void reopeningStartsANewSegmentWithIncreasingNamesEvenWhenTheClockGoesBack() throws Exception {
        Clock later = Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC);
        Clock earlier = Clock.fixed(Instant.parse("2026-11-26T07:00:00Z"), ZoneOffset.UTC);
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.builder().clock(later).build())) {
            log.append(event("1")).get(10, TimeUnit.SECONDS);
        }
        try (AuditLog log = AuditLog.open(dir, AuditLogSettings.builder().clock(earlier).build())) {
            log.append(event("2")).get(10, TimeUnit.SECONDS);
        }
        List<String> names = AuditLogReader.of(dir).segments().stream().map(p -> p.getFileName().toString()).toList();
        assertThat(names).containsExactly("events-20261126T080000Z-000001.jsonl.gz",
                "events-20261126T080000Z-000002.jsonl.gz");
        assertThat(requestIds(dir)).containsExactly("1", "2");
        Set<String> all = new HashSet<>(names);
        assertThat(all).hasSize(2);
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> AuditLogSettings.builder().maxSegmentBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditLogSettings.builder().queueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditLogSettings.builder().maxQueuedBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditLogSettings.builder().rollInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditLogSettings.builder().rollInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(AuditLogSettings.defaults().rollInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(AuditLogSettings.builder().rollInterval(Duration.ofSeconds(30)).build().rollInterval())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Durability.batched(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(AuditLogSettings.defaults().durability().isStrict()).isTrue();
        assertThat(AuditLogSettings.defaults().maxSegmentBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(Durability.batched(Duration.ofMillis(5)).isStrict()).isFalse();
    }
}
