package io.mlgate.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A durable, append-only, fail-closed log of {@link AuditEvent}s: one JSON record per line in segment files
 * {@code events-<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl} under the audit directory, rolled by size and by age and then
 * closed into multi-member gzip log files {@code events-…jsonl.gz} as docs/audit-trail.md describes.
 *
 * <p>{@link #append} serializes the record on the caller's thread (so serialization scales with the callers, not
 * with the single writer) and queues the bytes; one daemon thread, {@value #WRITER_THREAD_NAME}, drains everything
 * queued, writes it with as few {@code FileChannel} writes as its 256 KiB buffer allows, calls
 * {@code force(false)} once and completes all the batch's futures (group commit), so one fsync covers many records
 * under load. In {@link Durability#batched batched} mode the future is complete as soon as the bounded queue accepts
 * the record while the queue is under half full, and completes after the write beyond that (backpressure); the
 * writer fsyncs at least every {@code maxDelay}.
 *
 * <p>Rolling: the writer starts a new segment before a record would make the active one larger than
 * {@link AuditLogSettings#maxSegmentBytes()}, when the active segment holds records and is older than
 * {@link AuditLogSettings#rollInterval()} (by the settings' clock, checked whenever the writer wakes, and the writer
 * wakes for it), on {@link #rollNow()} and at {@link #close()}. The rolled segment is fsynced and handed to one
 * background daemon thread, {@value #CLOSER_THREAD_NAME}, which compresses segments strictly in sequence order;
 * appends never wait for it.
 *
 * <p>Failure is never silent: a full queue fails the append at once; a write or fsync error fails that batch and
 * every later append with {@link AuditUnavailableException} until {@link #close()}. Callers must refuse the audited
 * operation when the future fails. A failure while <em>compressing</em> a rolled segment is different: every record
 * is already durable in its {@code .jsonl}, which stays in place, so the log stays healthy; the error is reported by
 * {@link #closerFailure()} and fails pending {@link #rollNow()} futures, and the close is retried at the next roll,
 * {@code rollNow()}, {@code close()} or {@link #open}.
 *
 * <p>Futures of {@link #append} complete on the writer thread unless {@link AuditLogSettings#completionExecutor()}
 * is set; attach only light continuations there (or hop threads), since work done on the writer delays every other
 * record. Futures of {@link #rollNow()} complete on the writer or closer thread.
 *
 * <p>One log writes to a directory at a time: {@link #open} takes an exclusive lock on {@value #LOCK_FILE} there
 * and keeps it until {@link #close()} has stopped both threads.
 *
 * <p>Recovery at {@link #open}: {@code .jsonl.gz.tmp} files are deleted; a {@code .jsonl} whose {@code .jsonl.gz}
 * exists is deleted (the rename is the commit point); every other {@code .jsonl} whose last line is torn (no final
 * newline, e.g. after a crash mid-write) is cut back to its last complete record and fsynced, and is then closed in
 * the background like a rolled segment. A new segment is always started, and its first records are
 * {@code AuditLogRecovered} service events naming each cut file and the number of bytes removed.
 */
public final class AuditLog implements AutoCloseable {

    /** Name of the writer thread. */
    public static final String WRITER_THREAD_NAME = "mlgate-audit-writer";
    /** Name of the thread that fsyncs in batched mode. */
    public static final String SYNC_THREAD_NAME = "mlgate-audit-sync";
    /** Name of the background thread that compresses rolled segments. */
    public static final String CLOSER_THREAD_NAME = SegmentCloser.THREAD_NAME;
    /** {@code eventName} of the record that marks a torn tail removed at open. */
    public static final String RECOVERY_EVENT_NAME = "AuditLogRecovered";

    /**
     * Whether a log (of another process, or of this one) holds {@code dir}'s writer lock now: a running gateway.
     * A folder whose lock file cannot be opened counts as free (opening the log there then reports why).
     */
    public static boolean writerLockHeld(Path dir) {
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return true;
            }
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** File in the audit directory locked by the one log that writes there. */
    static final String LOCK_FILE = ".writer.lock";
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;
    /** Longest the writer sleeps while a segment with records waits to be rolled by age (clocks may jump). */
    private static final long MAX_ROLL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private enum State { OPEN, CLOSING, FAILED, CLOSED }

    private record Pending(byte[] line, CompletableFuture<Void> done) {
    }

    private record Repair(String file, long truncatedBytes) {
    }

    private final Path dir;
    private final AuditLogSettings settings;
    private final ChannelOpener opener;
    private final boolean strict;
    private final long maxDelayNanos;
    private final Executor completionExecutor;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final List<CompletableFuture<ClosedSegments>> rollRequests = new ArrayList<>(); // guarded by lock
    private boolean nudged;                      // guarded by lock
    private boolean writerWaiting;               // guarded by lock
    private long queuedBytes;                    // guarded by lock
    private volatile State state = State.OPEN;   // written under lock
    private final Thread writer;
    private final SegmentCloser closer;
    /** Batched mode: fsyncs the active segment off the writer thread, so the writer keeps writing meanwhile. */
    private final java.util.concurrent.ExecutorService syncer;
    private final java.util.concurrent.atomic.AtomicBoolean syncing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Throwable syncFailure;
    private final FileChannel lockChannel;
    private volatile long currentSequence;
    private final FileLock dirLock;

    // Confined to the writer thread (and to the constructor before the writer starts).
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private FileChannel channel;
    private SegmentName segment;
    private long segmentBytes;
    private Instant rollAt;
    private boolean unforced;
    private long forceDeadline;

    /**
     * Opens (creating if needed) the log in {@code auditDir}: repairs torn tails, starts a new segment and the writer.
     *
     * @throws IOException if the directory cannot be created, a torn tail cannot be repaired or the first segment
     *                     cannot be created
     */
    public static AuditLog open(Path auditDir, AuditLogSettings settings) throws IOException {
        return new AuditLog(auditDir, settings, ChannelOpener.DEFAULT);
    }

    AuditLog(Path auditDir, AuditLogSettings settings, ChannelOpener opener) throws IOException {
        this.dir = Objects.requireNonNull(auditDir, "auditDir");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.strict = settings.durability().isStrict();
        this.maxDelayNanos = strict ? 0 : settings.durability().maxDelay().toNanos();
        this.completionExecutor = settings.completionExecutor();

        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            this.dirLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            closeQuietly(lockChannel);
            throw new IOException("audit directory is already open for writing: " + dir, e);
        }
        if (dirLock == null) {
            closeQuietly(lockChannel);
            throw new IOException("audit directory is already open for writing by another process: " + dir);
        }
        List<SegmentName> toClose = new ArrayList<>();
        try {
            List<Repair> repairs = new ArrayList<>();
            SegmentName newest = recover(toClose, repairs);
            // created before the first segment: writing the markers may already roll (tiny segment limits)
            this.closer = new SegmentCloser(dir, opener, toClose, newest == null ? 0 : newest.seq());
            startSegment(SegmentName.next(newest, settings.clock().instant()));
            if (!repairs.isEmpty()) {
                List<Pending> markers = new ArrayList<>();
                for (Repair r : repairs) {
                    markers.add(new Pending(recoveryEvent(r).toJsonLine(), null));
                }
                writeLines(markers);
                force();
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            closeQuietly(lockChannel); // releases the lock
            throw e;
        }
        this.syncer = strict ? null : java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, SYNC_THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        this.writer = new Thread(this::runWriter, WRITER_THREAD_NAME);
        writer.setDaemon(true);
        closer.start();
        writer.start();
    }

    /**
     * Recovery at open (docs/audit-trail.md): deletes {@code .tmp} files and {@code .jsonl} files already committed
     * as {@code .jsonl.gz}, cuts torn tails of the other {@code .jsonl} files and collects them for closing.
     *
     * @return the newest segment name of any kind, or null if there is none
     */
    private SegmentName recover(List<SegmentName> toClose, List<Repair> repairs) throws IOException {
        List<SegmentName.File> files = SegmentName.listFiles(dir);
        java.util.Set<SegmentName> closed = new java.util.HashSet<>();
        SegmentName newest = null;
        for (SegmentName.File f : files) {
            if (f.kind() == SegmentName.Kind.CLOSED) {
                closed.add(f.name());
            }
            if (f.kind() != SegmentName.Kind.TEMPORARY && (newest == null || f.name().compareTo(newest) > 0)) {
                newest = f.name();
            }
        }
        boolean deleted = false;
        for (SegmentName.File f : files) {
            Path p = dir.resolve(f.fileName());
            if (f.kind() == SegmentName.Kind.TEMPORARY) {
                deleted |= Files.deleteIfExists(p);
            } else if (f.kind() == SegmentName.Kind.OPEN) {
                if (closed.contains(f.name())) {
                    deleted |= Files.deleteIfExists(p);
                } else {
                    long cut = TornTail.repair(p, opener);
                    if (cut > 0) {
                        repairs.add(new Repair(f.fileName(), cut));
                    }
                    toClose.add(f.name());
                }
            }
        }
        if (deleted) {
            forceDirectory();
        }
        return newest;
    }

    /**
     * Queues one record, serialized on the calling thread. The returned future completes when the record is durable as the settings define (fsynced for
     * STRICT, written to the OS for BATCHED), or completes exceptionally with {@link AuditUnavailableException}: at
     * once if the queue is full, the log has failed or is closed; later if its write or fsync fails. This method never
     * blocks on I/O and never throws for an unavailable log.
     */
    public CompletableFuture<Void> append(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        State s = state;
        if (s != State.OPEN) {
            return CompletableFuture.failedFuture(unavailable(s));
        }
        byte[] line = event.toJsonLine();
        CompletableFuture<Void> done;
        lock.lock();
        try {
            s = state;
            if (s != State.OPEN) {
                return CompletableFuture.failedFuture(unavailable(s));
            }
            // strict: the future completes after the fsync. batched: at once while the writer keeps up (the queue
            // under half full); beyond that after the write, so callers slow down to the writer's pace instead of
            // filling the queue and being refused
            done = strict || queue.size() >= settings.queueCapacity() / 2
                    || queuedBytes >= settings.maxQueuedBytes() / 2 ? new CompletableFuture<>() : null;
            if (queue.size() >= settings.queueCapacity()
                    || (!queue.isEmpty() && queuedBytes + line.length > settings.maxQueuedBytes())) {
                return CompletableFuture.failedFuture(new AuditUnavailableException(
                        AuditUnavailableException.Reason.QUEUE_FULL, "audit queue is full (" + queue.size()
                        + " records, " + queuedBytes + " bytes)", null));
            }
            queue.addLast(new Pending(line, done));
            queuedBytes += line.length;
            if (writerWaiting) {
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
        return done != null ? done : CompletableFuture.completedFuture(null);
    }

    /** True while the log accepts records: not failed and not closed. */
    public boolean isHealthy() {
        return state == State.OPEN;
    }

    /** The audit directory this log writes to. */
    public Path directory() {
        return dir;
    }

    /** The sequence number of the active segment (after {@link #close()}, of the last one). */
    public long currentSequence() {
        return currentSequence;
    }

    /** Which segments are closed right now (without rolling). */
    public ClosedSegments closedSegments() {
        return new ClosedSegments(closer.highestClosed(), OptionalLong.empty());
    }

    /**
     * Closes the active segment if it holds records (else starts no new one) and returns a future that completes once
     * every segment rolled so far, this one included, is compressed into its {@code .jsonl.gz}; so a digest written
     * after it covers every record appended before this call. Records whose {@link #append} returned before this call
     * are in the closed segment.
     *
     * <p>The future fails with {@link AuditUnavailableException} if the log has failed or is closed (then nothing is
     * rolled), and with the underlying error if compressing a segment fails: that segment's {@code .jsonl} stays in
     * place, nothing is lost, and the close is retried at the next roll. Never blocks.
     */
    public CompletableFuture<ClosedSegments> rollNow() {
        CompletableFuture<ClosedSegments> f = new CompletableFuture<>();
        lock.lock();
        try {
            State s = state;
            if (s != State.OPEN) {
                return CompletableFuture.failedFuture(unavailable(s));
            }
            rollRequests.add(f);
            if (writerWaiting) {
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
        return f;
    }

    /**
     * The error of the last attempt to compress a rolled segment, if that attempt failed; empty once a later attempt
     * succeeds. Such a failure loses nothing (the segment stays as {@code .jsonl}, and the log stays healthy) and is
     * retried at the next roll, {@link #rollNow()}, {@link #close()} or {@link #open}.
     */
    public Optional<Throwable> closerFailure() {
        return closer.failure();
    }

    /**
     * Writes and fsyncs everything queued, completes those futures, closes the active segment (compressing it if it
     * holds records, deleting it if it holds none), waits for the closer thread to compress every rolled segment (a
     * compression failure is left to the next {@link #open}; see {@link #closerFailure()}), stops both threads and
     * releases the directory. Later appends fail with reason CLOSED. Idempotent. Called from an append or roll
     * callback, it only starts the shutdown, which the log's threads then finish by themselves.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (state == State.OPEN) {
                state = State.CLOSING;
            }
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == writer || Thread.currentThread() == closer.thread()) {
            return; // called from a completion callback: the threads finish by themselves
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        closer.stop(); // the writer stops it too, unless the writer failed
        interrupted |= closer.join();
        lock.lock();
        try {
            state = State.CLOSED;
        } finally {
            lock.unlock();
        }
        closeQuietly(lockChannel); // releases the directory lock
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wakes the writer so it checks the roll interval now (tests drive the clock). */
    void nudgeWriter() {
        lock.lock();
        try {
            nudged = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The closer thread, for tests. */
    Thread closerThread() {
        return closer.thread();
    }

    /** The writer thread, for tests. */
    Thread writerThread() {
        return writer;
    }

    private static AuditUnavailableException unavailable(State s) {
        return s == State.FAILED
                ? new AuditUnavailableException(AuditUnavailableException.Reason.FAILED,
                "audit log has failed and accepts no records until it is closed", null)
                : new AuditUnavailableException(AuditUnavailableException.Reason.CLOSED, "audit log is closed", null);
    }

    // ---------------------------------------------------------------- writer thread

    private void runWriter() {
        List<Pending> batch = new ArrayList<>();
        List<CompletableFuture<ClosedSegments>> rolls = new ArrayList<>();
        try {
            boolean closing = false;
            while (!closing) {
                lock.lock();
                try {
                    while (queue.isEmpty() && rollRequests.isEmpty() && !nudged && state == State.OPEN) {
                        long waitNanos = unforced ? forceDeadline - System.nanoTime() : Long.MAX_VALUE;
                        if (segmentBytes > 0) {
                            waitNanos = Math.min(waitNanos, rollWaitNanos());
                        }
                        if (waitNanos <= 0) {
                            break;
                        }
                        writerWaiting = true;
                        try {
                            if (waitNanos == Long.MAX_VALUE) {
                                wake.await();
                            } else {
                                wake.awaitNanos(waitNanos);
                            }
                        } finally {
                            writerWaiting = false;
                        }
                    }
                    nudged = false;
                    if (!queue.isEmpty()) {
                        batch.addAll(queue);
                        queue.clear();
                        queuedBytes = 0;
                    }
                    if (!rollRequests.isEmpty()) {
                        rolls.addAll(rollRequests);
                        rollRequests.clear();
                    }
                    closing = state != State.OPEN;
                } finally {
                    lock.unlock();
                }
                if (!batch.isEmpty()) {
                    writeLines(batch);
                    if (strict) {
                        force();
                    } else if (!unforced) {
                        unforced = true;
                        forceDeadline = System.nanoTime() + maxDelayNanos;
                    }
                }
                Throwable syncFailed = syncFailure;
                if (syncFailed != null) {
                    throw new IOException("background fsync failed", syncFailed);
                }
                if (unforced && closing) {
                    force();
                } else if (unforced && System.nanoTime() - forceDeadline >= 0) {
                    syncInBackground();
                }
                OptionalLong rolled = OptionalLong.empty();
                if (segmentBytes > 0 && !closing && (!rolls.isEmpty() || rollIntervalPassed())) {
                    rolled = OptionalLong.of(segment.seq());
                    roll();
                }
                if (!batch.isEmpty()) {
                    complete(batch, closing);
                    batch = new ArrayList<>();
                }
                if (!rolls.isEmpty() && !closing) {
                    for (CompletableFuture<ClosedSegments> f : rolls) {
                        closer.request(segment.seq() - 1, rolled, f);
                    }
                    rolls.clear();
                }
            }
            force();
            boolean held = segmentBytes > 0;
            finishLastSegment();
            for (CompletableFuture<ClosedSegments> f : rolls) { // asked for as the log closed: close() rolls anyway
                closer.request(held ? segment.seq() : segment.seq() - 1,
                        held ? OptionalLong.of(segment.seq()) : OptionalLong.empty(), f);
            }
            rolls.clear();
            closer.stop();
            closer.join();
            if (syncer != null) {
                syncer.shutdown();
            }
            closeQuietly(lockChannel); // also covers close() called from a callback on this thread
        } catch (Throwable e) { // IOException, a runtime failure, or an interrupt: fail closed
            if (syncer != null) {
                syncer.shutdownNow();
            }
            fail(batch, rolls, e);
        }
    }

    /** Nanoseconds until the active segment is due to roll by age, at most {@link #MAX_ROLL_WAIT_NANOS}. */
    private long rollWaitNanos() {
        Instant now = settings.clock().instant();
        if (!now.isBefore(rollAt)) {
            return 0;
        }
        Duration left = Duration.between(now, rollAt);
        return left.compareTo(Duration.ofNanos(MAX_ROLL_WAIT_NANOS)) > 0 ? MAX_ROLL_WAIT_NANOS : left.toNanos();
    }

    private boolean rollIntervalPassed() {
        return !settings.clock().instant().isBefore(rollAt);
    }

    /** At close: hands the active segment to the closer if it holds records, else deletes it. */
    private void finishLastSegment() throws IOException {
        channel.close();
        if (segmentBytes > 0) {
            closer.enqueue(segment);
        } else {
            Files.deleteIfExists(dir.resolve(segment.fileName()));
            forceDirectory();
        }
    }

    private void writeLines(List<Pending> lines) throws IOException {
        long max = settings.maxSegmentBytes();
        for (Pending p : lines) {
            byte[] line = p.line();
            if (segmentBytes > 0 && segmentBytes + line.length > max) {
                flushBuffer();
                roll();
            }
            if (line.length > buffer.remaining()) {
                flushBuffer();
                if (line.length > buffer.capacity()) {
                    writeFully(ByteBuffer.wrap(line));
                    segmentBytes += line.length;
                    continue;
                }
            }
            buffer.put(line);
            segmentBytes += line.length;
        }
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private void force() throws IOException {
        channel.force(false);
        unforced = false;
    }

    /**
     * Batched mode: fsyncs the active segment on the sync thread while the writer goes on writing. If the previous
     * fsync is still running, tries again within a millisecond. An fsync that finds its segment already closed by a
     * roll is fine (the roll fsynced it before closing); any other failure fails the log through the writer.
     */
    private void syncInBackground() {
        if (!syncing.compareAndSet(false, true)) {
            forceDeadline = System.nanoTime() + Math.min(maxDelayNanos, 1_000_000L);
            return;
        }
        FileChannel ch = channel;
        unforced = false;
        try {
            syncer.execute(() -> {
                try {
                    ch.force(false);
                } catch (java.nio.channels.ClosedChannelException rolled) {
                    // the segment was rolled and closed meanwhile: roll() fsynced it first
                } catch (IOException | RuntimeException e) {
                    syncFailure = e;
                    nudgeWriter();
                } finally {
                    syncing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            syncing.set(false);
            unforced = true;
        }
    }

    /** Fsyncs and closes the active segment, starts the next one and hands the old one to the closer. */
    private void roll() throws IOException {
        force();
        channel.close();
        channel = null;
        SegmentName old = segment;
        startSegment(SegmentName.next(segment, settings.clock().instant()));
        closer.enqueue(old);
    }

    private void startSegment(SegmentName name) throws IOException {
        Instant now = settings.clock().instant();
        channel = opener.open(dir.resolve(name.fileName()), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segment = name;
        segmentBytes = 0;
        rollAt = now.plus(settings.rollInterval());
        currentSequence = name.seq();
        forceDirectory();
    }

    private void forceDirectory() throws IOException {
        try (FileChannel d = opener.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private void complete(List<Pending> batch, boolean inline) {
        boolean any = false;
        for (Pending p : batch) {
            if (p.done() != null) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        Runnable task = () -> {
            for (Pending p : batch) {
                if (p.done() != null) {
                    p.done().complete(null);
                }
            }
        };
        if (completionExecutor == null || inline) {
            task.run();
            return;
        }
        try {
            completionExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private void fail(List<Pending> batch, List<CompletableFuture<ClosedSegments>> rolls, Throwable cause) {
        List<Pending> rest;
        lock.lock();
        try {
            state = State.FAILED;
            rest = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
            rolls.addAll(rollRequests);
            rollRequests.clear();
        } finally {
            lock.unlock();
        }
        AuditUnavailableException ex = new AuditUnavailableException(AuditUnavailableException.Reason.FAILED,
                "audit log write failed (" + cause.getClass().getSimpleName() + "); log is now failed", cause);
        for (Pending p : batch) {
            if (p.done() != null) {
                p.done().completeExceptionally(ex);
            }
        }
        for (Pending p : rest) {
            if (p.done() != null) {
                p.done().completeExceptionally(ex);
            }
        }
        for (CompletableFuture<ClosedSegments> f : rolls) {
            f.completeExceptionally(ex);
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing or cleaning up; the original error is reported
            }
        }
    }

    private AuditEvent recoveryEvent(Repair r) {
        AuditEvent.Builder b = AuditEvent.builder()
                .eventType(EventType.AWS_SERVICE_EVENT)
                .eventCategory(EventCategory.MANAGEMENT)
                .userIdentity(UserIdentity.builder(IdentityType.AWS_SERVICE)
                        .invokedBy("cloudtrail.amazonaws.com").build())
                .eventTime(settings.clock().instant())
                .eventSource("cloudtrail.amazonaws.com")
                .eventName(RECOVERY_EVENT_NAME)
                .awsRegion(settings.region())
                .sourceIPAddress("cloudtrail.amazonaws.com")
                .requestID(UUID.randomUUID().toString())
                .additionalEventData(EventData.builder()
                        .put("truncatedBytes", r.truncatedBytes())
                        .put("file", r.file())
                        .build());
        if (settings.accountId() != null) {
            b.recipientAccountId(settings.accountId());
        }
        return b.build();
    }
}
