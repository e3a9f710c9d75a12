package io.mlgate.batch;

import io.mlgate.sagemaker.transform.FailedRecords;
import io.mlgate.sagemaker.transform.LineReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * One {@code ./mlgate batch-transform} run: the input file is read line by line and sent to an endpoint of a running
 * gateway, one line per request (SingleRecord) or up to {@code maxRecords} lines per request (MultiRecord), with
 * {@code concurrency} requests in flight; the output file gets one line per input line, in input order: the line's
 * prediction, or for a line that failed the same marker a transform job writes
 * ({@code {"error":{"code":…,"line":N}}}), with the line number, error code and message (no line content) in
 * {@code OUT.errors}.
 *
 * <p>A MultiRecord request that fails for its content, or answers with another number of predictions than lines, is
 * split in halves and sent again, down to single lines, so each failure is pinned to its line. Errors that are not a
 * line's fault (access denied, unknown endpoint, unreachable or failing gateway after retries) end the run at the
 * last checkpoint.
 *
 * <p>Checkpoints: after each batch of requests the output and errors files are forced to disk, then
 * {@code OUT.progress} is replaced atomically. A run started again with the same arguments after a kill truncates
 * the output and errors files back to the checkpoint and goes on from the checkpointed line: nothing is written
 * twice, nothing is lost.
 */
public final class RemoteBatchTransform {

    /** The largest request body (the gateway takes 6 MiB): a longer line fails locally. */
    public static final int MAX_BODY = 5 * 1024 * 1024;
    /** Lines per checkpoint (at least, unless the requests in flight would hold too many bytes). */
    static final int WAVE_LINES = 256;

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Pattern ENDPOINT_NOT_FOUND = Pattern.compile("Endpoint \\S+ of account \\S+ not found\\.?");

    /** What to transform and how. */
    public record Options(Path input, Path output, String endpoint, String contentType, boolean multiRecord,
                          int maxRecords, int concurrency) {
        public Options {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(contentType, "contentType");
            if (maxRecords < 1 || concurrency < 1) {
                throw new IllegalArgumentException("maxRecords and concurrency must be positive");
            }
        }

        boolean jsonLines() {
            return contentType.startsWith("application/jsonlines");
        }
    }

    /** How the run ended. */
    public record Summary(long records, long failed, long resumedAtLine, Path errors) {}

    /** Told after every checkpoint. */
    public interface Progress {
        void at(long inputOffset, long records, long failed);
    }

    /** The run cannot go on; the message says why (and that the checkpoint is kept). */
    public static final class RunFailure extends Exception {
        public RunFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final InvocationClient client;
    private final Options options;

    public RemoteBatchTransform(InvocationClient client, Options options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
    }

    public static Path progressFileOf(Path output) {
        return output.resolveSibling(output.getFileName() + ".progress");
    }

    public static Path errorsFileOf(Path output) {
        return output.resolveSibling(output.getFileName() + ".errors");
    }

    /** The checkpoint a run of these options would resume from, if any. */
    public ProgressFile.Checkpoint checkpoint() throws IOException, RunFailure {
        ProgressFile.Run run = run();
        ProgressFile.Checkpoint c = ProgressFile.read(progressFileOf(options.output())).orElse(null);
        if (c != null && !c.run().equals(run)) {
            throw new RunFailure(progressFileOf(options.output()) + " belongs to another run (" + describe(c.run())
                    + "); run with the same arguments and an unchanged input to resume it, or delete it to start "
                    + "over.");
        }
        return c == null ? ProgressFile.Checkpoint.start(run) : c;
    }

    private ProgressFile.Run run() throws IOException {
        Path input = options.input().toAbsolutePath().normalize();
        return new ProgressFile.Run(input.toString(), Files.size(input),
                Files.getLastModifiedTime(input).toMillis(), options.endpoint(), options.contentType(),
                options.multiRecord() ? "MultiRecord" : "SingleRecord",
                options.multiRecord() ? options.maxRecords() : 1);
    }

    private static String describe(ProgressFile.Run r) {
        return "input " + r.input() + " of " + r.inputSize() + " bytes, endpoint " + r.endpoint() + ", "
                + r.contentType() + ", " + r.batchStrategy();
    }

    /**
     * Runs (or resumes) the transform to the end of the input.
     *
     * @throws RunFailure if the gateway refuses the run or cannot be reached; the checkpoint is kept
     */
    public Summary run(Progress progress) throws IOException, InterruptedException, RunFailure {
        ProgressFile.Checkpoint c = checkpoint();
        Path progressFile = progressFileOf(options.output());
        Path errorsFile = errorsFileOf(options.output());
        long resumedAt = c.line();
        if (resumedAt == 0) {
            ProgressFile.write(progressFile, c);
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "mlgate-batch-transform");
            t.setDaemon(true);
            return t;
        });
        try (FileChannel in = FileChannel.open(options.input(), StandardOpenOption.READ);
             FileChannel out = openAt(options.output(), c.outputOffset());
             Errors errors = new Errors(errorsFile, c.errorsOffset())) {
            LineReader reader = new LineReader(in, c.inputOffset());
            long nextLine = c.line() + 1;
            Line pending = null;
            while (true) {
                List<List<Line>> wave = new ArrayList<>();
                pending = readWave(reader, wave, pending, nextLine);
                if (wave.isEmpty()) {
                    break;
                }
                List<List<Outcome>> answers = runWave(pool, wave);
                ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
                ByteArrayOutputStream errorBytes = new ByteArrayOutputStream();
                long lines = 0;
                long failed = 0;
                long end = c.inputOffset();
                for (int b = 0; b < wave.size(); b++) {
                    for (int i = 0; i < wave.get(b).size(); i++) {
                        Line line = wave.get(b).get(i);
                        Outcome o = answers.get(b).get(i);
                        lines++;
                        end = line.endOffset();
                        if (o.output() != null) {
                            outBytes.writeBytes(o.output());
                        } else {
                            failed++;
                            outBytes.writeBytes(FailedRecords.marker(o.code(), line.number()));
                            errorBytes.writeBytes(FailedRecords.errorLine(line.number(), o.code(), o.message()));
                        }
                        outBytes.write('\n');
                    }
                }
                nextLine += lines;
                write(out, outBytes.toByteArray());
                errors.write(errorBytes.toByteArray());
                out.force(false);
                errors.force();
                c = c.after(lines, end, out.position(), errors.position(), failed);
                ProgressFile.write(progressFile, c);
                progress.at(c.inputOffset(), c.records(), c.failed());
            }
        } finally {
            pool.shutdownNow();
        }
        Files.deleteIfExists(progressFile);
        return new Summary(c.records(), c.failed(), resumedAt, c.failed() > 0 ? errorsFile : null);
    }

    // ------------------------------------------------------------------ reading

    /** One input line: its number, bytes (null if longer than {@link #MAX_BODY}) and size. */
    private record Line(long number, byte[] bytes, long length, long endOffset) {}

    /**
     * Fills {@code wave} with the requests of the next checkpoint (at least {@code concurrency} requests and
     * {@value #WAVE_LINES} lines, unless they would hold more than {@code concurrency} × {@link #MAX_BODY} bytes);
     * returns a line read but left for the next.
     */
    private Line readWave(LineReader reader, List<List<Line>> wave, Line pending, long firstLine) throws IOException {
        boolean multi = options.multiRecord();
        long waveLimit = (long) options.concurrency() * MAX_BODY;
        long waveLines = 0;
        long number = pending != null ? pending.number() + 1 : firstLine;
        List<Line> current = new ArrayList<>();
        long currentBytes = 0;
        long waveBytes = 0;
        while (true) {
            Line l = pending;
            pending = null;
            if (l == null) {
                LineReader.Line read = reader.next(MAX_BODY);
                if (read == null) {
                    break;
                }
                l = new Line(number++, read.bytes(), read.length(), read.endOffset());
            }
            long size = l.bytes() == null ? 0 : l.bytes().length + 1;
            boolean fits = multi && current.size() < options.maxRecords() && currentBytes + size <= MAX_BODY;
            if (!current.isEmpty() && !fits) {
                wave.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            boolean full = wave.size() >= options.concurrency() && waveLines >= WAVE_LINES;
            if (current.isEmpty() && (full || (waveBytes > 0 && waveBytes + size > waveLimit))) {
                return l;
            }
            current.add(l);
            currentBytes += size;
            waveBytes += size;
            waveLines++;
        }
        if (!current.isEmpty()) {
            wave.add(current);
        }
        return null;
    }

    // ------------------------------------------------------------------ requests

    /** A line's answer: its prediction, or the error code and message of its failure. */
    private record Outcome(byte[] output, String code, String message) {
        static Outcome ok(byte[] prediction) {
            return new Outcome(prediction, null, null);
        }

        static Outcome failed(String code, String message) {
            return new Outcome(null, code, message == null ? "" : message);
        }
    }

    private List<List<Outcome>> runWave(ExecutorService pool, List<List<Line>> wave)
            throws InterruptedException, RunFailure {
        int groups = Math.min(options.concurrency(), wave.size());
        List<Future<List<List<Outcome>>>> futures = new ArrayList<>();
        int start = 0;
        for (int g = 0; g < groups; g++) {
            int end = start + (wave.size() - start) / (groups - g);
            List<List<Line>> slice = wave.subList(start, end);
            start = end;
            futures.add(pool.submit(() -> {
                List<List<Outcome>> out = new ArrayList<>();
                for (List<Line> request : slice) {
                    out.add(send(request));
                }
                return out;
            }));
        }
        List<List<Outcome>> answers = new ArrayList<>();
        try {
            for (Future<List<List<Outcome>>> f : futures) {
                answers.addAll(f.get());
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RunFailure failure) {
                throw failure;
            }
            throw new RunFailure("the gateway could not be reached: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        }
        return answers;
    }

    /** The answers of one request's lines (lines too long to send fail without a request). */
    private List<Outcome> send(List<Line> lines) throws IOException, InterruptedException, RunFailure {
        List<Line> sendable = lines.stream().filter(l -> l.bytes() != null).toList();
        List<Outcome> answers = sendable.isEmpty() ? List.of() : sendGroup(sendable);
        List<Outcome> out = new ArrayList<>(lines.size());
        int next = 0;
        for (Line l : lines) {
            out.add(l.bytes() == null ? tooLong(l) : answers.get(next++));
        }
        return out;
    }

    /**
     * Sends lines in one request; if the request fails for its content, or answers with another number of
     * predictions than lines, each half is sent on its own, down to single lines, so a bad line costs about
     * 2·log₂(n) requests and never fails its neighbours.
     */
    private List<Outcome> sendGroup(List<Line> group) throws IOException, InterruptedException, RunFailure {
        if (group.size() == 1) {
            return List.of(single(group.get(0)));
        }
        InvocationClient.Answer answer = client.invoke(body(group), requestType());
        if (!answer.ok() && !recordLevel(answer)) {
            throw refused(answer);
        }
        List<byte[]> predictions = answer.ok() ? predictions(answer.body()) : null;
        if (predictions != null && predictions.size() == group.size()) {
            List<Outcome> out = new ArrayList<>(group.size());
            predictions.forEach(p -> out.add(Outcome.ok(p)));
            return out;
        }
        int mid = group.size() / 2;
        List<Outcome> out = new ArrayList<>(sendGroup(group.subList(0, mid)));
        out.addAll(sendGroup(group.subList(mid, group.size())));
        return out;
    }

    private Outcome single(Line line) throws IOException, InterruptedException, RunFailure {
        InvocationClient.Answer answer = client.invoke(line.bytes(), requestType());
        if (answer.ok()) {
            List<byte[]> predictions = predictions(answer.body());
            if (predictions == null) {
                throw new RunFailure("the gateway answered line " + line.number() + " with something that is not "
                        + "a prediction list");
            }
            if (predictions.size() != 1) {
                return Outcome.failed("ValidationError", "the line holds " + predictions.size() + " rows; each "
                        + "line must be one record");
            }
            return Outcome.ok(predictions.get(0));
        }
        if (recordLevel(answer)) {
            return Outcome.failed(answer.errorCode(), answer.message());
        }
        throw refused(answer);
    }

    private static Outcome tooLong(Line l) {
        return Outcome.failed("ValidationError", "the line is " + l.length() + " bytes, more than the "
                + MAX_BODY / (1024 * 1024) + " MiB a request may carry");
    }

    /** A failure that is the line's own: bad input (ValidationError other than a missing endpoint) or the model's. */
    private static boolean recordLevel(InvocationClient.Answer a) {
        return (a.status() == 400 && "ValidationError".equals(a.errorCode())
                && !ENDPOINT_NOT_FOUND.matcher(a.message()).matches())
                || a.status() == 413 || (a.status() == 424 && "ModelError".equals(a.errorCode()));
    }

    private static RunFailure refused(InvocationClient.Answer a) {
        return new RunFailure("the gateway refused the request: " + a.status() + " " + a.errorCode()
                + (a.message().isEmpty() ? "" : ": " + a.message()));
    }

    /** The request's content type: JSON Lines records are JSON values, which InvokeEndpoint reads as JSON. */
    private String requestType() {
        return options.jsonLines() ? "application/json" : options.contentType();
    }

    /** CSV lines joined by line ends; JSON Lines records as {@code {"instances":[r1,r2,...]}}. */
    private byte[] body(List<Line> lines) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (options.jsonLines()) {
            b.writeBytes("{\"instances\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                b.write(options.jsonLines() ? ',' : '\n');
            }
            b.writeBytes(lines.get(i).bytes());
        }
        if (options.jsonLines()) {
            b.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /**
     * The predictions of an answer {@code {"predictions":[p1,p2,...]}}, each exactly as the gateway wrote it (so the
     * output equals a transform job's); null if the answer has another shape.
     */
    static List<byte[]> predictions(byte[] body) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.PROPERTY_NAME
                    || !"predictions".equals(p.currentName()) || p.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            List<byte[]> out = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    return null;
                }
                int from = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int to = (int) p.currentLocation().getByteOffset();
                byte[] one = new byte[to - from];
                System.arraycopy(body, from, one, 0, one.length);
                out.add(one);
            }
            return out;
        } catch (JacksonException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ files

    /** Opens the output at its checkpointed size, cutting off anything written after the checkpoint. */
    private static FileChannel openAt(Path file, long offset) throws IOException, RunFailure {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        if (channel.size() < offset) {
            channel.close();
            throw new RunFailure(file + " is shorter than its checkpoint: it was changed outside the run; delete "
                    + progressFileOf(file) + " to start over.");
        }
        channel.truncate(offset);
        channel.position(offset);
        return channel;
    }

    private static void write(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The errors file, created when the first line fails. */
    private static final class Errors implements AutoCloseable {
        private final Path file;
        private FileChannel channel;
        private long position;

        Errors(Path file, long offset) throws IOException, RunFailure {
            this.file = file;
            this.position = offset;
            if (offset == 0) {
                Files.deleteIfExists(file);
            } else {
                channel = openAt(file, offset);
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
            RemoteBatchTransform.write(channel, bytes);
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
}
