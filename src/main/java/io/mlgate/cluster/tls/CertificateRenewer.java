package io.mlgate.cluster.tls;

import io.mlgate.cluster.pki.CertificateRequests;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Renews the credentials in a {@link CredentialHolder} at 2/3 of their lifetime with a fresh key pair, on its own
 * daemon thread; a failed renewal is retried with backoff until the certificate expires (then logged loudly; the
 * holder keeps the expired credentials, which peers refuse).
 *
 * <p>The lifetime counts from the later of the certificate's notBefore and the moment this renewer first saw it, so
 * the CA's one-minute clock-skew allowance in notBefore does not make short-lived certificates renew at once. Retries
 * wait 1 s, doubling up to 1 min. Logs name the holder, the serial and times, never keys or certificate bytes.
 */
public final class CertificateRenewer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewer.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** Never renew more often than this, whatever the issuer returns. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(500);

    /** Gets a certificate for a fresh key pair (the gateway: its CA; a node: {@code POST /cluster/v1/renew}). */
    @FunctionalInterface
    public interface Issuer {
        ClusterCredentials renew(KeyPair fresh) throws Exception;
    }

    private final String name;
    private final CredentialHolder holder;
    private final Issuer issuer;
    private final Clock clock;
    private final Object lock = new Object();
    private Thread thread;
    private boolean closed;
    private ClusterCredentials seen;
    private Instant seenAt;

    public CertificateRenewer(String name, CredentialHolder holder, Issuer issuer, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the renewer is closed");
            }
            if (thread != null) {
                return;
            }
            thread = new Thread(this::loop, "mlgate-cert-renewer-" + name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Renews now (tests, and a node told its certificate is revoked-then-restored). */
    public void renewNow() throws Exception {
        KeyPair fresh = CertificateRequests.newKeyPair();
        ClusterCredentials next = issuer.renew(fresh);
        if (next == null) {
            throw new IllegalStateException("the issuer returned no credentials");
        }
        if (!next.leaf().getPublicKey().equals(fresh.getPublic())) {
            throw new IllegalStateException("the issued certificate is not for the fresh key");
        }
        holder.update(next);
        LOG.info("cluster certificate for {} renewed: serial {}, valid until {}", name,
                next.leaf().getSerialNumber().toString(16), next.notAfter());
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** When the current credentials are due for renewal. */
    Instant renewalTime() {
        ClusterCredentials current = holder.current();
        synchronized (lock) {
            if (current != seen) {
                seen = current;
                seenAt = clock.instant();
            }
            Instant start = current.notBefore().isAfter(seenAt) ? current.notBefore() : seenAt;
            Duration lifetime = Duration.between(start, current.notAfter());
            if (lifetime.isNegative()) {
                return start;
            }
            return start.plus(lifetime.multipliedBy(2).dividedBy(3));
        }
    }

    private void loop() {
        Duration backoff = FIRST_BACKOFF;
        boolean expiredLogged = false;
        while (true) {
            long millis = Duration.between(clock.instant(), renewalTime()).toMillis();
            if (millis > 0) {
                // Wake at least every second: the due time is recomputed (the holder may have been updated).
                if (!pause(Math.min(millis, 1000))) {
                    return;
                }
                continue;
            }
            try {
                renewNow();
                backoff = FIRST_BACKOFF;
                expiredLogged = false;
                if (!pause(MIN_INTERVAL.toMillis())) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                ClusterCredentials current = holder.current();
                boolean expired = !clock.instant().isBefore(current.notAfter());
                if (expired && !expiredLogged) {
                    LOG.error("cluster certificate for {} EXPIRED at {} and could not be renewed ({}); peers refuse "
                            + "it until a renewal succeeds", name, current.notAfter(), describe(e));
                    expiredLogged = true;
                } else {
                    LOG.warn("cluster certificate renewal for {} failed ({}); retrying in {} s", name, describe(e),
                            backoff.toSeconds());
                }
                if (!pause(backoff.toMillis())) {
                    return;
                }
                backoff = nextBackoff(backoff);
            }
        }
    }

    /** The wait after {@code backoff}: doubled, at most {@link #MAX_BACKOFF}. */
    static Duration nextBackoff(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    @Override
    public String toString() {
        return "CertificateRenewer[" + name + ", " + holder.current() + "]";
    }

    /** The exception's type and message: issuers' messages are reasons (no keys, tokens or certificate bytes). */
    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Waits up to {@code millis} (less if woken); false if the renewer was closed or interrupted. */
    private boolean pause(long millis) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            try {
                lock.wait(Math.max(1, millis));
            } catch (InterruptedException e) {
                return false;
            }
            return !closed;
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            t = thread;
            lock.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
