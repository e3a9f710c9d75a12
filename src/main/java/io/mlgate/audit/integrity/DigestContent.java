package io.mlgate.audit.integrity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content of one digest file (CloudTrail's digest fields plus the {@code mlgate*} extensions), its JSON form and
 * its signing string.
 */
record DigestContent(String awsAccountId, String digestStartTime, String digestEndTime, String digestS3Bucket,
                     String digestS3Object, String newestEventTime, String oldestEventTime,
                     String previousDigestS3Bucket, String previousDigestS3Object, String previousDigestHashValue,
                     String previousDigestHashAlgorithm, String previousDigestSignature,
                     String digestPublicKeyFingerprint, String digestSignatureAlgorithm, List<LogFileEntry> logFiles,
                     long mlgateDigestSequence, Long firstLogSequence, Long lastLogSequence,
                     List<Long> mlgateMissingLogFiles) {

    /** One {@code logFiles} entry. */
    record LogFileEntry(String s3Bucket, String s3Object, String hashValue, String hashAlgorithm,
                        String newestEventTime, String oldestEventTime) {
    }

    Instant startTime() {
        return TrailFiles.parseTime(digestStartTime);
    }

    Instant endTime() {
        return TrailFiles.parseTime(digestEndTime);
    }

    boolean starting() {
        return previousDigestSignature == null;
    }

    /** CloudTrail's data signing string for this digest, given the hash of its uncompressed bytes. */
    byte[] signingString(String hashValue) {
        return (digestEndTime + "\n" + digestS3Bucket + "/" + digestS3Object + "\n" + hashValue + "\n"
                + (previousDigestSignature == null ? "null" : previousDigestSignature))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The compact JSON bytes, fields in the order of docs/audit-trail.md. */
    byte[] toJson() {
        ObjectNode n = TrailFiles.JSON.createObjectNode();
        n.put("awsAccountId", awsAccountId);
        n.put("digestStartTime", digestStartTime);
        n.put("digestEndTime", digestEndTime);
        n.put("digestS3Bucket", digestS3Bucket);
        n.put("digestS3Object", digestS3Object);
        n.put("newestEventTime", newestEventTime);
        n.put("oldestEventTime", oldestEventTime);
        n.put("previousDigestS3Bucket", previousDigestS3Bucket);
        n.put("previousDigestS3Object", previousDigestS3Object);
        n.put("previousDigestHashValue", previousDigestHashValue);
        n.put("previousDigestHashAlgorithm", previousDigestHashAlgorithm);
        n.put("previousDigestSignature", previousDigestSignature);
        n.put("digestPublicKeyFingerprint", digestPublicKeyFingerprint);
        n.put("digestSignatureAlgorithm", digestSignatureAlgorithm);
        ArrayNode files = n.putArray("logFiles");
        for (LogFileEntry f : logFiles) {
            ObjectNode e = files.addObject();
            e.put("s3Bucket", f.s3Bucket());
            e.put("s3Object", f.s3Object());
            e.put("hashValue", f.hashValue());
            e.put("hashAlgorithm", f.hashAlgorithm());
            e.put("newestEventTime", f.newestEventTime());
            e.put("oldestEventTime", f.oldestEventTime());
        }
        n.put("mlgateDigestSequence", mlgateDigestSequence);
        if (firstLogSequence == null) {
            n.putNull("mlgateLogSequence");
        } else {
            n.putObject("mlgateLogSequence").put("first", firstLogSequence).put("last", lastLogSequence);
        }
        ArrayNode missing = n.putArray("mlgateMissingLogFiles");
        mlgateMissingLogFiles.forEach(missing::add);
        return TrailFiles.JSON.writeValueAsBytes(n);
    }

    /**
     * Parses digest JSON.
     *
     * @throws IllegalArgumentException naming the first field that is absent or of the wrong type
     */
    static DigestContent parse(byte[] json) {
        JsonNode n;
        try {
            n = TrailFiles.JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<LogFileEntry> files = new ArrayList<>();
        JsonNode list = n.get("logFiles");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("logFiles is not an array");
        }
        for (JsonNode f : list) {
            files.add(new LogFileEntry(text(f, "s3Bucket"), text(f, "s3Object"), text(f, "hashValue"),
                    text(f, "hashAlgorithm"), nullableText(f, "newestEventTime"),
                    nullableText(f, "oldestEventTime")));
        }
        JsonNode seq = n.get("mlgateLogSequence");
        Long first = null;
        Long last = null;
        if (seq == null || !(seq.isNull() || seq.isObject())) {
            throw new IllegalArgumentException("mlgateLogSequence is neither null nor an object");
        }
        if (seq.isObject()) {
            first = number(seq, "first");
            last = number(seq, "last");
            if (first < 1 || last < first) {
                throw new IllegalArgumentException("mlgateLogSequence is not a range");
            }
        }
        JsonNode missingNode = n.get("mlgateMissingLogFiles");
        if (missingNode == null || !missingNode.isArray()) {
            throw new IllegalArgumentException("mlgateMissingLogFiles is not an array");
        }
        List<Long> missing = new ArrayList<>();
        for (JsonNode m : missingNode) {
            if (!m.isIntegralNumber()) {
                throw new IllegalArgumentException("mlgateMissingLogFiles holds a non-integer");
            }
            missing.add(m.asLong());
        }
        DigestContent d = new DigestContent(text(n, "awsAccountId"), text(n, "digestStartTime"),
                text(n, "digestEndTime"), text(n, "digestS3Bucket"), text(n, "digestS3Object"),
                nullableText(n, "newestEventTime"), nullableText(n, "oldestEventTime"),
                nullableText(n, "previousDigestS3Bucket"), nullableText(n, "previousDigestS3Object"),
                nullableText(n, "previousDigestHashValue"), nullableText(n, "previousDigestHashAlgorithm"),
                nullableText(n, "previousDigestSignature"), text(n, "digestPublicKeyFingerprint"),
                text(n, "digestSignatureAlgorithm"), List.copyOf(files), number(n, "mlgateDigestSequence"),
                first, last, List.copyOf(missing));
        d.startTime();
        d.endTime();
        return d;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException(field + " is absent or not a string");
        }
        return v.stringValue();
    }

    private static String nullableText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !(v.isNull() || v.isString())) {
            throw new IllegalArgumentException(field + " is absent or neither null nor a string");
        }
        return v.isNull() ? null : v.stringValue();
    }

    private static long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " is absent or not an integer");
        }
        return v.asLong();
    }
}
