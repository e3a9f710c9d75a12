package io.mlgate.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.ClosedSegments;
import io.mlgate.audit.EventData;
import io.mlgate.audit.integrity.AuditSigningKeys;
import io.mlgate.audit.integrity.DigestWriter;
import io.mlgate.audit.integrity.RetentionPolicy;
import io.mlgate.audit.integrity.RetentionSummary;
import io.mlgate.audit.integrity.TrailRetention;
import io.mlgate.audit.integrity.WrittenDigest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps the audit trail's integrity chain going while the gateway runs: at every digest period boundary (and on
 * {@link #digestNow()}) it closes the current log file and writes the signed digest that covers every file closed
 * since the previous one (docs/audit-trail.md); then, when retention is configured, it archives or deletes the digest
 * periods that have expired and records that as an {@code AuditRetentionApplied} event. Digests and retention run on
 * one thread, {@value #THREAD_NAME}, never concurrently.
 */
public final class AuditTrailKeeper implements AutoCloseable {

    /** The thread that writes digests and applies retention. */
    public static final String THREAD_NAME = "mlgate-audit-digest";
    /** eventName of the retention record. */
    public static final String RETENTION_EVENT = "AuditRetentionApplied";

    private static final Log LOG = LogFactory.getLog(AuditTrailKeeper.class);

    private final AuditLog log;
    private final DigestWriter digests;
    private final TrailRetention retention;
    private final RetentionPolicy retentionPolicy;
    private final Clock clock;
    private final Duration period;
    private final String region;
    private final String accountId;
    private final ScheduledExecutorService thread;
    private volatile WrittenDigest last;
    private volatile Throwable lastFailure;

    /**
     * @param retentionPolicy null to keep every file forever
     */
    public AuditTrailKeeper(AuditLog log, AuditSigningKeys keys, String accountId, String region, Clock clock,
                            Duration period, RetentionPolicy retentionPolicy) throws IOException {
        this.log = log;
        this.clock = clock;
        this.period = period;
        this.region = region;
        this.accountId = accountId;
        this.retentionPolicy = retentionPolicy;
        this.digests = new DigestWriter(log.directory(), keys, accountId, clock, period);
        this.retention = new TrailRetention(log.directory(), keys, clock);
        keys.writePublicKeys(log.directory());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        scheduleNext();
    }

    /** Closes the current log file and writes a digest now; blocks until it is written (at most two minutes). */
    public WrittenDigest digestNow() throws IOException {
        Future<WrittenDigest> done = thread.submit(this::digest);
        try {
            return done.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("digest failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("digest did not finish within two minutes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the digest");
        }
    }

    /** The digest written last by this gateway, or null. */
    public WrittenDigest lastDigest() {
        return last;
    }

    /** The error of the last digest or retention run, or null after a success. */
    public Throwable lastFailure() {
        return lastFailure;
    }

    /** Runs the next digest at the next multiple of the period (UTC), so digests end on round times. */
    private void scheduleNext() {
        long periodMillis = period.toMillis();
        long now = clock.millis();
        long delay = periodMillis - Math.floorMod(now, periodMillis);
        try {
            thread.schedule(() -> {
                try {
                    endOfPeriod();
                } catch (IOException | RuntimeException e) {
                    // already logged and recorded in lastFailure
                } finally {
                    scheduleNext();
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // closed
        }
    }

    /** What happens at every period boundary: the digest, then retention. Runs on the keeper's thread. */
    WrittenDigest endOfPeriod() throws IOException {
        WrittenDigest d = digest();
        applyRetention();
        return d;
    }

    /** Runs {@link #endOfPeriod()} on the keeper's thread now and waits (tests; operators use the schedule). */
    WrittenDigest endOfPeriodNow() throws Exception {
        return thread.submit(this::endOfPeriod).get(2, TimeUnit.MINUTES);
    }

    private WrittenDigest digest() throws IOException {
        try {
            ClosedSegments closed = log.rollNow().get(2, TimeUnit.MINUTES);
            WrittenDigest d = digests.write(Math.max(closed.highestClosedSequence(), digests.coveredSequence()));
            for (String repair : d.repairs()) {
                LOG.warn("audit digest chain repaired: " + repair);
            }
            LOG.info("audit digest " + d.digestS3Object() + " written (" + d.logFiles().size() + " log files)");
            if (!d.missingLogFiles().isEmpty()) {
                LOG.error("audit log files missing when the digest was written: sequences " + d.missingLogFiles());
            }
            last = d;
            lastFailure = null;
            return d;
        } catch (ExecutionException e) {
            lastFailure = e.getCause();
            LOG.error("audit digest failed: could not close the current log file (" + e.getCause() + ")");
            throw new IOException("could not close the current log file", e.getCause());
        } catch (TimeoutException e) {
            lastFailure = e;
            LOG.error("audit digest failed: closing the current log file took over two minutes");
            throw new IOException("closing the current log file took over two minutes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException | RuntimeException e) {
            lastFailure = e;
            LOG.error("audit digest failed (" + e + ")");
            throw e;
        }
    }

    private void applyRetention() throws IOException {
        if (retentionPolicy == null) {
            return;
        }
        RetentionSummary summary;
        try {
            summary = retention.apply(retentionPolicy);
        } catch (IOException | RuntimeException e) {
            lastFailure = e;
            LOG.error("audit retention failed (" + e + ")");
            throw e;
        }
        if (!summary.removedAnything()) {
            return;
        }
        EventData.Builder details = EventData.builder()
                .put("action", summary.archive() == null ? "delete" : "archive")
                .put("digestsRemoved", summary.digestsRemoved())
                .put("logFilesRemoved", summary.logFilesRemoved())
                .put("removedThrough", AuditEvent.formatTime(summary.removedThrough()));
        if (summary.firstDigestSequence() != null) {
            details.put("firstDigestSequence", summary.firstDigestSequence())
                    .put("lastDigestSequence", summary.lastDigestSequence());
        }
        if (summary.firstLogSequence() != null) {
            details.put("firstLogSequence", summary.firstLogSequence())
                    .put("lastLogSequence", summary.lastLogSequence());
        }
        if (summary.archive() != null) {
            details.put("archive", summary.archive().toString());
        }
        AuditEvent event = AuditEvent.serviceEvent(RETENTION_EVENT, Instant.now(clock), region, accountId)
                .additionalEventData(details.build())
                .build();
        LOG.info("audit retention removed " + summary.digestsRemoved() + " digests and " + summary.logFilesRemoved()
                + " log files through " + summary.removedThrough());
        try {
            log.append(event).get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("could not record the retention run in the audit log (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the schedule and writes a final digest covering what the log closed at shutdown. */
    @Override
    public void close() {
        try {
            thread.submit(this::digest).get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("no final audit digest at shutdown (" + e + "); the next start's first digest covers the rest");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
