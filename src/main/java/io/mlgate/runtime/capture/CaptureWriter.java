package io.mlgate.runtime.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.io.ByteArrayOutputStream;

/**
 * Appends {@link CaptureRecord}s to the capture files from one daemon thread, {@value #THREAD_NAME}, so that neither
 * the event loop nor the model workers ever wait for a disk.
 *
 * <p>{@link #offer} never blocks: the queue is bounded by a record count and a byte budget, and a record that does
 * not fit is dropped and counted ({@link #dropped()}); the call it came from is unaffected. The writer takes
 * everything queued (up to {@value #BATCH} records), renders the records, appends each file's share with as few
 * writes as possible and fsyncs every file it touched once (so one fsync covers a batch). A write or fsync error
 * loses that file's share of the batch, counted in {@link #failed()} and logged without any payload; the file is
 * abandoned and the next record opens a new one.
 *
 * <p>Files: {@code <variant folder>/yyyy/mm/dd/hh/mm-ss-SSS-<uuid>.jsonl}, UTC, named after the first record's
 * time; a file only ever holds records of its hour (by the record's time) and is closed once the writer's clock
 * has left that hour. Folders are created owner-only ({@code rwx------}), files {@code rw-------}.
 */
public final class CaptureWriter implements AutoCloseable {

    /** The writer thread's name. */
    public static final String THREAD_NAME = "mlgate-capture-writer";
    /** Most records written per batch (one fsync per touched file). */
    static final int BATCH = 512;

    /** Bounds of the queue: records and bytes (payloads plus {@link CaptureRecord#OVERHEAD_BYTES} each). */
    public record Limits(int maxRecords, long maxBytes) {
        public Limits {
            if (maxRecords < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("maxRecords and maxBytes must be >= 1");
            }
        }

        /** 4096 records, 64 MiB. */
        public static Limits defaults() {
            return new Limits(4096, 64L * 1024 * 1024);
        }
    }

    private static final System.Logger LOG = System.getLogger(CaptureWriter.class.getName());
    private static final DateTimeFormatter HOUR_FOLDERS = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_NAME = DateTimeFormatter.ofPattern("mm-ss-SSS")
            .withZone(ZoneOffset.UTC);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Object STOP = new Object();

    /** A request to be told when everything queued before it is written. */
    private record Flush(CompletableFuture<Void> done) {
    }

    /** An open capture file and the hour it belongs to. */
    private record OpenFile(Path path, Instant hour, FileChannel channel) {
    }

    private final Limits limits;
    private final Clock clock;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedRecords = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The open files by hour folder; touched by the writer thread only. */
    private final Map<Path, OpenFile> open = new HashMap<>();
    /** Whether the last write failed (so a lasting failure is logged once, not per record); writer thread only. */
    private boolean failing;
    private final Thread thread;
    private volatile boolean closed;

    /** A writer whose thread is running. */
    public static CaptureWriter start(Limits limits, Clock clock) {
        CaptureWriter writer = new CaptureWriter(limits, clock);
        writer.thread.start();
        return writer;
    }

    /** A writer whose thread has not started (tests fill the queue first); {@link #startThread()} starts it. */
    CaptureWriter(Limits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void startThread() {
        thread.start();
    }

    /**
     * Queues a record for writing, at once: false (and counted as dropped) when the queue is full, by records or
     * bytes, or the writer is closed. Never throws for a full queue; safe from any thread.
     */
    public boolean offer(CaptureRecord record) {
        Objects.requireNonNull(record, "record");
        long size = record.estimatedBytes();
        if (closed) {
            dropped.incrementAndGet();
            return false;
        }
        int records = queuedRecords.incrementAndGet();
        long bytes = queuedBytes.addAndGet(size);
        if (records > limits.maxRecords() || bytes > limits.maxBytes()) {
            queuedRecords.decrementAndGet();
            queuedBytes.addAndGet(-size);
            dropped.incrementAndGet();
            return false;
        }
        queue.add(record);
        accepted.incrementAndGet();
        return true;
    }

    /**
     * Waits until every record queued before this call is written and fsynced (or failed).
     *
     * @return false if that did not happen within {@code timeout} (or the writer is closed)
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        if (closed) {
            return false;
        }
        Flush marker = new Flush(new CompletableFuture<>());
        queue.add(marker);
        try {
            marker.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    /** Records accepted into the queue so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Records dropped so far because the queue was full or the writer closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Records written and fsynced so far. */
    public long written() {
        return written.get();
    }

    /** Records lost so far to a write or fsync error. */
    public long failed() {
        return failed.get();
    }

    /** Records waiting in the queue now. */
    public int queued() {
        return queuedRecords.get();
    }

    private void run() {
        List<Object> batch = new ArrayList<>(BATCH);
        while (true) {
            Object first;
            try {
                first = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                break;
            }
            boolean stop = false;
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                stop = write(batch);
                batch.clear();
            }
            // roll by hour: a file is done once the clock has left its hour
            closeFilesBefore(clock.instant().truncatedTo(ChronoUnit.HOURS));
            if (stop) {
                break;
            }
        }
        closeFilesBefore(Instant.MAX);
    }

    /** Writes the batch's records; completes its flush markers afterwards. True if it held the stop marker. */
    private boolean write(List<Object> batch) {
        Map<OpenFile, ByteArrayOutputStream> pending = new LinkedHashMap<>();
        Map<OpenFile, Integer> counts = new HashMap<>();
        List<Flush> flushes = new ArrayList<>();
        boolean stop = false;
        for (Object item : batch) {
            if (item == STOP) {
                stop = true;
            } else if (item instanceof Flush f) {
                flushes.add(f);
            } else if (item instanceof CaptureRecord r) {
                queuedRecords.decrementAndGet();
                queuedBytes.addAndGet(-r.estimatedBytes());
                byte[] line;
                OpenFile file;
                try {
                    line = r.toJsonLine();
                    file = fileFor(r);
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    failure("cannot open a capture file under " + r.variantFolder() + " ("
                            + e.getClass().getSimpleName() + ")");
                    continue;
                }
                pending.computeIfAbsent(file, k -> new ByteArrayOutputStream()).writeBytes(line);
                counts.merge(file, 1, Integer::sum);
            }
        }
        for (Map.Entry<OpenFile, ByteArrayOutputStream> e : pending.entrySet()) {
            OpenFile file = e.getKey();
            int n = counts.get(file);
            try {
                ByteBuffer buffer = ByteBuffer.wrap(e.getValue().toByteArray());
                while (buffer.hasRemaining()) {
                    file.channel().write(buffer);
                }
                file.channel().force(false);
                written.addAndGet(n);
                if (failing) {
                    failing = false;
                    LOG.log(System.Logger.Level.INFO, "capture files are written again");
                }
            } catch (IOException | RuntimeException ex) {
                failed.addAndGet(n);
                failure("capture file " + file.path() + " failed (" + ex.getClass().getSimpleName()
                        + "); records are lost until a write succeeds");
                abandon(file);
            }
        }
        flushes.forEach(f -> f.done().complete(null));
        return stop;
    }

    /** The open file of the record's variant folder and hour, created if needed. */
    private OpenFile fileFor(CaptureRecord r) throws IOException {
        Path dir = r.variantFolder().resolve(HOUR_FOLDERS.format(r.hour()));
        OpenFile current = open.get(dir);
        if (current != null) {
            return current;
        }
        createDirectories(dir);
        Path path = dir.resolve(FILE_NAME.format(r.time()) + "-" + UUID.randomUUID() + ".jsonl");
        FileChannel channel = POSIX
                ? FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
        syncDirectory(dir);
        OpenFile file = new OpenFile(path, r.hour(), channel);
        open.put(dir, file);
        return file;
    }

    /** Logs the start of a failure once (paths and exception classes only: never a payload). */
    private void failure(String message) {
        if (!failing) {
            failing = true;
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }

    private static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(dir, ownerOnly);
        } else {
            Files.createDirectories(dir);
        }
    }

    /** Makes the new file's directory entry durable (best effort: not every platform can fsync a directory). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            // the records themselves are still fsynced
        }
    }

    private void abandon(OpenFile file) {
        open.values().remove(file);
        closeQuietly(file);
    }

    /** Closes the files of hours before {@code hour} (all of them with {@link Instant#MAX}). */
    private void closeFilesBefore(Instant hour) {
        for (Iterator<OpenFile> it = open.values().iterator(); it.hasNext(); ) {
            OpenFile f = it.next();
            if (f.hour().isBefore(hour)) {
                closeQuietly(f);
                it.remove();
            }
        }
    }

    private static void closeQuietly(OpenFile file) {
        try {
            file.channel().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing capture file " + file.path() + " failed: "
                    + e.getClass().getSimpleName());
        }
    }

    /**
     * Writes what is queued, then stops the thread and closes the files; later offers are dropped. Waits at most
     * 10 s for the queue to drain.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        // a flush requested just before close would wait its whole timeout: release it
        for (Object item : queue) {
            if (item instanceof Flush f) {
                f.done().complete(null);
            }
        }
    }
}
