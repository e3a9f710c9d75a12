package io.mlgate.cluster.node;

import io.mlgate.cluster.wire.RegisterRequest;
import io.mlgate.cluster.wire.RegisterResponse;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Registers the node with the gateway ({@code POST /cluster/v1/register}), retrying with backoff (0.5 s doubling to
 * 10 s) until it succeeds, then again every {@value #HEARTBEAT_MILLIS} ms as a heartbeat: the gateway may have
 * restarted, and registration is idempotent. Logs the first success and each change between reachable and not.
 */
public final class Registrar implements AutoCloseable {

    public static final long HEARTBEAT_MILLIS = 10_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Registrar.class);

    /** Sends one registration. */
    @FunctionalInterface
    public interface Sender {
        RegisterResponse register(RegisterRequest request) throws ControlException;
    }

    private final Sender sender;
    private final RegisterRequest request;
    private final long heartbeatMillis;
    private final CountDownLatch registered = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closed;

    public Registrar(Sender sender, RegisterRequest request) {
        this(sender, request, HEARTBEAT_MILLIS);
    }

    Registrar(Sender sender, RegisterRequest request, long heartbeatMillis) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.request = Objects.requireNonNull(request, "request");
        this.heartbeatMillis = heartbeatMillis;
        this.thread = new Thread(this::run, "mlgate-node-registrar");
        this.thread.setDaemon(true);
    }

    public static Sender to(ControlClient control) {
        return r -> control.post("/cluster/v1/register", r, RegisterResponse.class);
    }

    public Registrar start() {
        thread.start();
        return this;
    }

    /** Waits until the first registration succeeded; true if it did within the timeout. */
    public boolean awaitRegistered(long timeout, TimeUnit unit) throws InterruptedException {
        return registered.await(timeout, unit);
    }

    private void run() {
        long backoff = 500;
        boolean up = false;
        while (!closed) {
            long wait;
            try {
                sender.register(request);
                if (!up) {
                    LOG.info("registered with the gateway (zone " + request.zone()
                            + ", data " + request.dataAddress()
                            + (request.plaintextAddress() == null ? "" : ", plaintext " + request.plaintextAddress())
                            + ")");
                }
                up = true;
                registered.countDown();
                backoff = 500;
                wait = heartbeatMillis;
            } catch (ControlException | RuntimeException e) {
                if (up || backoff == 500) {
                    LOG.warn("registration with the gateway failed, retrying: "
                            + e.getMessage());
                }
                up = false;
                wait = backoff;
                backoff = Math.min(backoff * 2, 10_000);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
