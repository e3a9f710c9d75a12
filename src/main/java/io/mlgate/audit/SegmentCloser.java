package io.mlgate.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one background thread that closes rolled segments in sequence order, as docs/audit-trail.md says: the
 * {@code .jsonl} bytes are compressed into {@code .jsonl.gz.tmp} ({@link GzipMembers}), which is fsynced and renamed
 * to {@code .jsonl.gz} (the commit point); the directory is fsynced, the {@code .jsonl} deleted and the directory
 * fsynced again.
 *
 * <p>A failure leaves the {@code .jsonl} in place (so no record is lost), is kept as {@link #failure()}, fails the
 * waiting {@link AuditLog#rollNow()} futures, and stops the closer (later segments wait, so closed segments always
 * form a prefix of the sequence) until the next roll, roll request or stop, which retry.
 */
final class SegmentCloser {

    static final String THREAD_NAME = "mlgate-audit-closer";

    private record Waiter(long target, OptionalLong rolled, CompletableFuture<ClosedSegments> future) {
    }

    private final Path dir;
    private final ChannelOpener opener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final TreeSet<SegmentName> pending = new TreeSet<>();   // guarded by lock
    private final List<Waiter> waiters = new ArrayList<>();         // guarded by lock
    private long rolledThrough;                                     // guarded by lock
    private boolean blocked;                                        // guarded by lock
    private boolean stopping;                                       // guarded by lock
    private volatile Throwable failure;
    private final Thread thread;

    /**
     * @param toClose       segments left open by an earlier run, to close first
     * @param rolledThrough the highest sequence number that is not (and will never again be) the active segment
     */
    SegmentCloser(Path dir, ChannelOpener opener, Collection<SegmentName> toClose, long rolledThrough) {
        this.dir = dir;
        this.opener = opener;
        this.pending.addAll(toClose);
        this.rolledThrough = rolledThrough;
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    /** Hands over a rolled (fsynced and closed) segment; also retries after a failure. */
    void enqueue(SegmentName segment) {
        lock.lock();
        try {
            pending.add(segment);
            rolledThrough = Math.max(rolledThrough, segment.seq());
            blocked = false;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Completes {@code future} once every segment up to {@code target} is closed (at once if it is), or exceptionally
     * with the error if closing one fails. Also retries after an earlier failure.
     */
    void request(long target, OptionalLong rolled, CompletableFuture<ClosedSegments> future) {
        ClosedSegments now = null;
        lock.lock();
        try {
            long highest = highestClosedLocked();
            if (highest >= target) {
                now = new ClosedSegments(highest, rolled);
            } else {
                waiters.add(new Waiter(target, rolled, future));
                blocked = false;
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
        if (now != null) {
            future.complete(now);
        }
    }

    /** Every existing segment with a sequence number up to this one is closed. */
    long highestClosed() {
        lock.lock();
        try {
            return highestClosedLocked();
        } finally {
            lock.unlock();
        }
    }

    private long highestClosedLocked() {
        return pending.isEmpty() ? rolledThrough : Math.min(rolledThrough, pending.first().seq() - 1);
    }

    /** The error of the last close attempt, if it failed; cleared by the next successful close. */
    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Asks the thread to close what is pending (retrying once after a failure) and then to end. */
    void stop() {
        lock.lock();
        try {
            stopping = true;
            blocked = false;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the thread to end after {@link #stop()}; returns true if this thread was interrupted meanwhile. */
    boolean join() {
        boolean interrupted = false;
        if (Thread.currentThread() == thread) {
            return false;
        }
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    private void run() {
        while (true) {
            SegmentName next;
            lock.lock();
            try {
                while (pending.isEmpty() || blocked) {
                    if (stopping) {
                        failWaitersLocked(failure);
                        return;
                    }
                    wake.awaitUninterruptibly();
                }
                next = pending.first();
            } finally {
                lock.unlock();
            }
            List<Waiter> done = new ArrayList<>();
            List<Waiter> failed = new ArrayList<>();
            ClosedSegments result = null;
            Throwable error = null;
            try {
                closeSegment(next);
            } catch (Throwable e) { // IOException or a runtime failure: the .jsonl stays, retried later
                error = e;
            }
            lock.lock();
            try {
                if (error == null) {
                    pending.remove(next);
                    failure = null;
                    long highest = highestClosedLocked();
                    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                        Waiter w = it.next();
                        if (w.target() <= highest) {
                            done.add(w);
                            it.remove();
                        }
                    }
                    result = new ClosedSegments(highest, OptionalLong.empty());
                } else {
                    failure = error;
                    blocked = true;
                    failed.addAll(waiters);
                    waiters.clear();
                }
            } finally {
                lock.unlock();
            }
            for (Waiter w : done) {
                w.future().complete(new ClosedSegments(result.highestClosedSequence(), w.rolled()));
            }
            for (Waiter w : failed) {
                w.future().completeExceptionally(error);
            }
        }
    }

    private void failWaitersLocked(Throwable cause) {
        Throwable c = cause != null ? cause : new IllegalStateException("audit log closed");
        for (Waiter w : waiters) {
            w.future().completeExceptionally(c);
        }
        waiters.clear();
    }

    /** Closes one segment; safe to repeat after a failure at any step. */
    private void closeSegment(SegmentName s) throws IOException {
        Path jsonl = dir.resolve(s.fileName(SegmentName.Kind.OPEN));
        Path gz = dir.resolve(s.fileName(SegmentName.Kind.CLOSED));
        Path tmp = dir.resolve(s.fileName(SegmentName.Kind.TEMPORARY));
        if (!Files.exists(gz)) {
            try (FileChannel in = opener.open(jsonl, StandardOpenOption.READ);
                 FileChannel out = opener.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.WRITE)) {
                GzipMembers.compress(in, out);
                out.force(true);
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory();
        }
        // the rename is the commit point: from here on the .jsonl is a redundant copy
        if (Files.deleteIfExists(jsonl)) {
            forceDirectory();
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel d = opener.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
