package io.mlgate.audit.export;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One parsed digest file of the trail (docs/audit-trail.md): its object name {@code digests/digest-<stamp>-<dseq>
 * .json.gz}, the SHA-256 of its uncompressed bytes, its fields and the log files it lists, plus the hex signature
 * of its {@code .sig} file when one was read.
 */
record TrailDigest(String object, long sequence, String sha256, JsonNode json, String signature,
                   List<LogFileRef> logFiles) {

    /** Largest uncompressed digest accepted; a digest lists at most one period's files. */
    private static final int MAX_DIGEST_BYTES = 64 * 1024 * 1024;

    static final Pattern DIGEST_NAME = Pattern.compile("digests/digest-\\d{8}T\\d{6}Z-(\\d{6,18})\\.json\\.gz");
    static final Pattern LOG_NAME = Pattern.compile("events-\\d{8}T\\d{6}Z-(\\d{6,18})\\.jsonl\\.gz");

    /** One {@code logFiles[]} entry: the log file's name relative to the audit folder and its recorded facts. */
    record LogFileRef(String object, String hashValue, Instant oldest, Instant newest) {
    }

    /** The dseq of a digest object name, or -1 when the name is not a digest name. */
    static long sequenceOf(String object) {
        Matcher m = DIGEST_NAME.matcher(object);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Parses a digest.
     *
     * @param object    its name relative to the audit folder ({@code digests/...})
     * @param gzipped   the digest file's bytes
     * @param signature the hex signature from its {@code .sig}, or null
     * @throws IOException if the bytes are not a gzip JSON digest with the fields the export relies on
     */
    static TrailDigest parse(String object, byte[] gzipped, String signature) throws IOException {
        long seq = sequenceOf(object);
        if (seq < 0) {
            throw new IOException(object + " is not a digest file name");
        }
        byte[] raw;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            raw = in.readNBytes(MAX_DIGEST_BYTES + 1);
        } catch (IOException e) {
            throw new IOException(object + " is not a gzip file");
        }
        if (raw.length > MAX_DIGEST_BYTES) {
            throw new IOException(object + " is larger than " + MAX_DIGEST_BYTES + " bytes uncompressed");
        }
        JsonNode json;
        try {
            json = TrailJson.read(raw);
        } catch (JacksonException e) {
            throw new IOException(object + " is not JSON");
        }
        for (String field : List.of("digestEndTime", "digestS3Bucket", "digestS3Object", "digestPublicKeyFingerprint")) {
            if (TrailJson.text(json, field) == null) {
                throw new IOException(object + " lacks " + field);
            }
        }
        JsonNode files = json.get("logFiles");
        if (files == null || !files.isArray()) {
            throw new IOException(object + " lacks logFiles");
        }
        List<LogFileRef> refs = new ArrayList<>();
        for (JsonNode f : files) {
            String name = TrailJson.text(f, "s3Object");
            String hash = TrailJson.text(f, "hashValue");
            if (name == null || !LOG_NAME.matcher(name).matches()) {
                throw new IOException(object + " lists a log file with an invalid name");
            }
            if (hash == null || !hash.matches("[0-9a-f]{64}")) {
                throw new IOException(object + " lists " + name + " without a SHA-256 hashValue");
            }
            refs.add(new LogFileRef(name, hash, time(f, "oldestEventTime", object), time(f, "newestEventTime", object)));
        }
        return new TrailDigest(object, seq, TrailJson.sha256Hex(raw), json, signature, List.copyOf(refs));
    }

    private static Instant time(JsonNode f, String field, String object) throws IOException {
        String t = TrailJson.text(f, field);
        if (t == null) {
            return null; // a file without records
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IOException(object + " has an invalid " + field);
        }
    }

    String field(String name) {
        return TrailJson.text(json, name);
    }

    /** CloudTrail's signing string of this digest (docs/audit-trail.md, "Digest files"). */
    byte[] signingString() {
        String previous = field("previousDigestSignature");
        return (field("digestEndTime") + "\n" + field("digestS3Bucket") + "/" + field("digestS3Object") + "\n"
                + sha256 + "\n" + (previous == null ? "null" : previous)).getBytes(StandardCharsets.UTF_8);
    }

    /** The digest's end time, or null when it does not parse. */
    Instant endTime() {
        try {
            return Instant.parse(field("digestEndTime"));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
