package io.mlgate.audit.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.mlgate.audit.integrity.DigestContent.LogFileEntry;
import io.mlgate.audit.integrity.TrailFiles.DigestName;
import io.mlgate.audit.integrity.TrailFiles.LogName;
import io.mlgate.audit.integrity.TrailState.Head;
import io.mlgate.audit.integrity.TrailState.LoadedDigest;
import io.mlgate.kms.AtomicFileWriter;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the next digest of an audit folder (docs/audit-trail.md): it covers every closed log file after the previous
 * digest's last sequence up to the given one, continues the chain from the newest digest on disk, is signed with the
 * current audit signing key, and is followed by a re-signed {@code head.json}.
 *
 * <p>Crash safety: the digest and then its {@code .sig} are each written to a temporary file, forced and linked into
 * place; the {@code .sig} is the commit point; {@code head.json} is replaced last. At the next {@link #write}, leftover
 * temporary files are deleted, a newest digest without {@code .sig} (never committed) is deleted, and a committed
 * digest newer than the head (crash before the head update) is adopted once its signature verifies and its link to the
 * head's digest holds; each repair is listed in {@link WrittenDigest#repairs()}. A head naming a digest that is not on
 * disk, or a newest digest that does not verify, stops the writer with {@link BrokenChainException} rather than
 * writing over the evidence.
 *
 * <p>One writer per folder at a time (the gateway holds {@code .writer.lock}); not to be run concurrently with
 * {@link TrailRetention}.
 */
public final class DigestWriter {

    private final Path auditDir;
    private final AuditSigningKeys keys;
    private final String accountId;
    private final Clock clock;
    private final Duration digestPeriod;

    /**
     * @param auditDir     the audit folder
     * @param keys         the signing keys ({@link AuditSigningKeys#reload()} is called before each digest)
     * @param accountId    the hosting account id ({@code awsAccountId})
     * @param clock        the time source
     * @param digestPeriod the digest period, for the head's {@code nextDigestDueTime}
     */
    public DigestWriter(Path auditDir, AuditSigningKeys keys, String accountId, Clock clock, Duration digestPeriod) {
        this.auditDir = Objects.requireNonNull(auditDir, "auditDir");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.digestPeriod = Objects.requireNonNull(digestPeriod, "digestPeriod");
        if (!accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("the account id is 12 digits");
        }
        if (digestPeriod.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("the digest period is at least 1 minute");
        }
    }

    /**
     * Writes the next digest, covering closed log files up to {@code lastClosedSequence} (the highest closed segment
     * sequence; equal to the previous digest's last for an empty digest).
     *
     * @throws IllegalArgumentException if {@code lastClosedSequence} is below what the chain already covers
     * @throws BrokenChainException     if the chain on disk cannot be continued safely
     * @throws IOException              if a file cannot be read or written
     */
    public synchronized WrittenDigest write(long lastClosedSequence) throws IOException {
        Path digestsDir = auditDir.resolve(TrailFiles.DIGESTS);
        Files.createDirectories(digestsDir);
        keys.reload();
        keys.writePublicKeys(auditDir);
        List<String> repairs = new ArrayList<>();
        TrailState state = TrailState.read(auditDir);
        for (String temp : state.temporary) {
            Files.deleteIfExists(digestsDir.resolve(temp));
            repairs.add("deleted the leftover temporary file digests/" + temp);
        }
        LoadedDigest previous = newestCommitted(state, repairs);
        long previousLast = previous == null ? 0 : lastCovered(state, previous);
        if (lastClosedSequence < previousLast) {
            throw new IllegalArgumentException("log sequence " + lastClosedSequence
                    + " is already covered (the chain is at " + previousLast + ")");
        }

        Map<Long, List<LogName>> onDisk = state.closedLogFiles();
        List<LogFileEntry> entries = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        String oldest = null;
        String newest = null;
        for (long seq = previousLast + 1; seq <= lastClosedSequence; seq++) {
            List<LogName> names = onDisk.get(seq);
            if (names == null) {
                missing.add(seq);
                continue;
            }
            LogName name = names.get(0);
            LogFileScan.Result scan = LogFileScan.scan(auditDir.resolve(name.fileName()));
            entries.add(new LogFileEntry(TrailFiles.BUCKET, name.fileName(), scan.hashValue(),
                    TrailFiles.HASH_ALGORITHM, scan.newestEventTime(), scan.oldestEventTime()));
            listed.add(name.fileName());
            oldest = earlier(oldest, scan.oldestEventTime());
            newest = later(newest, scan.newestEventTime());
        }

        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant start;
        if (previous != null) {
            start = previous.content().endTime();
        } else {
            start = now;
            for (long seq = 1; seq <= lastClosedSequence; seq++) {
                if (onDisk.containsKey(seq)) {
                    Instant created = onDisk.get(seq).get(0).created();
                    start = created.isBefore(now) ? created : now;
                    break;
                }
            }
        }
        Instant end = now.isBefore(start) ? start : now;
        long dseq = previous == null ? 1 : previous.content().mlgateDigestSequence() + 1;
        DigestName name = TrailFiles.digestName(end, dseq);
        SigningKey key = keys.current();
        boolean any = lastClosedSequence > previousLast;
        DigestContent content = new DigestContent(accountId, TrailFiles.formatTime(start),
                TrailFiles.formatTime(end), TrailFiles.BUCKET, name.relativePath(), newest, oldest,
                previous == null ? null : TrailFiles.BUCKET,
                previous == null ? null : previous.name().relativePath(),
                previous == null ? null : previous.hash(),
                previous == null ? null : TrailFiles.HASH_ALGORITHM,
                previous == null ? null : previous.signature(),
                key.fingerprint(), TrailFiles.SIGNATURE_ALGORITHM, entries, dseq,
                any ? previousLast + 1 : null, any ? lastClosedSequence : null, missing);
        byte[] json = content.toJson();
        String hash = TrailFiles.sha256Hex(json);
        String signature = TrailFiles.hex(key.sign(content.signingString(hash)));

        if (!AtomicFileWriter.createIfAbsent(digestsDir.resolve(name.fileName()), TrailFiles.gzip(json))) {
            throw new BrokenChainException(name.relativePath() + " already exists");
        }
        if (!AtomicFileWriter.createIfAbsent(digestsDir.resolve(name.sigFileName()),
                TrailState.signatureFile(signature))) {
            throw new BrokenChainException(name.relativePath() + TrailFiles.SIG_SUFFIX + " already exists");
        }
        writeHead(digestsDir, name, dseq, hash, signature, content.digestEndTime(), now, key);
        return new WrittenDigest(dseq, name.relativePath(), start, end, hash, signature, key.fingerprint(),
                content.firstLogSequence(), content.lastLogSequence(), listed, missing, repairs);
    }

    /**
     * The last log sequence the chain already covers (0 for a new chain): the smallest value {@link #write} accepts.
     *
     * @throws BrokenChainException if the chain on disk cannot be read
     */
    public synchronized long coveredSequence() throws IOException {
        TrailState state = TrailState.read(auditDir);
        if (state.digests.isEmpty()) {
            return 0;
        }
        LoadedDigest newest = state.load(state.digests.lastEntry().getValue().get(0));
        if (!newest.readable()) {
            throw new BrokenChainException(newest.name().relativePath() + " is unreadable; run mlgate audit validate");
        }
        return lastCovered(state, newest);
    }

    /** The highest sequence among the closed log files ({@code events-*.jsonl.gz}) in {@code auditDir}, or 0. */
    public static long highestClosedSequence(Path auditDir) throws IOException {
        return TrailState.read(auditDir).closedLogFiles().keySet().stream().mapToLong(Long::longValue).max()
                .orElse(0);
    }

    private void writeHead(Path digestsDir, DigestName name, long dseq, String hash, String signature,
                           String endTime, Instant now, SigningKey key) throws IOException {
        ObjectNode head = TrailFiles.JSON.createObjectNode();
        head.put("digestS3Bucket", TrailFiles.BUCKET);
        head.put("digestS3Object", name.relativePath());
        head.put("mlgateDigestSequence", dseq);
        head.put("digestHashValue", hash);
        head.put("digestHashAlgorithm", TrailFiles.HASH_ALGORITHM);
        head.put("digestSignature", signature);
        head.put("digestEndTime", endTime);
        head.put("signedTime", TrailFiles.formatTime(now));
        head.put("nextDigestDueTime", TrailFiles.formatTime(TrailFiles.parseTime(endTime).plus(digestPeriod)));
        AtomicFileWriter.replace(digestsDir.resolve(TrailFiles.HEAD), SignedJson.sign(head, key));
    }

    /**
     * The newest committed digest, after the crash repairs described on the class; null for a new chain.
     */
    private LoadedDigest newestCommitted(TrailState state, List<String> repairs) throws IOException {
        Head head;
        try {
            head = state.head();
        } catch (IllegalArgumentException e) {
            throw new BrokenChainException("digests/head.json is unreadable (" + e.getMessage()
                    + "); run mlgate audit validate");
        }
        if (state.digests.isEmpty()) {
            if (head != null) {
                throw new BrokenChainException("head.json names " + head.digestS3Object()
                        + " but digests/ holds no digest; run mlgate audit validate");
            }
            return null;
        }
        long newestSeq = state.digests.lastKey();
        List<DigestName> newestNames = state.digests.get(newestSeq);
        if (newestNames.size() != 1) {
            throw new BrokenChainException("several digests claim sequence " + newestSeq
                    + "; run mlgate audit validate");
        }
        DigestName newestName = newestNames.get(0);
        boolean headCoversNewest = head != null && head.digestSequence() >= newestSeq;
        if (!headCoversNewest && !Files.exists(state.digestsDir.resolve(newestName.sigFileName()))) {
            // written but never committed: the .sig is the commit point
            Files.delete(state.digestsDir.resolve(newestName.fileName()));
            repairs.add("deleted " + newestName.relativePath() + ", written without its signature (interrupted)");
            return newestCommitted(TrailState.read(auditDir), repairs);
        }
        LoadedDigest newest = state.load(newestName);
        if (!newest.readable() || newest.signature() == null) {
            throw new BrokenChainException(newestName.relativePath() + " is not a readable signed digest ("
                    + (newest.readable() ? newest.signatureError() : newest.readError())
                    + "); run mlgate audit validate");
        }
        if (!verifies(newest)) {
            throw new BrokenChainException(newestName.relativePath()
                    + " does not verify under the published keys; run mlgate audit validate");
        }
        if (head == null) {
            if (newest.content().starting() && newestSeq == 1) {
                repairs.add("adopted " + newestName.relativePath() + " (the first digest; head.json was not yet"
                        + " written)");
                return newest;
            }
            throw new BrokenChainException("digests/head.json is missing; run mlgate audit validate");
        }
        if (head.digestSequence() == newestSeq) {
            if (!head.hashValue().equals(newest.hash()) || !head.signature().equals(newest.signature())
                    || !head.digestS3Object().equals(newestName.relativePath())) {
                throw new BrokenChainException("head.json does not match " + newestName.relativePath()
                        + "; run mlgate audit validate");
            }
            return newest;
        }
        if (head.digestSequence() == newestSeq - 1 && head.digestS3Object().equals(
                newest.content().previousDigestS3Object())
                && head.hashValue().equals(newest.content().previousDigestHashValue())
                && head.signature().equals(newest.content().previousDigestSignature())) {
            repairs.add("adopted " + newestName.relativePath() + ", committed before head.json was updated"
                    + " (interrupted)");
            return newest;
        }
        throw new BrokenChainException("head.json names digest " + head.digestSequence() + " but the newest digest"
                + " on disk is " + newestSeq + "; run mlgate audit validate");
    }

    private boolean verifies(LoadedDigest d) {
        for (AuditPublicKey k : keys.publicKeys()) {
            if (k.fingerprint().equals(d.content().digestPublicKeyFingerprint())) {
                try {
                    return SigningKey.verify(k.toPublicKey(), d.content().signingString(d.hash()),
                            TrailFiles.unhex(d.signature()));
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** The last log sequence covered up to and including {@code digest}, looking back over empty digests. */
    private static long lastCovered(TrailState state, LoadedDigest digest) throws IOException {
        LoadedDigest d = digest;
        while (true) {
            if (d.content().lastLogSequence() != null) {
                return d.content().lastLogSequence();
            }
            if (d.content().starting()) {
                return 0;
            }
            long prevSeq = d.content().mlgateDigestSequence() - 1;
            List<DigestName> names = state.digests.get(prevSeq);
            if (names == null) {
                TrailState.Retention retention;
                try {
                    retention = state.retention();
                } catch (IllegalArgumentException e) {
                    throw new BrokenChainException("digests/retention.json is unreadable; run mlgate audit validate");
                }
                if (retention != null && retention.digests().containsKey(prevSeq)) {
                    return retention.lastLogSequence();
                }
                throw new BrokenChainException("digest " + prevSeq + " is missing; run mlgate audit validate");
            }
            d = state.load(names.get(0));
            if (!d.readable()) {
                throw new BrokenChainException(names.get(0).relativePath() + " is unreadable");
            }
        }
    }

    private static String earlier(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    private static String later(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "DigestWriter[" + auditDir + "]";
    }
}
