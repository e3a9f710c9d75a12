package io.mlgate.pii.discovery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.AuditLogSettings;

/**
 * Appends one event to an audit folder no gateway is writing: opens the {@link AuditLog} (which takes the folder's
 * writer lock, recovers a torn tail and starts a new segment), appends with an fsync, and closes it (the segment is
 * compressed into a log file). The trail stays valid: the new log file follows the sequence, is listed as "not yet
 * digested" by {@code audit validate} until the gateway's next digest (or {@code audit digest --now}) covers it.
 */
public final class LocalAuditTrail {

    /** The folder's writer lock is held by another log: a gateway is running on it. */
    public static final class HeldException extends IOException {
        HeldException(Path dir) {
            super("another process (a running gateway) writes " + dir);
        }
    }

    private LocalAuditTrail() {
    }

    /**
     * Appends {@code event} durably to the audit folder {@code dir}.
     *
     * @throws HeldException when a gateway holds the folder
     * @throws IOException   when the folder cannot be opened or the record not written
     */
    public static void append(Path dir, AuditEvent event, String region, String accountId, Duration timeout)
            throws IOException {
        AuditLog log;
        try {
            log = AuditLog.open(dir, AuditLogSettings.builder().region(region).accountId(accountId).build());
        } catch (IOException e) {
            if (io.mlgate.audit.AuditLog.writerLockHeld(dir)) {
                throw new HeldException(dir);
            }
            throw e;
        }
        try (log) {
            log.append(event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("the audit record could not be written (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")", cause);
        } catch (TimeoutException e) {
            throw new IOException("the audit record was not durable within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the audit record");
        }
    }

}
