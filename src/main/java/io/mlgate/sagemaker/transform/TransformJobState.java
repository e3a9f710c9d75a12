package io.mlgate.sagemaker.transform;

import static io.mlgate.protocol.json.StoredJson.array;
import static io.mlgate.protocol.json.StoredJson.instant;
import static io.mlgate.protocol.json.StoredJson.integer;
import static io.mlgate.protocol.json.StoredJson.nullableText;
import static io.mlgate.protocol.json.StoredJson.text;
import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The transform jobs in {@code <dataDir>/sagemaker/transform-jobs.json}, keyed by ARN, with their checkpoints. Every
 * change is written atomically (temporary file, fsync, rename, directory fsync) before it becomes visible; a file
 * that cannot be read fails {@link #open} loudly and is never replaced by an empty state. Reads take no lock; writes
 * (API calls and engine checkpoints) are serialized.
 */
public final class TransformJobState {

    public static final String FOLDER = "sagemaker";
    public static final String FILE = "transform-jobs.json";

    private static final String FORMAT = "mlgate-transform-jobs";
    private static final int VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Path file;
    private final Object writeLock = new Object();
    private volatile Map<String, TransformJob> jobs;

    private TransformJobState(Path file, Map<String, TransformJob> jobs) {
        this.file = file;
        this.jobs = jobs;
    }

    /**
     * Opens the jobs under {@code dataDir} (empty if the file does not exist yet).
     *
     * @throws IOException if the file cannot be read or is not a valid jobs file
     */
    public static TransformJobState open(Path dataDir) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.resolve(FOLDER);
        AtomicFileWriter.ensurePrivateDirectory(dir);
        Path file = dir.resolve(FILE);
        return new TransformJobState(file, Files.exists(file) ? read(file) : Map.of());
    }

    public Path file() {
        return file;
    }

    /** Every job, in creation order. */
    public Map<String, TransformJob> jobs() {
        return jobs;
    }

    public Optional<TransformJob> job(String arn) {
        return Optional.ofNullable(jobs.get(arn));
    }

    /** A change made under the write lock: returns the jobs to store (by ARN), or none. */
    interface Work<T> {
        T apply(Map<String, TransformJob> current, Map<String, TransformJob> changes) throws JsonServiceException;
    }

    /**
     * Runs {@code work} under the write lock; the jobs it put into {@code changes} are persisted, then published.
     *
     * @throws UncheckedIOException if the change could not be persisted (nothing changes then)
     */
    <T> T write(Work<T> work) throws JsonServiceException {
        synchronized (writeLock) {
            Map<String, TransformJob> changes = new LinkedHashMap<>();
            T result = work.apply(jobs, changes);
            if (!changes.isEmpty()) {
                Map<String, TransformJob> next = new LinkedHashMap<>(jobs);
                next.putAll(changes);
                Map<String, TransformJob> published = Collections.unmodifiableMap(next);
                try {
                    AtomicFileWriter.replace(file, serialize(published));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not persist " + file, e);
                }
                jobs = published;
            }
            return result;
        }
    }

    /** {@link #write} for changes that raise no API error (engine checkpoints). */
    <T> T update(Work<T> work) {
        try {
            return write(work);
        } catch (JsonServiceException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public String toString() {
        return "TransformJobState[" + file + ", jobs=" + jobs.size() + "]";
    }

    // ------------------------------------------------------------------ serialization

    static byte[] serialize(Map<String, TransformJob> jobs) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        ArrayNode list = doc.putArray("jobs");
        jobs.values().forEach(j -> list.add(job(j)));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    private static Map<String, TransformJob> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            JsonNode doc = JSON.readTree(bytes);
            if (doc == null || !doc.isObject() || !FORMAT.equals(text(doc, "format"))) {
                throw new IOException("corrupt transform jobs file " + file + ": not a " + FORMAT + " document");
            }
            if (integer(doc, "version") != VERSION) {
                throw new IOException("transform jobs file " + file + " has unsupported version "
                        + doc.get("version"));
            }
            Map<String, TransformJob> jobs = new LinkedHashMap<>();
            for (JsonNode n : array(doc, "jobs")) {
                TransformJob j = job(n);
                if (jobs.put(j.arn(), j) != null) {
                    throw new IllegalArgumentException("duplicate transform job " + j.arn());
                }
            }
            return Collections.unmodifiableMap(jobs);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new IOException("corrupt transform jobs file " + file + ": "
                    + (e instanceof JacksonException ? "not valid JSON" : e.getMessage()), e);
        }
    }

    private static ObjectNode job(TransformJob j) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", j.name());
        n.put("arn", j.arn());
        n.put("accountId", j.accountId());
        n.set("spec", spec(j.spec()));
        n.put("status", j.status().wireName());
        putNullable(n, "failureReason", j.failureReason());
        n.put("creationTime", j.creationTime().toString());
        putNullable(n, "startTime", j.startTime() == null ? null : j.startTime().toString());
        putNullable(n, "endTime", j.endTime() == null ? null : j.endTime().toString());
        n.put("lastModifiedTime", j.lastModifiedTime().toString());
        n.set("tags", map(j.tags()));
        n.set("progress", progress(j.progress()));
        return n;
    }

    private static TransformJob job(JsonNode n) {
        String status = text(n, "status");
        return new TransformJob(text(n, "name"), text(n, "arn"), text(n, "accountId"), spec(object(n, "spec")),
                TransformJobStatus.fromWire(status)
                        .orElseThrow(() -> new IllegalArgumentException("unknown transform job status " + status)),
                nullableText(n, "failureReason"), instant(n, "creationTime"), nullableInstant(n, "startTime"),
                nullableInstant(n, "endTime"), instant(n, "lastModifiedTime"), map(n.get("tags")),
                progress(object(n, "progress")));
    }

    private static ObjectNode spec(TransformJobSpec s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("modelName", s.modelName());
        n.put("inputUri", s.inputUri());
        n.put("contentType", s.contentType());
        putNullable(n, "compressionType", s.givenCompressionType());
        putNullable(n, "splitType", s.givenSplitType());
        putNullable(n, "batchStrategy", s.givenBatchStrategy());
        putNullable(n, "maxPayloadInMB", s.givenMaxPayloadInMB());
        putNullable(n, "maxConcurrentTransforms", s.givenMaxConcurrentTransforms());
        n.put("outputPath", s.outputPath());
        putNullable(n, "accept", s.givenAccept());
        putNullable(n, "assembleWith", s.givenAssembleWith());
        n.put("instanceType", s.instanceType());
        n.put("instanceCount", s.instanceCount());
        putNullable(n, "amiVersion", s.givenAmiVersion());
        n.set("environment", map(s.environment()));
        putNullable(n, "invocationsTimeoutInSeconds", s.givenInvocationsTimeoutInSeconds());
        putNullable(n, "invocationsMaxRetries", s.givenInvocationsMaxRetries());
        return n;
    }

    private static TransformJobSpec spec(JsonNode n) {
        return new TransformJobSpec(text(n, "modelName"), text(n, "inputUri"), text(n, "contentType"),
                nullableText(n, "compressionType"), nullableText(n, "splitType"), nullableText(n, "batchStrategy"),
                nullableInteger(n, "maxPayloadInMB"), nullableInteger(n, "maxConcurrentTransforms"),
                text(n, "outputPath"), nullableText(n, "accept"), nullableText(n, "assembleWith"),
                text(n, "instanceType"), integer(n, "instanceCount"), nullableText(n, "amiVersion"),
                map(n.get("environment")), nullableInteger(n, "invocationsTimeoutInSeconds"),
                nullableInteger(n, "invocationsMaxRetries"));
    }

    private static ObjectNode progress(TransformProgress p) {
        ObjectNode n = JSON.createObjectNode();
        if (p.inputs() != null) {
            ArrayNode inputs = n.putArray("inputs");
            p.inputs().forEach(inputs::add);
        }
        n.put("fileIndex", p.fileIndex());
        n.put("line", p.line());
        n.put("inputOffset", p.inputOffset());
        n.put("outputOffset", p.outputOffset());
        n.put("errorsOffset", p.errorsOffset());
        n.put("records", p.records());
        n.put("failed", p.failed());
        return n;
    }

    private static TransformProgress progress(JsonNode n) {
        List<String> inputs = null;
        JsonNode list = n.get("inputs");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new IllegalArgumentException("inputs must be an array");
            }
            inputs = new ArrayList<>();
            for (JsonNode s : list) {
                if (!s.isString()) {
                    throw new IllegalArgumentException("inputs must hold strings");
                }
                inputs.add(s.stringValue());
            }
        }
        return new TransformProgress(inputs, integer(n, "fileIndex"), longValue(n, "line"),
                longValue(n, "inputOffset"), longValue(n, "outputOffset"), longValue(n, "errorsOffset"),
                longValue(n, "records"), longValue(n, "failed"));
    }

    // helpers

    private static void putNullable(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static void putNullable(ObjectNode n, String field, Integer value) {
        if (value != null) {
            n.put(field, value.intValue());
        }
    }

    private static ObjectNode map(Map<String, String> m) {
        ObjectNode n = JSON.createObjectNode();
        m.forEach(n::put);
        return n;
    }

    private static Map<String, String> map(JsonNode n) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isString()) {
                throw new IllegalArgumentException("map values must be strings");
            }
            m.put(e.getKey(), e.getValue().stringValue());
        }
        return m;
    }

    private static JsonNode object(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("missing object " + field);
        }
        return v;
    }

    private static Integer nullableInteger(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : integer(n, field);
    }

    private static long longValue(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("missing integer " + field);
        }
        return v.longValue();
    }

    private static Instant nullableInstant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : instant(n, field);
    }
}
