package io.mlgate.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instances of a production variant (SageMaker's {@code InstanceCount}): that many independent workers, each a
 * thread with its own model sessions (a multi-model variant's workers share its model cache instead), taking calls
 * from one bounded queue. When the queue holds {@code queuePerWorker} calls per worker, a new call is refused at
 * once with {@link BusyException#THROTTLING} instead of waiting without bound. Workers can be added and removed
 * while serving (autoscaling, UpdateEndpointWeightsAndCapacities); a removed or closed worker finishes the calls
 * queued before it was told to stop, then closes its models.
 */
public final class VariantWorkers implements AutoCloseable {

    /** Default queued calls allowed per worker. */
    public static final int DEFAULT_QUEUE_PER_WORKER = 64;

    /** The work of one call, run on a worker with that worker's own model (null for multi-model workers). */
    @FunctionalInterface
    public interface Job<T> {
        T run(VariantModel own);
    }

    private record Task(Job<?> job, CompletableFuture<Object> result) {
    }

    /** Tells the worker that takes it to stop. */
    private static final Object STOP = new Object();

    private final String name;
    private final int queuePerWorker;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile int size;
    private volatile boolean closed;
    private int started;

    /**
     * Starts one worker per entry of {@code models} (entries may be null for workers without own models).
     *
     * @param name the endpoint/variant, for thread names and messages
     */
    public VariantWorkers(String name, List<? extends VariantModel> models, int queuePerWorker) {
        this.name = Objects.requireNonNull(name, "name");
        if (queuePerWorker < 1) {
            throw new IllegalArgumentException("queuePerWorker must be >= 1");
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a variant has at least one worker");
        }
        this.queuePerWorker = queuePerWorker;
        grow(models);
    }

    /** The number of workers serving (after pending removals). */
    public int size() {
        return size;
    }

    /** Calls the workers have run so far (answered or failed); autoscaling's invocation count. */
    public long completed() {
        return completed.get();
    }

    /** Calls waiting for a worker now. */
    public int queued() {
        return queued.get();
    }

    /**
     * Queues a call.
     *
     * @throws BusyException if the queue is full
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> submit(Job<T> job) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(unloaded());
            return (CompletableFuture<T>) (CompletableFuture<?>) result;
        }
        int limit = Math.max(1, size) * queuePerWorker;
        if (queued.incrementAndGet() > limit) {
            queued.decrementAndGet();
            throw new BusyException(BusyException.THROTTLING, "Variant " + name + " is at capacity: " + limit
                    + " requests are queued for its " + size + " instance(s). Retry later.");
        }
        Task task = new Task(job, result);
        queue.add(task);
        if (closed && queue.remove(task)) {
            queued.decrementAndGet();
            result.completeExceptionally(unloaded());
        }
        return (CompletableFuture<T>) (CompletableFuture<?>) result;
    }

    private ModelInvocationException unloaded() {
        return new ModelInvocationException("variant " + name + " has been unloaded");
    }

    /** Adds one worker per model. */
    public synchronized void grow(List<? extends VariantModel> models) {
        if (closed) {
            models.forEach(m -> {
                if (m != null) {
                    m.close();
                }
            });
            return;
        }
        for (VariantModel model : models) {
            Thread t = new Thread(() -> work(model), "mlgate-worker-" + name + "-" + (++started));
            t.setDaemon(true);
            threads.add(t);
            size++;
            t.start();
        }
    }

    /** Removes {@code count} workers (at least one stays); each finishes the calls queued before it, then stops. */
    public synchronized void shrink(int count) {
        int removable = Math.min(count, size - 1);
        for (int i = 0; i < removable; i++) {
            size--;
            queue.add(STOP);
        }
    }

    private void work(VariantModel own) {
        try {
            while (true) {
                Object next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (next == STOP) {
                    return;
                }
                Task task = (Task) next;
                queued.decrementAndGet();
                try {
                    task.result().complete(task.job().run(own));
                } catch (Throwable e) {
                    task.result().completeExceptionally(e);
                } finally {
                    completed.incrementAndGet();
                }
            }
        } finally {
            if (own != null) {
                try {
                    own.close();
                } catch (RuntimeException ignored) {
                    // closing a session that failed to close leaves nothing to do
                }
            }
        }
    }

    /** Stops every worker after the calls already queued; calls queued later fail as unloaded. */
    @Override
    public void close() {
        List<Thread> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = List.copyOf(threads);
            for (int i = 0; i < running.size(); i++) {
                queue.add(STOP);
            }
            size = 0;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : running) {
            long left = deadline - System.nanoTime();
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        Object left;
        while ((left = queue.poll()) != null) {
            if (left instanceof Task task) {
                queued.decrementAndGet();
                task.result().completeExceptionally(unloaded());
            }
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }
}
