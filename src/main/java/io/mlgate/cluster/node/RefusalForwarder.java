package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.wire.EventsRequest;
import io.mlgate.cluster.wire.RefusedConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node's {@link RefusalListener}: logs each refused connection on the data port (peer, identity, reason; never
 * a certificate or a secret) and forwards them in batches to the gateway ({@code POST /cluster/v1/events}), which
 * audits them. {@link #refused} never blocks: events queue in a bounded queue (the excess is counted and logged, not
 * kept) and a daemon thread sends them, keeping a batch that the gateway did not take for the next try.
 */
public final class RefusalForwarder implements RefusalListener, AutoCloseable {

    /** The most events sent in one request. */
    public static final int BATCH = 100;
    private static final int QUEUE = 1000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RefusalForwarder.class);

    /** Sends one batch; throws if the gateway did not take it. */
    @FunctionalInterface
    public interface Sender {
        void send(EventsRequest batch) throws Exception;
    }

    private final Sender sender;
    private final Consumer<String> log;
    private final BlockingQueue<RefusedConnection> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    public RefusalForwarder(Sender sender) {
        this(sender, line -> LOG.warn(line));
    }

    RefusalForwarder(Sender sender, Consumer<String> log) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.log = Objects.requireNonNull(log, "log");
        this.thread = new Thread(this::run, "mlgate-node-refusals");
        this.thread.setDaemon(true);
    }

    /** The control client's sender: {@code POST /cluster/v1/events}. */
    public static Sender to(ControlClient control) {
        return batch -> control.post("/cluster/v1/events", batch, null);
    }

    public RefusalForwarder start() {
        thread.start();
        return this;
    }

    @Override
    public void refused(String peer, String identity, String reason) {
        String p = peer == null ? "unknown" : peer;
        log.accept("refused connection from " + p + (identity == null ? "" : " (" + identity + ")") + ": "
                + reason);
        if (!queue.offer(new RefusedConnection(p, identity, reason))) {
            dropped.incrementAndGet();
        }
    }

    /** Events waiting to be sent. */
    public int pending() {
        return queue.size();
    }

    private void run() {
        List<RefusedConnection> batch = new ArrayList<>();
        long backoff = 500;
        while (!closed || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    RefusedConnection first = queue.poll(500, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    log.accept(lost + " refused connection(s) were not forwarded: the queue was full");
                }
                sender.send(new EventsRequest(List.copyOf(batch)));
                batch.clear();
                backoff = 500;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    /** Sends what is queued (up to 2 s), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
