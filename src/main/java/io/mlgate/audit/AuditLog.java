package io.mlgate.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A durable, append-only, fail-closed log of {@link AuditEvent}s: one JSON record per line in size-rolled segment
 * files {@code events-<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl} under the audit directory.
 *
 * <p>{@link #append} serializes the record on the caller's thread (so serialization scales with the callers, not
 * with the single writer) and queues the bytes; one daemon thread, {@value #WRITER_THREAD_NAME}, drains everything
 * queued, writes it with as few {@code FileChannel} writes as its 256 KiB buffer allows, calls
 * {@code force(false)} once and completes all the batch's futures (group commit), so one fsync covers many records
 * under load.
 *
 * <p>Failure is never silent: a full queue fails the append at once; a write or fsync error fails that batch and
 * every later append with {@link AuditUnavailableException} until {@link #close()}. Callers must refuse the audited
 * operation when the future fails.
 *
 * <p>Futures complete on the writer thread unless {@link AuditLogSettings#completionExecutor()} is set; attach only
 * light continuations there (or hop threads), since work done on the writer delays every other record.
 *
 * <p>One log writes to a directory at a time: {@link #open} takes an exclusive lock on {@value #LOCK_FILE} there.
 *
 * <p>At {@link #open} every segment whose last line is torn (no final newline, e.g. after a crash mid-write) is cut
 * back to its last complete record and fsynced; a new segment is always started, and its first records are
 * {@code AuditLogRecovered} service events naming the file and the number of bytes removed.
 */
public final class AuditLog implements AutoCloseable {

    /** Name of the writer thread. */
    public static final String WRITER_THREAD_NAME = "mlgate-audit-writer";
    /** {@code eventName} of the record that marks a torn tail removed at open. */
    public static final String RECOVERY_EVENT_NAME = "AuditLogRecovered";

    /** File in the audit directory locked by the one log that writes there. */
    static final String LOCK_FILE = ".writer.lock";
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;

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
    private boolean writerWaiting;               // guarded by lock
    private long queuedBytes;                    // guarded by lock
    private volatile State state = State.OPEN;   // written under lock
    private final Thread writer;
    private final FileChannel lockChannel;
    private final FileLock dirLock;

    // Confined to the writer thread (and to the constructor before the writer starts).
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private FileChannel channel;
    private SegmentName segment;
    private long segmentBytes;
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
        try {
            List<SegmentName> existing = SegmentName.list(dir);
            List<Repair> repairs = new ArrayList<>();
            for (SegmentName s : existing) {
                long cut = TornTail.repair(dir.resolve(s.fileName()), opener);
                if (cut > 0) {
                    repairs.add(new Repair(s.fileName(), cut));
                }
            }
            SegmentName newest = existing.isEmpty() ? null : existing.get(existing.size() - 1);
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
        this.writer = new Thread(this::runWriter, WRITER_THREAD_NAME);
        writer.setDaemon(true);
        writer.start();
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
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            s = state;
            if (s != State.OPEN) {
                return CompletableFuture.failedFuture(unavailable(s));
            }
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
        return done;
    }

    /** True while the log accepts records: not failed and not closed. */
    public boolean isHealthy() {
        return state == State.OPEN;
    }

    /** The audit directory this log writes to. */
    public Path directory() {
        return dir;
    }

    /**
     * Writes and fsyncs everything queued, completes those futures, closes the segment and stops the writer thread.
     * Later appends fail with reason CLOSED. Idempotent.
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
        if (Thread.currentThread() == writer) {
            return; // called from a completion callback: the writer finishes by itself
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
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
        try {
            boolean closing = false;
            while (!closing) {
                lock.lock();
                try {
                    while (queue.isEmpty() && state == State.OPEN) {
                        long waitNanos = unforced ? forceDeadline - System.nanoTime() : Long.MAX_VALUE;
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
                    batch.addAll(queue);
                    queue.clear();
                    queuedBytes = 0;
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
                if (unforced && (closing || System.nanoTime() - forceDeadline >= 0)) {
                    force();
                }
                if (!batch.isEmpty()) {
                    complete(batch, closing);
                    batch = new ArrayList<>();
                }
            }
            force();
            channel.close();
            closeQuietly(lockChannel); // also covers close() called from a callback on this thread
        } catch (Throwable e) { // IOException, a runtime failure, or an interrupt: fail closed
            fail(batch, e);
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

    private void roll() throws IOException {
        force();
        channel.close();
        channel = null;
        startSegment(SegmentName.next(segment, settings.clock().instant()));
    }

    private void startSegment(SegmentName name) throws IOException {
        channel = opener.open(dir.resolve(name.fileName()), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segment = name;
        segmentBytes = 0;
        try (FileChannel d = opener.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private void complete(List<Pending> batch, boolean inline) {
        Runnable task = () -> {
            for (Pending p : batch) {
                p.done().complete(null);
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

    private void fail(List<Pending> batch, Throwable cause) {
        List<Pending> rest;
        lock.lock();
        try {
            state = State.FAILED;
            rest = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
        } finally {
            lock.unlock();
        }
        AuditUnavailableException ex = new AuditUnavailableException(AuditUnavailableException.Reason.FAILED,
                "audit log write failed (" + cause.getClass().getSimpleName() + "); log is now failed", cause);
        for (Pending p : batch) {
            p.done().completeExceptionally(ex);
        }
        for (Pending p : rest) {
            p.done().completeExceptionally(ex);
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
