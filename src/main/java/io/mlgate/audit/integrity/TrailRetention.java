package io.mlgate.audit.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.mlgate.audit.integrity.DigestContent.LogFileEntry;
import io.mlgate.audit.integrity.TrailFiles.DigestName;
import io.mlgate.audit.integrity.TrailState.LoadedDigest;
import io.mlgate.audit.integrity.TrailState.RemovedDigest;
import io.mlgate.audit.integrity.TrailState.Retention;
import io.mlgate.kms.AtomicFileWriter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Removes whole digest periods (a digest and the log files it lists) older than a {@link RetentionPolicy}, oldest
 * first and never the newest digest, deleting them or moving them into an archive folder that is itself a valid
 * trail. What was removed is recorded, before anything is removed, in {@code digests/retention.json}: a cumulative,
 * self-signed document (see {@link SignedJson}) whose signature is also written to {@code retention.json.sig}. A run
 * interrupted after that record removes its leftovers at the next run. Not to be run concurrently with
 * {@link DigestWriter}.
 */
public final class TrailRetention {

    private final Path auditDir;
    private final AuditSigningKeys keys;
    private final Clock clock;

    public TrailRetention(Path auditDir, AuditSigningKeys keys, Clock clock) {
        this.auditDir = Objects.requireNonNull(auditDir, "auditDir");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Applies {@code policy} once.
     *
     * @throws BrokenChainException if retention.json does not verify or a period to remove cannot be read
     */
    public synchronized RetentionSummary apply(RetentionPolicy policy) throws IOException {
        Objects.requireNonNull(policy, "policy");
        keys.reload();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Path digestsDir = auditDir.resolve(TrailFiles.DIGESTS);
        TrailState state = TrailState.read(auditDir);
        Retention previous = verifiedRetention(state);
        List<String> leftovers = removeLeftovers(state, previous);
        if (!leftovers.isEmpty()) {
            state = TrailState.read(auditDir);
        }
        if (state.digests.size() < 2) {
            return new RetentionSummary(0, 0, null, null, null, null, null, policy.archive(), leftovers);
        }
        Instant cutoff = now.minus(policy.keep());
        long newest = state.digests.lastKey();
        List<LoadedDigest> expired = new ArrayList<>();
        for (Map.Entry<Long, List<DigestName>> e : state.digests.entrySet()) {
            if (e.getKey() == newest || e.getValue().size() != 1) {
                break;
            }
            LoadedDigest d = state.load(e.getValue().get(0));
            if (!d.readable() || d.signature() == null) {
                throw new BrokenChainException(d.name().relativePath() + " is not a readable signed digest; run"
                        + " mlgate audit validate before retention");
            }
            if (!d.content().endTime().isBefore(cutoff)) {
                break;
            }
            expired.add(d);
        }
        if (expired.isEmpty()) {
            return new RetentionSummary(0, 0, null, null, null, null, null, policy.archive(), leftovers);
        }
        if (policy.archive() != null) {
            archive(policy.archive(), expired, now);
        }
        ObjectNode run = runRecord(expired, now, policy);
        writeRecord(digestsDir, previous, run, now);
        int logsRemoved = 0;
        for (LoadedDigest d : expired) {
            for (LogFileEntry f : d.content().logFiles()) {
                if (Files.deleteIfExists(auditDir.resolve(f.s3Object()))) {
                    logsRemoved++;
                }
            }
            Files.deleteIfExists(digestsDir.resolve(d.name().fileName()));
            Files.deleteIfExists(digestsDir.resolve(d.name().sigFileName()));
        }
        JsonNode logSeq = run.path("logSequence");
        return new RetentionSummary(expired.size(), logsRemoved, expired.get(0).content().mlgateDigestSequence(),
                expired.get(expired.size() - 1).content().mlgateDigestSequence(),
                logSeq.isObject() ? logSeq.path("first").asLong() : null,
                logSeq.isObject() ? logSeq.path("last").asLong() : null,
                expired.get(expired.size() - 1).content().endTime(),
                policy.archive() == null ? null : policy.archive().toAbsolutePath(), leftovers);
    }

    private Retention verifiedRetention(TrailState state) throws IOException {
        Retention r;
        try {
            r = state.retention();
        } catch (IllegalArgumentException e) {
            throw new BrokenChainException("digests/retention.json is unreadable (" + e.getMessage()
                    + "); run mlgate audit validate");
        }
        if (r != null && !SignedJson.verify(r.json(), new PublicKeyList(keys.publicKeys()), r.signedTime()).ok()) {
            throw new BrokenChainException("digests/retention.json does not verify; run mlgate audit validate");
        }
        return r;
    }

    /** Deletes files an interrupted run recorded as removed but left behind. */
    private List<String> removeLeftovers(TrailState state, Retention r) throws IOException {
        List<String> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (String log : r.logFiles().keySet()) {
            if (TrailFiles.parseLogName(log) != null && Files.deleteIfExists(auditDir.resolve(log))) {
                out.add(log);
            }
        }
        for (RemovedDigest d : r.digests().values()) {
            DigestName name = TrailFiles.parseDigestName(d.digestS3Object().substring(
                    d.digestS3Object().indexOf('/') + 1));
            if (name == null || !d.digestS3Object().equals(name.relativePath())) {
                continue;
            }
            if (Files.deleteIfExists(state.digestsDir.resolve(name.fileName()))) {
                out.add(name.relativePath());
            }
            if (Files.deleteIfExists(state.digestsDir.resolve(name.sigFileName()))) {
                out.add(name.relativePath() + TrailFiles.SIG_SUFFIX);
            }
        }
        return out;
    }

    private static ObjectNode runRecord(List<LoadedDigest> expired, Instant now, RetentionPolicy policy) {
        ObjectNode run = TrailFiles.JSON.createObjectNode();
        run.put("time", TrailFiles.formatTime(now));
        run.put("mode", policy.archive() == null ? "delete" : "archive");
        run.put("archive", policy.archive() == null ? null : policy.archive().toAbsolutePath().toString());
        run.putObject("digestSequence")
                .put("first", expired.get(0).content().mlgateDigestSequence())
                .put("last", expired.get(expired.size() - 1).content().mlgateDigestSequence());
        Long first = null;
        Long last = null;
        ArrayNode digests = TrailFiles.JSON.createArrayNode();
        ArrayNode logs = TrailFiles.JSON.createArrayNode();
        for (LoadedDigest d : expired) {
            DigestContent c = d.content();
            if (c.firstLogSequence() != null) {
                first = first == null ? c.firstLogSequence() : first;
                last = c.lastLogSequence();
            }
            digests.addObject()
                    .put("mlgateDigestSequence", c.mlgateDigestSequence())
                    .put("digestS3Object", d.name().relativePath())
                    .put("digestStartTime", c.digestStartTime())
                    .put("digestEndTime", c.digestEndTime())
                    .put("hashValue", d.hash())
                    .put("hashAlgorithm", TrailFiles.HASH_ALGORITHM)
                    .put("signature", d.signature());
            for (LogFileEntry f : c.logFiles()) {
                logs.addObject().put("s3Object", f.s3Object()).put("hashValue", f.hashValue())
                        .put("hashAlgorithm", f.hashAlgorithm());
            }
        }
        if (first == null) {
            run.putNull("logSequence");
        } else {
            run.putObject("logSequence").put("first", first).put("last", last);
        }
        run.set("removedDigests", digests);
        run.set("removedLogFiles", logs);
        return run;
    }

    private void writeRecord(Path digestsDir, Retention previous, ObjectNode run, Instant now) throws IOException {
        ObjectNode doc = TrailFiles.JSON.createObjectNode();
        doc.put("version", 1);
        doc.put("signedTime", TrailFiles.formatTime(now));
        ArrayNode runs = doc.putArray("runs");
        if (previous != null) {
            previous.json().path("runs").forEach(runs::add);
        }
        runs.add(run);
        SigningKey key = keys.current();
        byte[] bytes = SignedJson.sign(doc, key);
        AtomicFileWriter.replace(digestsDir.resolve(TrailFiles.RETENTION), bytes);
        ObjectNode sig = TrailFiles.JSON.createObjectNode();
        sig.put("signature", doc.path(SignedJson.SIGNATURE).stringValue());
        sig.put("signatureAlgorithm", TrailFiles.SIGNATURE_ALGORITHM);
        sig.put(SignedJson.FINGERPRINT, key.fingerprint());
        AtomicFileWriter.replace(digestsDir.resolve(TrailFiles.RETENTION + TrailFiles.SIG_SUFFIX),
                TrailFiles.JSON.writeValueAsBytes(sig));
    }

    /** Links (or copies) the expired periods into {@code archive} and signs a head for them there. */
    private void archive(Path archive, List<LoadedDigest> expired, Instant now) throws IOException {
        Path archiveDigests = archive.resolve(TrailFiles.DIGESTS);
        Files.createDirectories(archiveDigests);
        Path digestsDir = auditDir.resolve(TrailFiles.DIGESTS);
        for (LoadedDigest d : expired) {
            for (LogFileEntry f : d.content().logFiles()) {
                Path source = auditDir.resolve(f.s3Object());
                if (Files.exists(source)) {
                    place(source, archive.resolve(f.s3Object()));
                }
            }
            place(digestsDir.resolve(d.name().fileName()), archiveDigests.resolve(d.name().fileName()));
            place(digestsDir.resolve(d.name().sigFileName()), archiveDigests.resolve(d.name().sigFileName()));
        }
        keys.writePublicKeys(archive);
        LoadedDigest last = expired.get(expired.size() - 1);
        ObjectNode head = TrailFiles.JSON.createObjectNode();
        head.put("digestS3Bucket", TrailFiles.BUCKET);
        head.put("digestS3Object", last.name().relativePath());
        head.put("mlgateDigestSequence", last.content().mlgateDigestSequence());
        head.put("digestHashValue", last.hash());
        head.put("digestHashAlgorithm", TrailFiles.HASH_ALGORITHM);
        head.put("digestSignature", last.signature());
        head.put("digestEndTime", last.content().digestEndTime());
        head.put("signedTime", TrailFiles.formatTime(now));
        head.putNull("nextDigestDueTime");
        AtomicFileWriter.replace(archiveDigests.resolve(TrailFiles.HEAD), SignedJson.sign(head, keys.current()));
        forceDirectory(archive);
        forceDirectory(archiveDigests);
    }

    /** Hard-links {@code source} at {@code target} (a copy, forced to disk, where links are not possible). */
    private static void place(Path source, Path target) throws IOException {
        if (Files.exists(target)) {
            if (Files.isSameFile(source, target) || Files.mismatch(source, target) == -1) {
                return;
            }
            throw new FileAlreadyExistsException(target + " exists in the archive with other content");
        }
        try {
            Files.createLink(target, source);
            return;
        } catch (UnsupportedOperationException | IOException notHere) {
            // another file system: copy below
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (InputStream in = Files.newInputStream(source);
             OutputStream out = Files.newOutputStream(temp)) {
            in.transferTo(out);
        }
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // best effort, as AtomicFileWriter
        }
    }
}
