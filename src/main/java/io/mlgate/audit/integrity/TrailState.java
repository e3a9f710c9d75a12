package io.mlgate.audit.integrity;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mlgate.audit.integrity.TrailFiles.DigestName;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A listing of an audit folder's {@code digests/} and readers of the files there. */
final class TrailState {

    /** Largest uncompressed digest accepted (a digest lists at most a few thousand log files). */
    static final int MAX_DIGEST_BYTES = 64 << 20;

    /** One digest file as read: hash and content, or why it could not be read; its signature, or why not. */
    record LoadedDigest(DigestName name, String hash, DigestContent content, String readError, boolean formatError,
                        String signature, String signatureError) {
        boolean readable() {
            return content != null;
        }
    }

    /** The parsed {@code head.json}, with its JSON for signature checks. */
    record Head(ObjectNode json, String digestS3Object, long digestSequence, String hashValue, String signature,
                String digestEndTime, Instant signedTime, String nextDigestDueTime) {
    }

    /** A digest retention removed, as {@code retention.json} lists it. */
    record RemovedDigest(long digestSequence, String digestS3Object, String digestEndTime, String hashValue,
                         String signature) {
    }

    /** The parsed {@code retention.json}. */
    record Retention(ObjectNode json, Instant signedTime, Map<Long, RemovedDigest> digests,
                     Map<String, String> logFiles, long lastLogSequence) {
    }

    final Path auditDir;
    final Path digestsDir;
    /** Digest files by sequence (a tampered folder may hold several names per sequence). */
    final TreeMap<Long, List<DigestName>> digests = new TreeMap<>();
    /** Names of {@code .sig} files whose base is a digest name. */
    final List<String> signatureFiles = new ArrayList<>();
    /** Any other name under digests/ (besides head.json, retention.json and its .sig). */
    final List<String> unexpected = new ArrayList<>();
    /** Leftover temporary files of interrupted atomic writes ({@code .<name>.<random>.tmp}). */
    final List<String> temporary = new ArrayList<>();

    private TrailState(Path auditDir) {
        this.auditDir = auditDir;
        this.digestsDir = auditDir.resolve(TrailFiles.DIGESTS);
    }

    static TrailState read(Path auditDir) throws IOException {
        TrailState s = new TrailState(auditDir);
        if (!Files.isDirectory(s.digestsDir)) {
            return s;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(s.digestsDir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                DigestName d = TrailFiles.parseDigestName(name);
                if (d != null && Files.isRegularFile(p)) {
                    s.digests.computeIfAbsent(d.dseq(), k -> new ArrayList<>()).add(d);
                } else if (name.endsWith(TrailFiles.SIG_SUFFIX) && Files.isRegularFile(p) && TrailFiles.parseDigestName(
                        name.substring(0, name.length() - TrailFiles.SIG_SUFFIX.length())) != null) {
                    s.signatureFiles.add(name);
                } else if (name.equals(TrailFiles.HEAD) || name.equals(TrailFiles.RETENTION)
                        || name.equals(TrailFiles.RETENTION + TrailFiles.SIG_SUFFIX)) {
                    continue;
                } else if (name.startsWith(".") && name.endsWith(".tmp")) {
                    s.temporary.add(name);
                } else {
                    s.unexpected.add(name);
                }
            }
        }
        s.digests.values().forEach(list -> list.sort((a, b) -> a.fileName().compareTo(b.fileName())));
        s.signatureFiles.sort(null);
        s.unexpected.sort(null);
        return s;
    }

    /** Reads, hashes and parses one digest and its signature file. */
    LoadedDigest load(DigestName name) {
        String hash = null;
        DigestContent content = null;
        String readError = null;
        boolean formatError = false;
        try {
            byte[] bytes = TrailFiles.gunzip(digestsDir.resolve(name.fileName()), MAX_DIGEST_BYTES);
            hash = TrailFiles.sha256Hex(bytes);
            try {
                content = DigestContent.parse(bytes);
            } catch (IllegalArgumentException e) {
                readError = e.getMessage();
                formatError = !e.getMessage().startsWith("not JSON") && !e.getMessage().startsWith("not a JSON");
            }
        } catch (IOException e) {
            readError = "not readable gzip: " + e.getMessage();
        }
        String signature = null;
        String signatureError = null;
        Path sigFile = digestsDir.resolve(name.sigFileName());
        try {
            JsonNode sig = TrailFiles.JSON.readTree(Files.readAllBytes(sigFile));
            if (sig != null && sig.path("signature").isString()
                    && TrailFiles.SIGNATURE_ALGORITHM.equals(sig.path("signatureAlgorithm").asString(""))) {
                signature = sig.path("signature").stringValue();
            } else {
                signatureError = "the signature file lacks signature or signatureAlgorithm "
                        + TrailFiles.SIGNATURE_ALGORITHM;
            }
        } catch (NoSuchFileException e) {
            signatureError = "the signature file is missing";
        } catch (IOException | JacksonException e) {
            signatureError = "the signature file is not readable JSON";
        }
        return new LoadedDigest(name, hash, content, readError, formatError, signature, signatureError);
    }

    /** The signature file bytes for a digest signature. */
    static byte[] signatureFile(String signatureHex) {
        ObjectNode n = TrailFiles.JSON.createObjectNode();
        n.put("signature", signatureHex);
        n.put("signatureAlgorithm", TrailFiles.SIGNATURE_ALGORITHM);
        return TrailFiles.JSON.writeValueAsBytes(n);
    }

    /**
     * The parsed head, or null if absent.
     *
     * @throws IllegalArgumentException if it is not a head document
     */
    Head head() throws IOException {
        Path file = digestsDir.resolve(TrailFiles.HEAD);
        if (!Files.exists(file)) {
            return null;
        }
        ObjectNode n = object(Files.readAllBytes(file));
        try {
            return new Head(n, text(n, "digestS3Object"), n.path("mlgateDigestSequence").asLong(-1),
                    text(n, "digestHashValue"), text(n, "digestSignature"), text(n, "digestEndTime"),
                    TrailFiles.parseTime(text(n, "signedTime")),
                    n.path("nextDigestDueTime").isString() ? n.path("nextDigestDueTime").stringValue() : null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("head.json is not a chain head: " + e.getMessage());
        }
    }

    /**
     * The parsed retention record, or null if retention never ran.
     *
     * @throws IllegalArgumentException if it is not a retention document
     */
    Retention retention() throws IOException {
        Path file = digestsDir.resolve(TrailFiles.RETENTION);
        if (!Files.exists(file)) {
            return null;
        }
        ObjectNode n = object(Files.readAllBytes(file));
        try {
            Map<Long, RemovedDigest> removed = new TreeMap<>();
            Map<String, String> logs = new LinkedHashMap<>();
            long lastSeq = 0;
            if (n.path("version").asInt(0) != 1 || !n.path("runs").isArray()) {
                throw new IllegalArgumentException("not a version 1 retention record");
            }
            for (JsonNode run : n.path("runs")) {
                for (JsonNode d : run.path("removedDigests")) {
                    RemovedDigest r = new RemovedDigest(d.path("mlgateDigestSequence").asLong(-1),
                            text(d, "digestS3Object"), text(d, "digestEndTime"), text(d, "hashValue"),
                            text(d, "signature"));
                    removed.put(r.digestSequence(), r);
                }
                for (JsonNode f : run.path("removedLogFiles")) {
                    logs.put(text(f, "s3Object"), text(f, "hashValue"));
                }
                if (run.path("logSequence").isObject()) {
                    lastSeq = Math.max(lastSeq, run.path("logSequence").path("last").asLong(0));
                }
            }
            return new Retention(n, TrailFiles.parseTime(text(n, "signedTime")), removed, logs, lastSeq);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("retention.json is not a retention record: " + e.getMessage());
        }
    }

    /** The witness value of the newest digest that has a readable signature. */
    Witness newestWitness() throws IOException {
        for (Long dseq : digests.descendingKeySet()) {
            for (DigestName name : digests.get(dseq)) {
                LoadedDigest d = load(name);
                if (d.readable() && d.signature() != null) {
                    return new Witness(dseq, d.content().endTime(), d.hash());
                }
            }
        }
        throw new IOException("no signed digest in " + digestsDir);
    }

    /** Log files in the audit folder by sequence (closed {@code .jsonl.gz} files only). */
    Map<Long, List<TrailFiles.LogName>> closedLogFiles() throws IOException {
        Map<Long, List<TrailFiles.LogName>> out = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(auditDir, "events-*")) {
            for (Path p : ds) {
                TrailFiles.LogName n = TrailFiles.parseLogName(p.getFileName().toString());
                if (n != null && Files.isRegularFile(p)) {
                    out.computeIfAbsent(n.seq(), k -> new ArrayList<>()).add(n);
                }
            }
        }
        out.values().forEach(list -> list.sort((a, b) -> a.fileName().compareTo(b.fileName())));
        return out;
    }

    private static ObjectNode object(byte[] bytes) {
        try {
            JsonNode n = TrailFiles.JSON.readTree(bytes);
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (JacksonException e) {
            // fall through
        }
        throw new IllegalArgumentException("not a JSON object");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException(field + " is absent or not a string");
        }
        return v.stringValue();
    }
}
