package io.mlgate.sagemaker.transform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs transform jobs: reads each input file of a job line by line, sends the records to the job's model in
 * mini-batches (one record per call with SingleRecord; with MultiRecord as many as fit in MaxPayloadInMB, at most
 * {@value #MAX_RECORDS_PER_CALL}), up to MaxConcurrentTransforms mini-batches at once, and writes one output record
 * per input record, in input order, to {@code KEY.out}.
 *
 * <p><b>Failed records</b> are never dropped ({@link FailedRecords}): the output gets a marker in the record's place
 * ({@code {"error":{"code":"ValidationError","line":17}}}), and the errors file next to the output
 * ({@code KEY.out.errors}, JSON Lines) gets the line number, the error code and a message that quotes no record
 * content. The job completes with a FailureReason summing them up, or fails once more records failed than the job's
 * {@value TransformJobSpec#MAX_FAILED_RECORDS} environment value allows.
 *
 * <p><b>Checkpoints.</b> Records are processed in batches of at least {@code Settings.waveRecords} records and
 * MaxConcurrentTransforms mini-batches (fewer at the end of a file, or when more would exceed
 * MaxConcurrentTransforms × MaxPayloadInMB bytes). After each batch, the output and errors files are forced to disk and
 * then the job's {@link TransformProgress} (input line and byte offset, output and errors byte offsets) is persisted
 * in {@link TransformJobState}. A job found InProgress at start (the gateway stopped or crashed) resumes from its
 * checkpoint after truncating its output and errors files to the checkpointed offsets, so no output record is ever
 * written twice and none is lost. StopTransformJob is honoured between batches: the job becomes Stopped and keeps
 * the output written so far.
 *
 * <p>Jobs run on {@code Settings.jobSlots} threads (more jobs wait InProgress); their mini-batches share
 * {@code Settings.workerThreads} threads, so the engine's CPU use is bounded whatever the jobs ask for.
 */
public final class TransformEngine implements AutoCloseable {

    /** The most records in one model call (the runtime's per-request row limit). */
    public static final int MAX_RECORDS_PER_CALL = 1000;

    private static final System.Logger LOG = System.getLogger(TransformEngine.class.getName());
    private static final int MAX_REASON = 1024;

    /**
     * How much the engine runs at once.
     *
     * @param workerThreads threads running mini-batches, shared by all jobs
     * @param jobSlots      jobs running at once
     * @param waveRecords   records per checkpoint (at least)
     */
    public record Settings(int workerThreads, int jobSlots, int waveRecords) {
        public Settings {
            if (workerThreads < 1 || jobSlots < 1 || waveRecords < 1) {
                throw new IllegalArgumentException("transform engine settings must be positive");
            }
        }

        /** One worker per core, two jobs at once, a checkpoint every 256 records or more. */
        public static Settings defaults() {
            return new Settings(Math.max(1, Runtime.getRuntime().availableProcessors()), 2, 256);
        }
    }

    /** Called after a batch's output is written and before it is forced and checkpointed (tests crash there). */
    interface BatchHook {
        void afterWrite(String jobArn, TransformProgress before);
    }

    private final TransformJobState state;
    private final BatchBucket bucket;
    private final TransformModels models;
    private final Clock clock;
    private final Settings settings;
    private final BatchHook hook;
    private final ExecutorService jobThreads;
    private final ExecutorService workers;
    private final Object lock = new Object();
    private final Set<String> running = new HashSet<>();
    private volatile boolean closed;

    /** Creates an engine; {@link #start} resumes the jobs of {@code state}. */
    public TransformEngine(TransformJobState state, BatchBucket bucket, TransformModels models, Clock clock,
                           Settings settings) {
        this(state, bucket, models, clock, settings, (arn, before) -> { });
    }

    TransformEngine(TransformJobState state, BatchBucket bucket, TransformModels models, Clock clock,
                    Settings settings, BatchHook hook) {
        this.state = Objects.requireNonNull(state, "state");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.models = Objects.requireNonNull(models, "models");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hook = Objects.requireNonNull(hook, "hook");
        AtomicInteger jobNumber = new AtomicInteger();
        AtomicInteger workerNumber = new AtomicInteger();
        this.jobThreads = Executors.newFixedThreadPool(settings.jobSlots(),
                r -> daemon(r, "mlgate-transform-job-" + jobNumber.incrementAndGet()));
        this.workers = Executors.newFixedThreadPool(settings.workerThreads(),
                r -> daemon(r, "mlgate-transform-worker-" + workerNumber.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public TransformJobState state() {
        return state;
    }

    public BatchBucket bucket() {
        return bucket;
    }

    public TransformModels models() {
        return models;
    }

    /**
     * Resumes every InProgress job from its checkpoint and settles every Stopping job as Stopped (a stop that the
     * restart interrupted); returns this engine.
     */
    public TransformEngine start() {
        for (TransformJob job : state.jobs().values()) {
            if (job.status() == TransformJobStatus.IN_PROGRESS) {
                submit(job.arn());
            } else if (job.status() == TransformJobStatus.STOPPING) {
                settleStopped(job.arn());
            }
        }
        return this;
    }

    /** Runs an InProgress job when a job slot is free. */
    public void submit(String jobArn) {
        if (closed) {
            return;
        }
        try {
            jobThreads.execute(() -> run(jobArn));
        } catch (RejectedExecutionException shuttingDown) {
            // the job stays InProgress and resumes at the next start
        }
    }

    /**
     * Called once a job was moved to Stopping: a job that is not running (waiting for a slot) is Stopped at once; a
     * running one stops after the batch in flight.
     */
    public void stop(String jobArn) {
        synchronized (lock) {
            if (running.contains(jobArn)) {
                return;
            }
        }
        settleStopped(jobArn);
    }

    /** Stops running jobs between two writes; they stay InProgress and resume at the next start. */
    @Override
    public void close() {
        closed = true;
        jobThreads.shutdownNow();
        workers.shutdownNow();
        try {
            jobThreads.awaitTermination(10, TimeUnit.SECONDS);
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ one job

    /** The job ended (Stopped, or Failed for too many failed records) at a checkpoint. */
    private static final class Halt extends Exception {
        Halt() {
            super(null, null, false, false);
        }
    }

    /** The job cannot go on; the message is its FailureReason. */
    private static final class JobFailure extends Exception {
        JobFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private void run(String arn) {
        synchronized (lock) {
            if (closed || !running.add(arn)) {
                return;
            }
        }
        try {
            runJob(arn);
        } catch (Halt ended) {
            // the checkpoint that ended it recorded the status
        } catch (JobFailure e) {
            fail(arn, e.getMessage());
        } catch (TransformModelException e) {
            fail(arn, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the job resumes at the next start
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, "transform job " + arn + " failed: " + e.getClass().getName());
                fail(arn, "The job could not go on: " + e.getClass().getSimpleName()
                        + (e instanceof IOException && e.getMessage() != null ? " (" + e.getMessage() + ")" : "")
                        + ".");
            }
        } catch (Error e) {
            LOG.log(System.Logger.Level.ERROR, "transform job " + arn + " was interrupted by " + e.getClass().getName()
                    + "; it stays InProgress and resumes from its last checkpoint at the next start");
        } finally {
            synchronized (lock) {
                running.remove(arn);
            }
        }
    }

    private void runJob(String arn) throws Halt, JobFailure, TransformModelException, IOException,
            InterruptedException {
        TransformJob job = state.job(arn).orElse(null);
        if (job == null || job.status().terminal()) {
            return;
        }
        if (job.status() == TransformJobStatus.STOPPING) {
            settleStopped(arn);
            return;
        }
        job = state.update((current, changes) -> {
            TransformJob j = current.get(arn);
            if (j.startTime() == null) {
                changes.put(arn, j.started(now()));
            }
            return changes.getOrDefault(arn, j);
        });
        TransformJobSpec spec = job.spec();
        TransformProgress progress = job.progress();
        if (!progress.started()) {
            progress = TransformProgress.listed(listInputs(spec));
            checkpoint(arn, progress);
        }
        try (TransformModel model = models.load(TransformArns.modelOf(arn, spec.modelName()))) {
            while (progress.fileIndex() < progress.inputs().size()) {
                progress = transformFile(arn, spec, model, progress);
            }
        }
        finish(arn);
    }

    private List<String> listInputs(TransformJobSpec spec) throws JobFailure {
        String prefix = BatchBucket.keyOf(spec.inputUri());
        String outputPrefix = BatchBucket.keyOf(spec.outputPath());
        List<String> inputs;
        try {
            inputs = bucket.list(prefix);
        } catch (IOException e) {
            throw new JobFailure("The input " + spec.inputUri() + " cannot be listed: " + e.getMessage());
        }
        if (inputs.isEmpty()) {
            throw new JobFailure("No input files found under " + spec.inputUri() + ".");
        }
        Set<String> inputSet = new HashSet<>(inputs);
        for (String input : inputs) {
            String out = BatchBucket.outputKey(prefix, input, outputPrefix);
            if (inputSet.contains(out) || inputSet.contains(BatchBucket.errorsKey(out))) {
                throw new JobFailure("The output " + BatchBucket.uriOf(out) + " of input " + BatchBucket.uriOf(input)
                        + " would overwrite an input file; choose another S3OutputPath.");
            }
        }
        return inputs;
    }

    /** Transforms the current input file from its checkpoint to its end; returns the progress at the next file. */
    private TransformProgress transformFile(String arn, TransformJobSpec spec, TransformModel model,
                                            TransformProgress progress)
            throws Halt, JobFailure, IOException, InterruptedException {
        String prefix = BatchBucket.keyOf(spec.inputUri());
        String inputKey = progress.inputs().get(progress.fileIndex());
        String outputKey = BatchBucket.outputKey(prefix, inputKey, BatchBucket.keyOf(spec.outputPath()));
        String errorsKey = BatchBucket.errorsKey(outputKey);
        Path inputFile = bucket.fileOf(inputKey);
        Path outputFile = bucket.outputFile(outputKey);
        Path errorsFile = bucket.outputFile(errorsKey);
        if (!Files.isRegularFile(inputFile)) {
            throw new JobFailure("The input " + BatchBucket.uriOf(inputKey) + " was removed during the job.");
        }
        try (FileChannel in = FileChannel.open(inputFile, StandardOpenOption.READ);
             FileChannel out = openAt(outputFile, progress.outputOffset(), outputKey);
             ErrorsFile errors = new ErrorsFile(errorsFile, errorsKey, progress.errorsOffset())) {
            if (in.size() < progress.inputOffset()) {
                throw new JobFailure("The input " + BatchBucket.uriOf(inputKey) + " changed during the job (it is "
                        + "shorter than the part already transformed).");
            }
            Cursor cursor = new Cursor(new LineReader(in, progress.inputOffset()), progress.line());
            byte[] separator = spec.recordSeparator();
            while (true) {
                List<List<Rec>> wave = readWave(cursor, spec);
                if (wave.isEmpty()) {
                    break;
                }
                List<List<RecordOutcome>> outcomes = runWave(wave, spec, model);
                ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
                ByteArrayOutputStream errorBytes = new ByteArrayOutputStream();
                long records = 0;
                long failed = 0;
                long endOffset = progress.inputOffset();
                for (int b = 0; b < wave.size(); b++) {
                    List<Rec> batch = wave.get(b);
                    List<RecordOutcome> results = outcomes.get(b);
                    for (int i = 0; i < batch.size(); i++) {
                        Rec rec = batch.get(i);
                        RecordOutcome o = results.get(i);
                        records++;
                        endOffset = rec.endOffset();
                        if (o.failed()) {
                            failed++;
                            outBytes.writeBytes(FailedRecords.marker(o.errorCode(), rec.line()));
                            errorBytes.writeBytes(FailedRecords.errorLine(rec.line(), o.errorCode(),
                                    o.errorMessage()));
                        } else {
                            outBytes.writeBytes(o.output());
                        }
                        outBytes.writeBytes(separator);
                    }
                }
                writeFully(out, outBytes.toByteArray());
                errors.write(errorBytes.toByteArray());
                hook.afterWrite(arn, progress);
                out.force(false);
                errors.force();
                progress = progress.after(records, endOffset, out.position(), errors.position(), records, failed);
                checkpoint(arn, progress);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
        progress = progress.nextFile();
        checkpoint(arn, progress);
        return progress;
    }

    /** Opens an output file at its checkpointed size, cutting off anything written after the checkpoint. */
    private static FileChannel openAt(Path file, long offset, String key) throws IOException, JobFailure {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        boolean ok = false;
        try {
            if (channel.size() < offset) {
                throw new JobFailure("The output " + BatchBucket.uriOf(key) + " is shorter than the job's checkpoint:"
                        + " it was changed outside the job.");
            }
            channel.truncate(offset);
            channel.position(offset);
            ok = true;
            return channel;
        } finally {
            if (!ok) {
                channel.close();
            }
        }
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The errors file of one output, created when the first record fails; absent while none has. */
    private static final class ErrorsFile implements AutoCloseable {
        private final Path file;
        private FileChannel channel;
        private long position;

        ErrorsFile(Path file, String key, long offset) throws IOException, JobFailure {
            this.file = file;
            this.position = offset;
            if (offset == 0) {
                Files.deleteIfExists(file);
            } else {
                channel = openAt(file, offset, key);
            }
        }

        void write(byte[] bytes) throws IOException {
            if (bytes.length == 0) {
                return;
            }
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            }
            writeFully(channel, bytes);
            position = channel.position();
        }

        void force() throws IOException {
            if (channel != null) {
                channel.force(false);
            }
        }

        long position() {
            return position;
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }

    // ------------------------------------------------------------------ batches

    /** One record: its 1-based line number, its bytes (null if larger than MaxPayloadInMB) and size. */
    private record Rec(long line, byte[] bytes, long length, long endOffset) {
        long size() {
            return bytes == null ? 0 : bytes.length;
        }
    }

    /** Where a file is being read: the reader, the next line number, a record read but not yet placed. */
    private static final class Cursor {
        final LineReader reader;
        long nextLine;
        Rec pending;

        Cursor(LineReader reader, long linesDone) {
            this.reader = reader;
            this.nextLine = linesDone + 1;
        }

        Rec next(long maxBytes) throws IOException {
            if (pending != null) {
                Rec r = pending;
                pending = null;
                return r;
            }
            LineReader.Line line = reader.next(maxBytes);
            if (line == null) {
                return null;
            }
            return new Rec(nextLine++, line.bytes(), line.length(), line.endOffset());
        }
    }

    /**
     * The mini-batches of the next checkpoint: at least MaxConcurrentTransforms of them holding at least
     * {@code Settings.waveRecords} records, unless that would hold more than MaxConcurrentTransforms × MaxPayloadInMB
     * bytes in memory; empty at the end of the file.
     */
    private List<List<Rec>> readWave(Cursor cursor, TransformJobSpec spec) throws IOException {
        boolean multi = spec.multiRecord();
        int concurrency = spec.maxConcurrentTransforms();
        long payload = spec.maxPayloadBytes();
        long waveLimit = concurrency * payload;
        List<List<Rec>> batches = new ArrayList<>();
        List<Rec> current = new ArrayList<>();
        long currentBytes = 0;
        long waveBytes = 0;
        long waveRecords = 0;
        while (true) {
            Rec r = cursor.next(payload);
            if (r == null) {
                break;
            }
            long size = r.size();
            boolean fits = multi && current.size() < MAX_RECORDS_PER_CALL && currentBytes + size <= payload;
            if (!current.isEmpty() && !fits) {
                batches.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            boolean full = batches.size() >= concurrency && waveRecords >= settings.waveRecords();
            if (current.isEmpty() && (full || (waveBytes > 0 && waveBytes + size > waveLimit))) {
                cursor.pending = r;
                break;
            }
            current.add(r);
            currentBytes += size;
            waveBytes += size;
            waveRecords++;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** Runs the mini-batches on up to MaxConcurrentTransforms workers, each a contiguous slice, in order. */
    private List<List<RecordOutcome>> runWave(List<List<Rec>> wave, TransformJobSpec spec, TransformModel model)
            throws JobFailure, InterruptedException {
        int groups = Math.min(Math.min(spec.maxConcurrentTransforms(), settings.workerThreads()), wave.size());
        List<Future<List<List<RecordOutcome>>>> futures = new ArrayList<>();
        int start = 0;
        for (int g = 0; g < groups; g++) {
            int end = start + (wave.size() - start) / (groups - g);
            List<List<Rec>> slice = wave.subList(start, end);
            start = end;
            try {
                futures.add(workers.submit(() -> {
                    List<List<RecordOutcome>> out = new ArrayList<>();
                    for (List<Rec> batch : slice) {
                        out.add(runBatch(batch, spec, model));
                    }
                    return out;
                }));
            } catch (RejectedExecutionException shuttingDown) {
                throw new InterruptedException();
            }
        }
        List<List<RecordOutcome>> outcomes = new ArrayList<>();
        try {
            for (Future<List<List<RecordOutcome>>> f : futures) {
                outcomes.addAll(f.get());
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            LOG.log(System.Logger.Level.WARNING, "a transform model failed: " + cause.getClass().getName());
            throw new JobFailure("The model failed on a mini-batch: " + cause.getClass().getSimpleName() + ".");
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return outcomes;
    }

    private static List<RecordOutcome> runBatch(List<Rec> batch, TransformJobSpec spec, TransformModel model) {
        List<byte[]> sent = new ArrayList<>();
        for (Rec r : batch) {
            if (r.bytes() != null) {
                sent.add(r.bytes());
            }
        }
        List<RecordOutcome> answers = sent.isEmpty() ? List.of() : model.transform(sent, spec.contentType());
        if (answers.size() != sent.size()) {
            throw new IllegalStateException("the model answered " + answers.size() + " outcomes for " + sent.size()
                    + " records");
        }
        List<RecordOutcome> outcomes = new ArrayList<>(batch.size());
        int next = 0;
        for (Rec r : batch) {
            if (r.bytes() == null) {
                outcomes.add(RecordOutcome.failed("ValidationError", "The record is " + r.length()
                        + " bytes, more than MaxPayloadInMB (" + spec.maxPayloadBytes() / (1024 * 1024) + " MB)."));
            } else {
                outcomes.add(answers.get(next++));
            }
        }
        return outcomes;
    }

    // ------------------------------------------------------------------ status changes

    /** Persists a checkpoint; ends the job (Halt) if it was asked to stop or has too many failed records. */
    private void checkpoint(String arn, TransformProgress progress) throws Halt {
        TransformJobStatus after = state.update((current, changes) -> {
            TransformJob j = current.get(arn).withProgress(progress, now());
            long max = j.spec().maxFailedRecords();
            if (j.status() == TransformJobStatus.STOPPING) {
                j = j.withStatus(TransformJobStatus.STOPPED, null, now());
            } else if (j.status() == TransformJobStatus.IN_PROGRESS && progress.failed() > max) {
                j = j.withStatus(TransformJobStatus.FAILED, truncate(progress.failed() + " records failed, more than "
                        + TransformJobSpec.MAX_FAILED_RECORDS + "=" + max + " allows; "
                        + errorsSummary(j)), now());
            }
            changes.put(arn, j);
            return j.status();
        });
        if (after != TransformJobStatus.IN_PROGRESS) {
            throw new Halt();
        }
    }

    private void finish(String arn) {
        state.update((current, changes) -> {
            TransformJob j = current.get(arn);
            if (j.status() == TransformJobStatus.STOPPING) {
                changes.put(arn, j.withStatus(TransformJobStatus.STOPPED, null, now()));
            } else if (j.status() == TransformJobStatus.IN_PROGRESS) {
                TransformProgress p = j.progress();
                String reason = p.failed() == 0 ? null : truncate(p.failed() + " of " + p.records()
                        + " records failed; " + errorsSummary(j));
                changes.put(arn, j.withStatus(TransformJobStatus.COMPLETED, reason, now()));
            }
            return null;
        });
    }

    /** Names the errors files of a job (those that exist). */
    private String errorsSummary(TransformJob job) {
        TransformProgress p = job.progress();
        String prefix = BatchBucket.keyOf(job.spec().inputUri());
        String outputPrefix = BatchBucket.keyOf(job.spec().outputPath());
        List<String> files = new ArrayList<>();
        for (int i = 0; p.inputs() != null && i <= Math.min(p.fileIndex(), p.inputs().size() - 1); i++) {
            String key = BatchBucket.errorsKey(BatchBucket.outputKey(prefix, p.inputs().get(i), outputPrefix));
            try {
                if (Files.isRegularFile(bucket.fileOf(key))) {
                    files.add(BatchBucket.uriOf(key));
                }
            } catch (IOException unsafe) {
                // not named
            }
        }
        StringBuilder out = new StringBuilder("line numbers, error codes and messages are in ");
        for (int i = 0; i < files.size(); i++) {
            if (i == 5) {
                out.append(" and ").append(files.size() - 5).append(" more .errors files");
                break;
            }
            out.append(i == 0 ? "" : ", ").append(files.get(i));
        }
        return out.append('.').toString();
    }

    private void fail(String arn, String reason) {
        state.update((current, changes) -> {
            TransformJob j = current.get(arn);
            if (j != null && !j.status().terminal()) {
                changes.put(arn, j.withStatus(TransformJobStatus.FAILED, truncate(reason), now()));
            }
            return null;
        });
    }

    /**
     * Moves a Stopping job that is not running to Stopped, first cutting its current output back to the checkpoint
     * (a crash may have left records written after it).
     */
    private void settleStopped(String arn) {
        TransformJob job = state.job(arn).orElse(null);
        if (job == null || job.status() != TransformJobStatus.STOPPING) {
            return;
        }
        TransformProgress p = job.progress();
        if (p.started() && p.fileIndex() < p.inputs().size()) {
            try {
                String outputKey = BatchBucket.outputKey(BatchBucket.keyOf(job.spec().inputUri()),
                        p.inputs().get(p.fileIndex()), BatchBucket.keyOf(job.spec().outputPath()));
                cut(bucket.fileOf(outputKey), p.outputOffset());
                Path errors = bucket.fileOf(BatchBucket.errorsKey(outputKey));
                if (p.errorsOffset() == 0) {
                    Files.deleteIfExists(errors);
                } else {
                    cut(errors, p.errorsOffset());
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not cut the output of stopped transform job " + arn
                        + " back to its checkpoint: " + e.getClass().getName());
            }
        }
        state.update((current, changes) -> {
            TransformJob j = current.get(arn);
            if (j.status() == TransformJobStatus.STOPPING) {
                changes.put(arn, j.withStatus(TransformJobStatus.STOPPED, null, now()));
            }
            return null;
        });
    }

    private static void cut(Path file, long offset) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            if (c.size() > offset) {
                c.truncate(offset);
                c.force(false);
            }
        }
    }

    private static String truncate(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 3) + "...";
    }
}
