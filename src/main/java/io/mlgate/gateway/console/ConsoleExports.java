package io.mlgate.gateway.console;

import io.mlgate.audit.export.BundleSigningKey;
import io.mlgate.audit.export.BundleWriter;
import io.mlgate.audit.export.ExportPlan;
import io.mlgate.audit.export.ExportQuery;
import io.mlgate.audit.export.ExportSummary;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Compliance exports started from the console ({@code StartExport}, {@code DescribeExport}): the same signed bundle
 * as {@code ./mlgate audit export} ({@link BundleWriter}), written in the background by at most
 * {@value #MAX_RUNNING} threads into {@code <home>/exports/<ExportId>/audit-export.zip}. The state of the last
 * {@value #KEPT} exports is kept in memory (a restart forgets it; the bundles stay on disk).
 */
public final class ConsoleExports implements AutoCloseable {

    /** Exports that may run at once. */
    public static final int MAX_RUNNING = 2;
    /** Exports whose state is remembered. */
    static final int KEPT = 100;
    /** The bundle's file name inside its export folder. */
    public static final String BUNDLE = "audit-export.zip";

    private static final Log LOG = LogFactory.getLog(ConsoleExports.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The state of an export. */
    public enum Status { RUNNING, SUCCEEDED, FAILED }

    /**
     * What {@code DescribeExport} answers.
     *
     * @param progress       0..100 (bytes of log files read so far over the total)
     * @param location       the export folder relative to the home folder ({@code exports/<id>/})
     * @param notYetDigested log files left out because no digest covers them yet (known once it succeeded)
     * @param failureReason  why it failed, or null
     */
    public record Snapshot(String exportId, Status status, int progress, long eventCount, String location,
                           int notYetDigested, String failureReason) {
    }

    /** The export runs off the caller's thread; thrown when {@value #MAX_RUNNING} already run. */
    public static final class Busy extends Exception {
        Busy() {
            super("At most " + MAX_RUNNING + " exports run at once; try again when one has finished.", null, false,
                    false);
        }
    }

    private final class Job {
        final String id;
        volatile Status status = Status.RUNNING;
        volatile long total;
        volatile long done;
        volatile long events;
        volatile int notYetDigested;
        volatile String failure;

        Job(String id) {
            this.id = id;
        }

        Snapshot snapshot() {
            Status s = status;
            int progress = s == Status.SUCCEEDED ? 100 : total <= 0 ? 0
                    : (int) Math.min(99, done * 100 / total);
            return new Snapshot(id, s, progress, events, "exports/" + id + "/", notYetDigested, failure);
        }
    }

    private final Path auditDir;
    private final Path exportsDir;
    private final Supplier<BundleSigningKey> signingKey;
    private final Clock clock;
    private final ExecutorService pool;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private int running;

    /**
     * @param exportsDir where each export gets its folder ({@code <home>/exports})
     * @param signingKey the current audit signing key, asked for when an export starts
     */
    public ConsoleExports(Path auditDir, Path exportsDir, Supplier<BundleSigningKey> signingKey, Clock clock) {
        this.auditDir = auditDir;
        this.exportsDir = exportsDir;
        this.signingKey = signingKey;
        this.clock = clock;
        this.pool = Executors.newFixedThreadPool(MAX_RUNNING, r -> {
            Thread t = new Thread(r, "mlgate-console-export");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts an export of {@code query} and returns its id ({@code exp-} and 16 hex digits) at once.
     *
     * @throws Busy if {@value #MAX_RUNNING} exports are running
     */
    public String start(ExportQuery query) throws Busy {
        Job job;
        synchronized (jobs) {
            if (running >= MAX_RUNNING) {
                throw new Busy();
            }
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            job = new Job("exp-" + HexFormat.of().formatHex(random));
            jobs.put(job.id, job);
            running++;
            forgetOldest();
        }
        try {
            pool.execute(() -> run(job, query));
        } catch (RejectedExecutionException e) {
            finish(job, Status.FAILED, "the gateway is shutting down");
        }
        return job.id;
    }

    /** The state of an export this gateway started (since its start), or empty. */
    public Optional<Snapshot> describe(String exportId) {
        synchronized (jobs) {
            Job job = jobs.get(exportId);
            return job == null ? Optional.empty() : Optional.of(job.snapshot());
        }
    }

    private void run(Job job, ExportQuery query) {
        try {
            Path dir = exportsDir.resolve(job.id);
            Files.createDirectories(dir);
            BundleWriter writer = BundleWriter.of(auditDir, signingKey.get(), clock);
            ExportPlan plan = writer.plan(query);
            job.total = plan.totalBytes();
            ExportSummary summary = writer.write(plan, dir.resolve(BUNDLE), n -> job.done = n);
            job.events = summary.eventCount();
            job.notYetDigested = summary.notYetDigested().size();
            finish(job, Status.SUCCEEDED, null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("console export " + job.id + " failed (" + e.getClass().getSimpleName() + ")");
            finish(job, Status.FAILED, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private void finish(Job job, Status status, String failure) {
        synchronized (jobs) {
            job.failure = failure;
            job.status = status;
            running--;
        }
    }

    /** Drops the oldest finished exports beyond {@value #KEPT}; called with {@link #jobs} held. */
    private void forgetOldest() {
        Iterator<Job> it = jobs.values().iterator();
        while (jobs.size() > KEPT && it.hasNext()) {
            if (it.next().status != Status.RUNNING) {
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
