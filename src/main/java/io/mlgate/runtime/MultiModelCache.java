package io.mlgate.runtime;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The models of a multi-model variant (SageMaker's {@code Mode: MultiModel}): a model named by a call's
 * {@code TargetModel} is loaded on first use, on the cache's own loader threads, and kept in least-recently-used
 * order under a memory budget (the sum of the loaded models' sizes); loading one evicts the least recently used
 * models that are not loading until it fits; an evicted model still in use by calls is closed when the last of
 * them releases it (so eviction never fails a call). A call for a loading model waits for that load only: calls for loaded
 * models are never held up by it. A model larger than the whole budget is refused; when more loads are waiting than
 * the loader queue holds, a call fails at once with {@link BusyException#NOT_READY}. Counts hits, misses, loads,
 * evictions and load wait time.
 */
public final class MultiModelCache implements AutoCloseable {

    /** Loads a model by its target name (the caller's {@code TargetModel}); runs on a loader thread. */
    @FunctionalInterface
    public interface Loader {
        Loaded load(String target) throws Exception;
    }

    /** A loaded model and the bytes it counts against the budget. */
    public record Loaded(OnnxModel model, long bytes) {
        public Loaded {
            Objects.requireNonNull(model, "model");
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must be >= 0");
            }
        }
    }

    /**
     * A model ready for a call, whether it was already loaded, and how long the call waited for its load. The model
     * stays open until {@link #release()}, even if it is evicted meanwhile (it is closed by the last release).
     */
    public static final class Lease {
        private final Held held;
        private final boolean cacheHit;
        private final long loadWaitNanos;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Lease(Held held, boolean cacheHit, long loadWaitNanos) {
            this.held = held;
            this.cacheHit = cacheHit;
            this.loadWaitNanos = loadWaitNanos;
        }

        public OnnxModel model() {
            return held.loaded.model();
        }

        public boolean cacheHit() {
            return cacheHit;
        }

        public long loadWaitNanos() {
            return loadWaitNanos;
        }

        /** Ends the call's use of the model; idempotent. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                held.release();
            }
        }
    }

    /** A loaded model with the calls using it; an evicted model is closed when its last call releases it. */
    private static final class Held {
        final Loaded loaded;
        private int users;
        private boolean evicted;
        private boolean closed;

        Held(Loaded loaded) {
            this.loaded = loaded;
        }

        synchronized boolean retain() {
            if (closed) {
                return false;
            }
            users++;
            return true;
        }

        void release() {
            boolean close;
            synchronized (this) {
                users--;
                close = evicted && users == 0 && !closed;
                if (close) {
                    closed = true;
                }
            }
            if (close) {
                closeQuietly(loaded.model());
            }
        }

        void evict() {
            boolean close;
            synchronized (this) {
                evicted = true;
                close = users == 0 && !closed;
                if (close) {
                    closed = true;
                }
            }
            if (close) {
                closeQuietly(loaded.model());
            }
        }
    }

    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,1023})");

    private static final class Entry {
        final CompletableFuture<Held> future = new CompletableFuture<>();
        final long requestedNanos = System.nanoTime();
        volatile Held loaded;
    }

    private final String name;
    private final long budgetBytes;
    private final Loader loader;
    private final ExecutorService loaders;
    /** Access-ordered: iteration starts at the least recently used. Guarded by this. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long usedBytes;
    private boolean closed;

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong loadWaitNanos = new AtomicLong();

    /**
     * @param name          the endpoint/variant, for messages and thread names
     * @param budgetBytes   the most bytes of loaded models kept
     * @param loaderThreads concurrent loads
     * @param maxQueuedLoads loads that may wait for a loader thread before calls are refused as not ready
     */
    public MultiModelCache(String name, long budgetBytes, Loader loader, int loaderThreads, int maxQueuedLoads) {
        this.name = Objects.requireNonNull(name, "name");
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("budgetBytes must be >= 1");
        }
        this.budgetBytes = budgetBytes;
        this.loader = Objects.requireNonNull(loader, "loader");
        AtomicLong threadIds = new AtomicLong();
        this.loaders = new ThreadPoolExecutor(loaderThreads, loaderThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxQueuedLoads), r -> {
                    Thread t = new Thread(r, "mlgate-mme-loader-" + name + "-" + threadIds.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ((ThreadPoolExecutor) loaders).allowCoreThreadTimeOut(true);
    }

    /** Whether a target name is acceptable (letters, digits, '.', '_', '-'; no path separators). */
    public static boolean validTarget(String target) {
        return target != null && TARGET.matcher(target).matches() && !target.contains("..");
    }

    /**
     * The model for {@code target}: completed at once on a hit, after its load otherwise.
     *
     * @throws BusyException            if the loader queue is full
     * @throws IllegalArgumentException if the target name is invalid
     */
    public CompletableFuture<Lease> acquire(String target) {
        if (!validTarget(target)) {
            throw new InvalidInputException("TargetModel must be 1-1024 letters, digits, '.', '_' or '-'");
        }
        Entry entry;
        boolean created = false;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new ModelInvocationException("variant " + name
                        + " has been unloaded"));
            }
            entry = entries.get(target);
            if (entry == null) {
                entry = new Entry();
                entries.put(target, entry);
                created = true;
            }
        }
        if (!created) {
            Held ready = entry.loaded;
            if (ready != null && ready.retain()) {
                hits.incrementAndGet();
                return CompletableFuture.completedFuture(new Lease(ready, true, 0));
            }
            if (ready != null) {
                // evicted and closed since the lookup: load it again
                synchronized (this) {
                    entries.remove(target, entry);
                }
                return acquire(target);
            }
            misses.incrementAndGet();
            long start = System.nanoTime();
            return entry.future.thenCompose(h -> lease(target, h, start));
        }
        misses.incrementAndGet();
        Entry fresh = entry;
        try {
            loaders.execute(() -> load(target, fresh));
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                entries.remove(target, fresh);
            }
            BusyException busy = new BusyException(BusyException.NOT_READY, "Model " + target + " of variant "
                    + name + " is not loaded and too many loads are waiting. Retry later.");
            fresh.future.completeExceptionally(busy);
            throw busy;
        }
        long start = fresh.requestedNanos;
        return fresh.future.thenCompose(h -> lease(target, h, start));
    }

    /** A lease on a freshly loaded model, or (if it was evicted and closed before this call got it) a new acquire. */
    private CompletableFuture<Lease> lease(String target, Held held, long startNanos) {
        if (!held.retain()) {
            return acquire(target);
        }
        long waited = System.nanoTime() - startNanos;
        loadWaitNanos.addAndGet(waited);
        return CompletableFuture.completedFuture(new Lease(held, false, waited));
    }

    private void load(String target, Entry entry) {
        Loaded loaded;
        try {
            loaded = loader.load(target);
        } catch (Throwable e) {
            synchronized (this) {
                entries.remove(target, entry);
            }
            entry.future.completeExceptionally(e instanceof CompletionException ? e : new CompletionException(e));
            return;
        }
        List<Held> evicted = new ArrayList<>();
        Held held = new Held(loaded);
        boolean rejected = false;
        synchronized (this) {
            if (closed || entries.get(target) != entry) {
                rejected = true;
            } else if (loaded.bytes() > budgetBytes) {
                entries.remove(target);
                rejected = true;
            } else {
                Iterator<Map.Entry<String, Entry>> lru = entries.entrySet().iterator();
                while (usedBytes + loaded.bytes() > budgetBytes && lru.hasNext()) {
                    Entry e = lru.next().getValue();
                    if (e != entry && e.loaded != null) {
                        usedBytes -= e.loaded.loaded.bytes();
                        evicted.add(e.loaded);
                        lru.remove();
                        evictions.incrementAndGet();
                    }
                }
                usedBytes += loaded.bytes();
                entry.loaded = held;
            }
        }
        evicted.forEach(Held::evict);
        if (rejected) {
            closeQuietly(loaded.model());
            entry.future.completeExceptionally(loaded.bytes() > budgetBytes
                    ? new InvalidInputException("Model " + target + " (" + loaded.bytes() + " bytes) is larger than "
                    + "the multi-model cache of variant " + name + " (" + budgetBytes + " bytes).")
                    : new ModelInvocationException("variant " + name + " has been unloaded"));
            return;
        }
        loads.incrementAndGet();
        entry.future.complete(held);
    }

    /** Forgets a model whose session was closed under a call (evicted), so the next acquire loads it again. */
    public void invalidate(String target, OnnxModel model) {
        Held gone = null;
        synchronized (this) {
            Entry e = entries.get(target);
            if (e != null && e.loaded != null && e.loaded.loaded.model() == model) {
                entries.remove(target);
                usedBytes -= e.loaded.loaded.bytes();
                gone = e.loaded;
            }
        }
        if (gone != null) {
            gone.evict();
        }
    }

    private static void closeQuietly(OnnxModel model) {
        try {
            model.close();
        } catch (RuntimeException ignored) {
            // nothing more to release
        }
    }

    /** Models loaded now. */
    public synchronized int loadedCount() {
        int n = 0;
        for (Entry e : entries.values()) {
            if (e.loaded != null) {
                n++;
            }
        }
        return n;
    }

    /** Bytes of the models loaded now. */
    public synchronized long usedBytes() {
        return usedBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public long loads() {
        return loads.get();
    }

    public long evictions() {
        return evictions.get();
    }

    /** Total time calls waited for loads, in nanoseconds. */
    public long loadWaitNanos() {
        return loadWaitNanos.get();
    }

    /** Stops loading and closes every loaded model (after the predictions running on them). */
    @Override
    public void close() {
        List<Held> loaded = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Entry e : entries.values()) {
                if (e.loaded != null) {
                    loaded.add(e.loaded);
                }
            }
            entries.clear();
            usedBytes = 0;
        }
        loaders.shutdownNow();
        loaded.forEach(Held::evict);
    }
}
