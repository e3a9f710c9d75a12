package io.mlgate.batch;

import io.mlgate.kms.AtomicFileWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checkpoint of a {@code batch-transform} run ({@code OUT.progress}): which run it belongs to (input file, its size
 * and modification time, endpoint, content type, batch strategy, records per request) and how far it got (lines and
 * bytes of input consumed, bytes of output and errors durable, record counts). Written atomically (temporary file,
 * fsync, rename) after the output and errors files are forced to disk; removed when the run completes.
 */
public final class ProgressFile {

    private static final String FORMAT = "mlgate-batch-transform-progress";
    private static final int VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** What makes two runs the same run: a checkpoint only resumes the run it was written by. */
    public record Run(String input, long inputSize, long inputModifiedMillis, String endpoint, String contentType,
                      String batchStrategy, int maxRecords) {}

    /** How far a run got. */
    public record Checkpoint(Run run, long line, long inputOffset, long outputOffset, long errorsOffset, long records,
                             long failed) {

        static Checkpoint start(Run run) {
            return new Checkpoint(run, 0, 0, 0, 0, 0, 0);
        }

        Checkpoint after(long lines, long inputEnd, long outputEnd, long errorsEnd, long batchFailed) {
            return new Checkpoint(run, line + lines, inputEnd, outputEnd, errorsEnd, records + lines,
                    failed + batchFailed);
        }
    }

    private ProgressFile() {}

    /**
     * The checkpoint in {@code file}, if there is one.
     *
     * @throws IOException if the file exists but is not a checkpoint (never silently ignored)
     */
    public static Optional<Checkpoint> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            if (n == null || !FORMAT.equals(n.path("format").asString("")) || n.path("version").asInt(0) != VERSION) {
                throw new IOException(file + " is not a batch-transform checkpoint");
            }
            Run run = new Run(text(n, "input"), number(n, "inputSize"), number(n, "inputModifiedMillis"),
                    text(n, "endpoint"), text(n, "contentType"), text(n, "batchStrategy"),
                    (int) number(n, "maxRecords"));
            return Optional.of(new Checkpoint(run, number(n, "line"), number(n, "inputOffset"),
                    number(n, "outputOffset"), number(n, "errorsOffset"), number(n, "records"),
                    number(n, "failed")));
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IOException(file + " is not a valid batch-transform checkpoint", e);
        }
    }

    public static void write(Path file, Checkpoint c) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("version", VERSION);
        n.put("input", c.run().input());
        n.put("inputSize", c.run().inputSize());
        n.put("inputModifiedMillis", c.run().inputModifiedMillis());
        n.put("endpoint", c.run().endpoint());
        n.put("contentType", c.run().contentType());
        n.put("batchStrategy", c.run().batchStrategy());
        n.put("maxRecords", c.run().maxRecords());
        n.put("line", c.line());
        n.put("inputOffset", c.inputOffset());
        n.put("outputOffset", c.outputOffset());
        n.put("errorsOffset", c.errorsOffset());
        n.put("records", c.records());
        n.put("failed", c.failed());
        AtomicFileWriter.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v.stringValue();
    }

    private static long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || v.longValue() < 0) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v.longValue();
    }
}
