package io.mlgate.audit.integrity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

import io.mlgate.audit.integrity.DigestContent.LogFileEntry;
import io.mlgate.audit.integrity.TrailFiles.DigestName;
import io.mlgate.audit.integrity.TrailFiles.LogName;
import io.mlgate.audit.integrity.TrailState.Head;
import io.mlgate.audit.integrity.TrailState.LoadedDigest;
import io.mlgate.audit.integrity.TrailState.RemovedDigest;
import io.mlgate.audit.integrity.TrailState.Retention;

/**
 * Validates an audit folder offline (docs/audit-trail.md, "Validation"): walks the digest chain, checks every
 * digest's signature, both directions of every link (previous hash, previous signature, times, sequences, log
 * sequence continuity), the signed head, the retention record, the optional witness, and the hash of every log file
 * listed, and accounts for every file in the folder. Unlike {@code aws cloudtrail validate-logs} it also checks the
 * previous-digest hash and signature links and detects a truncated chain through the head.
 */
public final class TrailValidator {

    private final Clock clock;

    /** A validator using the system clock (only for the stale-head remark). */
    public TrailValidator() {
        this(Clock.systemUTC());
    }

    public TrailValidator(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Validates {@code auditDir}.
     *
     * @throws IOException if the folder cannot be listed
     */
    public ValidationReport validate(Path auditDir, ValidationOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        if (!Files.isDirectory(auditDir)) {
            throw new IOException(auditDir + " is not a directory");
        }
        return new Run(auditDir, options).run();
    }

    private enum Status { AUTHENTIC, MODIFIED, BAD_SIGNATURE, UNKNOWN_KEY, INVALID_FORMAT }

    /** One digest of the chain being validated. */
    private static final class Node {
        final LoadedDigest d;
        Status status;
        boolean inRange;
        boolean signatureVerified;
        String keyProblem;

        Node(LoadedDigest d) {
            this.d = d;
        }

        long dseq() {
            return d.name().dseq();
        }

        String path() {
            return d.name().relativePath();
        }

        DigestContent c() {
            return d.content();
        }

        /** Content that can be trusted to describe the period (it may still be signed badly). */
        boolean describes() {
            return d.readable() && status != Status.MODIFIED && status != Status.INVALID_FORMAT;
        }
    }

    private final class Run {
        private final Path dir;
        private final ValidationOptions options;
        private final List<TrailProblem> problems = new ArrayList<>();
        private final Set<String> information = new LinkedHashSet<>();
        private final List<String> notYetDigested = new ArrayList<>();
        private final List<String> checkedDigests = new ArrayList<>();
        private final List<String> checkedLogFiles = new ArrayList<>();
        private PublicKeyList keys = new PublicKeyList(List.of());
        private TrailState state;
        private Head head;
        private boolean headTrusted;
        private Retention retention;
        private boolean retentionTrusted;
        private final List<Node> chain = new ArrayList<>();
        private final Set<String> coveredLogs = new HashSet<>();
        private final Map<Long, String> recordedMissing = new HashMap<>();
        /** Log sequence ranges [low, high] whose digest is missing or unreadable. */
        private final List<long[]> unverifiable = new ArrayList<>();
        private long lastDigested;
        private int digestsChecked;
        private int logFilesChecked;
        private long bytesHashed;

        Run(Path dir, ValidationOptions options) {
            this.dir = dir;
            this.options = options;
        }

        ValidationReport run() throws IOException {
            boolean keysFromFolder = loadKeys();
            state = TrailState.read(dir);
            state.unexpected.forEach(n -> problem(ProblemType.INSERTED_FILE, "digests/" + n,
                    "not a digest, signature, head or retention file"));
            state.temporary.forEach(n -> information.add("digests/" + n + " is a leftover temporary file of an"
                    + " interrupted write (the next digest removes it)"));
            loadRetention();
            loadHead();
            selectChain();
            if (!chain.isEmpty()) {
                classify();
                checkNodes();
                checkLinks();
                checkStart();
                checkHead();
            } else if (head != null) {
                problem(ProblemType.CHAIN_BROKEN, "digests/" + TrailFiles.HEAD, "names "
                        + head.digestS3Object() + " but no digest is present (truncated chain)");
            }
            checkWitness();
            hashLogFiles();
            accountLogFiles();
            return new ValidationReport(problems, List.copyOf(information), notYetDigested, digestsChecked,
                    logFilesChecked, bytesHashed, keysFromFolder, checkedDigests, checkedLogFiles);
        }

        private void problem(ProblemType type, String file, String detail) {
            problems.add(new TrailProblem(type, file, detail));
        }

        private boolean loadKeys() {
            Path file = options.publicKeys() != null ? options.publicKeys() : dir.resolve(PublicKeyList.FILE);
            boolean fromFolder = options.publicKeys() == null;
            String shown = fromFolder ? PublicKeyList.FILE : file.toString();
            try {
                keys = PublicKeyList.read(file);
            } catch (java.nio.file.NoSuchFileException e) {
                if (fromFolder && !hasDigests()) {
                    information.add("no digest has been written yet (public-keys.json comes with the first)");
                } else {
                    problem(ProblemType.INVALID_FORMAT, shown, "is missing");
                }
            } catch (IOException e) {
                problem(ProblemType.INVALID_FORMAT, shown, "cannot be read: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                problem(ProblemType.INVALID_FORMAT, shown, e.getMessage());
            }
            if (fromFolder) {
                information.add("public keys were taken from the folder's own public-keys.json: this proves the"
                        + " trail consistent, not that the keys are yours; pass --public-keys with a copy kept"
                        + " elsewhere as a trust anchor");
            }
            return fromFolder;
        }

        private boolean hasDigests() {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve(TrailFiles.DIGESTS))) {
                return ds.iterator().hasNext();
            } catch (IOException e) {
                return false;
            }
        }

        private void loadRetention() throws IOException {
            Path sigFile = state.digestsDir.resolve(TrailFiles.RETENTION + TrailFiles.SIG_SUFFIX);
            try {
                retention = state.retention();
            } catch (IllegalArgumentException e) {
                problem(ProblemType.INVALID_FORMAT, "digests/" + TrailFiles.RETENTION, e.getMessage());
                return;
            }
            if (retention == null) {
                if (Files.exists(sigFile)) {
                    problem(ProblemType.INSERTED_FILE, "digests/" + sigFile.getFileName(), "no retention.json");
                }
                return;
            }
            SignedJson.Verdict v = SignedJson.verify(retention.json(), keys, retention.signedTime());
            if (!v.ok()) {
                problem(v.problem(), "digests/" + TrailFiles.RETENTION, v.detail());
                return;
            }
            retentionTrusted = true;
            String embedded = retention.json().path(SignedJson.SIGNATURE).asString("");
            String separate = null;
            try {
                separate = TrailFiles.JSON.readTree(Files.readAllBytes(sigFile)).path("signature").asString(null);
            } catch (IOException | RuntimeException e) {
                // reported below
            }
            if (!embedded.equals(separate)) {
                information.add("digests/retention.json.sig is missing or stale (retention.json carries its own"
                        + " valid signature; the next retention run rewrites the .sig)");
            }
        }

        private void loadHead() throws IOException {
            try {
                head = state.head();
            } catch (IllegalArgumentException e) {
                problem(ProblemType.INVALID_FORMAT, "digests/" + TrailFiles.HEAD, e.getMessage());
                return;
            }
            if (head == null) {
                if (!state.digests.isEmpty()) {
                    problem(ProblemType.CHAIN_BROKEN, "digests/" + TrailFiles.HEAD,
                            "head.json is missing: the end of the chain cannot be confirmed");
                }
                return;
            }
            SignedJson.Verdict v = SignedJson.verify(head.json(), keys, head.signedTime());
            if (!v.ok()) {
                problem(v.problem(), "digests/" + TrailFiles.HEAD, v.detail());
                return;
            }
            headTrusted = true;
        }

        /** Picks one digest per sequence; reports extra files; fills {@link #chain} in sequence order. */
        private void selectChain() {
            TreeMap<Long, List<LoadedDigest>> bySeq = new TreeMap<>();
            Set<String> accountedSigs = new HashSet<>();
            for (Map.Entry<Long, List<DigestName>> e : state.digests.entrySet()) {
                for (DigestName name : e.getValue()) {
                    RemovedDigest removed = retentionTrusted ? retention.digests().get(e.getKey()) : null;
                    if (removed != null && removed.digestS3Object().equals(name.relativePath())) {
                        information.add(name.relativePath() + " was removed by retention but is still present"
                                + " (the next retention run deletes it)");
                        accountedSigs.add(name.sigFileName());
                        continue;
                    }
                    bySeq.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(state.load(name));
                }
            }
            if (bySeq.isEmpty()) {
                reportStraySignatures(accountedSigs, Set.of());
                return;
            }
            long end = bySeq.lastKey();
            if (headTrusted && end > head.digestSequence()) {
                // a digest newer than the head is accepted only as an interrupted write right after it
                for (long dseq : new ArrayList<>(bySeq.tailMap(head.digestSequence(), false).keySet())) {
                    List<LoadedDigest> extra = bySeq.get(dseq);
                    if (dseq == head.digestSequence() + 1 && extra.size() == 1 && headTrusted
                            && extendsHead(extra.get(0))) {
                        information.add(extra.get(0).name().relativePath() + " is newer than head.json (a digest"
                                + " write was interrupted before the head update; the next digest repairs it)");
                        continue;
                    }
                    for (LoadedDigest d : extra) {
                        problem(ProblemType.INSERTED_FILE, d.name().relativePath(), "digest sequence " + dseq
                                + " is beyond the chain head (" + head.digestSequence() + ") and does not extend it");
                        accountedSigs.add(d.name().sigFileName());
                    }
                    bySeq.remove(dseq);
                }
            }
            if (bySeq.isEmpty()) {
                reportStraySignatures(accountedSigs, Set.of());
                return;
            }
            String expected = headTrusted && head.digestSequence() == bySeq.lastKey() ? head.digestS3Object() : null;
            List<Node> descending = new ArrayList<>();
            for (long dseq : bySeq.descendingKeySet()) {
                List<LoadedDigest> candidates = bySeq.get(dseq);
                LoadedDigest chosen = candidates.get(0);
                for (LoadedDigest d : candidates) {
                    if (d.name().relativePath().equals(expected)) {
                        chosen = d;
                    }
                }
                for (LoadedDigest d : candidates) {
                    if (d != chosen) {
                        problem(ProblemType.INSERTED_FILE, d.name().relativePath(), "a second digest with sequence "
                                + dseq + " (the chain links to " + chosen.name().relativePath() + ")");
                        accountedSigs.add(d.name().sigFileName());
                    }
                }
                descending.add(new Node(chosen));
                accountedSigs.add(chosen.name().sigFileName());
                expected = chosen.readable() ? chosen.content().previousDigestS3Object() : null;
            }
            for (int i = descending.size() - 1; i >= 0; i--) {
                chain.add(descending.get(i));
            }
            Set<Long> present = new HashSet<>(bySeq.keySet());
            reportStraySignatures(accountedSigs, present);
        }

        private boolean extendsHead(LoadedDigest d) {
            return d.readable() && d.signature() != null && verifySignature(d) == null
                    && head.digestS3Object().equals(d.content().previousDigestS3Object())
                    && head.hashValue().equals(d.content().previousDigestHashValue())
                    && head.signature().equals(d.content().previousDigestSignature());
        }

        private void reportStraySignatures(Set<String> accounted, Set<Long> present) {
            for (String sig : state.signatureFiles) {
                if (accounted.contains(sig)) {
                    continue;
                }
                DigestName base = TrailFiles.parseDigestName(sig.substring(0, sig.length() - 4));
                if (present.contains(base.dseq()) || (headTrusted && base.dseq() > head.digestSequence())) {
                    problem(ProblemType.INSERTED_FILE, "digests/" + sig, "a signature without its digest");
                }
                // otherwise the signature of a missing digest: reported as MISSING_DIGEST
            }
        }

        /** Null when the digest's signature verifies under a published key valid at its end time. */
        private String verifySignature(LoadedDigest d) {
            AuditPublicKey key = keys.find(d.content().digestPublicKeyFingerprint()).orElse(null);
            if (key == null) {
                return "UNKNOWN_KEY:signed by key " + d.content().digestPublicKeyFingerprint()
                        + ", which is not published";
            }
            if (!key.validAt(d.content().endTime())) {
                return "UNKNOWN_KEY:signed at " + d.content().digestEndTime() + " by key " + key.fingerprint()
                        + ", outside its validity";
            }
            if (!TrailFiles.SIGNATURE_ALGORITHM.equals(d.content().digestSignatureAlgorithm())) {
                return "BAD_SIGNATURE:unsupported signature algorithm " + d.content().digestSignatureAlgorithm();
            }
            try {
                if (SigningKey.verify(key.toPublicKey(), d.content().signingString(d.hash()),
                        TrailFiles.unhex(d.signature()))) {
                    return null;
                }
            } catch (IllegalArgumentException e) {
                return "BAD_SIGNATURE:the signature is not hex";
            }
            return "BAD_SIGNATURE:signature verification failed";
        }

        /** Decides each node's status, newest first, using the successor's (or head's) record of it. */
        private void classify() {
            for (int i = chain.size() - 1; i >= 0; i--) {
                Node n = chain.get(i);
                Node next = i + 1 < chain.size() ? chain.get(i + 1) : null;
                String recordHash = null;
                String recordSig = null;
                if (next != null && next.dseq() == n.dseq() + 1 && next.status == Status.AUTHENTIC) {
                    recordHash = next.c().previousDigestHashValue();
                    recordSig = next.c().previousDigestSignature();
                } else if (next == null && headTrusted && head.digestSequence() == n.dseq()) {
                    recordHash = head.hashValue();
                    recordSig = head.signature();
                } else if (next != null && headTrusted && head.digestSequence() == n.dseq()
                        && next.dseq() == n.dseq() + 1) {
                    recordHash = head.hashValue();
                    recordSig = head.signature();
                }
                boolean hashDiffers = recordHash != null && !recordHash.equals(n.d.hash());
                if (!n.d.readable()) {
                    n.status = n.d.formatError() && recordHash != null && !hashDiffers
                            ? Status.INVALID_FORMAT : Status.MODIFIED;
                    continue;
                }
                if (n.d.signature() == null) {
                    n.status = hashDiffers ? Status.MODIFIED : Status.BAD_SIGNATURE;
                    n.keyProblem = n.d.signatureError();
                    continue;
                }
                String failure = verifySignature(n.d);
                if (failure == null) {
                    n.status = Status.AUTHENTIC;
                    n.signatureVerified = true;
                } else if (failure.startsWith("UNKNOWN_KEY:")) {
                    n.status = hashDiffers ? Status.MODIFIED : Status.UNKNOWN_KEY;
                    n.keyProblem = failure.substring("UNKNOWN_KEY:".length());
                } else {
                    boolean sigIsOriginal = recordSig != null && recordSig.equals(n.d.signature());
                    n.status = hashDiffers && (sigIsOriginal || recordSig == null) ? Status.MODIFIED
                            : Status.BAD_SIGNATURE;
                    n.keyProblem = failure.substring("BAD_SIGNATURE:".length());
                }
            }
            for (int i = 0; i < chain.size(); i++) {
                Node n = chain.get(i);
                Instant end = n.d.readable() ? n.c().endTime() : n.d.name().endTime();
                Instant start = n.d.readable() ? n.c().startTime()
                        : i > 0 && chain.get(i - 1).d.readable() ? chain.get(i - 1).c().endTime() : end;
                n.inRange = options.overlaps(start, end);
            }
        }

        private void checkNodes() {
            for (Node n : chain) {
                if (n.d.readable() && n.c().lastLogSequence() != null) {
                    lastDigested = Math.max(lastDigested, n.c().lastLogSequence());
                }
                if (!n.inRange) {
                    continue;
                }
                digestsChecked++;
                checkedDigests.add(n.path());
                switch (n.status) {
                    case MODIFIED -> problem(ProblemType.MODIFIED_DIGEST, n.path(), n.d.readable()
                            ? "its content no longer matches its signature" + (n.keyProblem == null ? ""
                            : " (" + n.keyProblem + ")")
                            : "not a readable digest (" + n.d.readError() + ")");
                    case INVALID_FORMAT -> problem(ProblemType.INVALID_FORMAT, n.path(), n.d.readError());
                    case BAD_SIGNATURE -> problem(ProblemType.BAD_SIGNATURE, n.path(), n.keyProblem);
                    case UNKNOWN_KEY -> problem(ProblemType.UNKNOWN_KEY, n.path(), n.keyProblem);
                    case AUTHENTIC -> { }
                    default -> throw new IllegalStateException();
                }
                if (!n.describes()) {
                    continue;
                }
                DigestContent c = n.c();
                if (!TrailFiles.BUCKET.equals(c.digestS3Bucket()) || !n.path().equals(c.digestS3Object())
                        || c.mlgateDigestSequence() != n.dseq()
                        || !n.d.name().endTime().equals(c.endTime())) {
                    problem(ProblemType.CHAIN_BROKEN, n.path(), "the digest says it is " + c.digestS3Bucket() + "/"
                            + c.digestS3Object() + " (sequence " + c.mlgateDigestSequence()
                            + "): it was moved from its original location");
                }
                checkContentFormat(n);
            }
        }

        private void checkContentFormat(Node n) {
            DigestContent c = n.c();
            List<String> errors = new ArrayList<>();
            long previousSeq = Long.MIN_VALUE;
            Set<Long> seen = new HashSet<>();
            for (LogFileEntry f : c.logFiles()) {
                LogName ln = TrailFiles.parseLogName(f.s3Object());
                if (ln == null || !TrailFiles.BUCKET.equals(f.s3Bucket())
                        || !TrailFiles.HASH_ALGORITHM.equals(f.hashAlgorithm())
                        || !f.hashValue().matches("[0-9a-f]{64}")) {
                    errors.add("log file entry " + f.s3Object() + " is not a closed log file with a SHA-256 hash");
                    continue;
                }
                if (ln.seq() <= previousSeq) {
                    errors.add("logFiles are not in sequence order at " + f.s3Object());
                }
                previousSeq = ln.seq();
                seen.add(ln.seq());
            }
            if (c.firstLogSequence() == null) {
                if (!c.logFiles().isEmpty() || !c.mlgateMissingLogFiles().isEmpty()) {
                    errors.add("lists log files but has no mlgateLogSequence");
                }
            } else {
                for (long m : c.mlgateMissingLogFiles()) {
                    if (!seen.add(m)) {
                        errors.add("log sequence " + m + " is both listed and missing");
                    }
                }
                for (long s : seen) {
                    if (s < c.firstLogSequence() || s > c.lastLogSequence()) {
                        errors.add("log sequence " + s + " is outside mlgateLogSequence");
                    }
                }
                if (seen.size() != c.lastLogSequence() - c.firstLogSequence() + 1) {
                    errors.add("mlgateLogSequence " + c.firstLogSequence() + ".." + c.lastLogSequence()
                            + " is not exactly covered by logFiles and mlgateMissingLogFiles");
                }
            }
            if (!errors.isEmpty()) {
                problem(ProblemType.INVALID_FORMAT, n.path(), String.join("; ", errors));
            }
        }

        private void checkLinks() {
            for (int i = 1; i < chain.size(); i++) {
                Node p = chain.get(i - 1);
                Node d = chain.get(i);
                if (!p.inRange && !d.inRange) {
                    continue;
                }
                if (d.dseq() != p.dseq() + 1) {
                    for (long k = p.dseq() + 1; k < d.dseq(); k++) {
                        String file = k == d.dseq() - 1 && d.describes() && d.c().previousDigestS3Object() != null
                                ? d.c().previousDigestS3Object() : "digests/(digest sequence " + k + ")";
                        problem(ProblemType.MISSING_DIGEST, file, "digest " + k + " of the chain is missing");
                    }
                    continue;
                }
                if (!d.describes() || !p.d.readable()) {
                    Node outside = !d.inRange && !d.describes() ? d : !p.inRange && !p.d.readable() ? p : null;
                    if (outside != null) {
                        problem(ProblemType.CHAIN_BROKEN, outside.path(), "just outside the range, it is not an"
                                + " authentic digest: the link at the range edge cannot be confirmed");
                    }
                    continue;
                }
                DigestContent c = d.c();
                if (c.starting()) {
                    problem(ProblemType.CHAIN_BROKEN, d.path(), "starts a new chain after " + p.path());
                    continue;
                }
                if (!TrailFiles.BUCKET.equals(c.previousDigestS3Bucket())
                        || !p.path().equals(c.previousDigestS3Object())) {
                    problem(ProblemType.CHAIN_BROKEN, d.path(), "links to " + c.previousDigestS3Object()
                            + " but the previous digest is " + p.path());
                }
                if (!TrailFiles.HASH_ALGORITHM.equals(c.previousDigestHashAlgorithm())) {
                    problem(ProblemType.INVALID_FORMAT, d.path(), "previousDigestHashAlgorithm is not SHA-256");
                }
                if (!(p.inRange && p.status == Status.MODIFIED) && !p.d.hash().equals(c.previousDigestHashValue())) {
                    problem(ProblemType.CHAIN_BROKEN, d.path(), "previousDigestHashValue is not the hash of "
                            + p.path());
                }
                if (!(p.inRange && p.status == Status.BAD_SIGNATURE) && p.d.signature() != null
                        && !p.d.signature().equals(c.previousDigestSignature())) {
                    problem(ProblemType.CHAIN_BROKEN, d.path(), "previousDigestSignature is not the signature of "
                            + p.path());
                }
                if (p.describes() && !p.c().digestEndTime().equals(c.digestStartTime())) {
                    problem(ProblemType.CHAIN_BROKEN, d.path(), "starts at " + c.digestStartTime() + " but "
                            + p.path() + " ends at " + p.c().digestEndTime());
                }
            }
            checkLogSequence();
        }

        /** mlgateLogSequence continuity along the chain; records ranges whose digest is missing or unreadable. */
        private void checkLogSequence() {
            long lastKnown = initialLogSequence();
            boolean uncertain = lastKnown < 0;
            lastKnown = Math.max(lastKnown, 0);
            long previousDseq = -1;
            for (Node n : chain) {
                boolean gap = previousDseq >= 0 && n.dseq() != previousDseq + 1;
                previousDseq = n.dseq();
                if (gap || !n.describes()) {
                    uncertain = true;
                }
                if (!n.describes()) {
                    if (n.d.readable()) {
                        n.c().logFiles().forEach(f -> coveredLogs.add(f.s3Object()));
                        if (n.inRange && !n.c().logFiles().isEmpty()) {
                            information.add(n.c().logFiles().size() + " log files listed by " + n.path()
                                    + " were not checked, as that digest is not authentic");
                        }
                    }
                    continue;
                }
                Long first = n.c().firstLogSequence();
                if (first == null) {
                    continue;
                }
                if (uncertain) {
                    if (first > lastKnown + 1) {
                        unverifiable.add(new long[] {lastKnown + 1, first - 1});
                    }
                    uncertain = false;
                } else if (first != lastKnown + 1 && n.inRange) {
                    problem(ProblemType.CHAIN_BROKEN, n.path(), "its log sequence starts at " + first
                            + ", not right after " + lastKnown);
                }
                lastKnown = Math.max(lastKnown, n.c().lastLogSequence());
            }
            if (uncertain) {
                unverifiable.add(new long[] {lastKnown + 1, Long.MAX_VALUE});
            }
        }

        /** The log sequence covered before the chain's first digest, or -1 when unknown. */
        private long initialLogSequence() {
            Node first = chain.get(0);
            if (!first.describes()) {
                return -1;
            }
            if (first.c().starting()) {
                return first.dseq() == 1 ? 0 : -1;
            }
            RemovedDigest r = retentionTrusted ? retention.digests().get(first.dseq() - 1) : null;
            return r != null ? retention.lastLogSequence() : -1;
        }

        private void checkStart() {
            Node first = chain.get(0);
            if (!first.inRange || !first.describes()) {
                return;
            }
            DigestContent c = first.c();
            if (c.starting()) {
                if (first.dseq() != 1) {
                    problem(ProblemType.CHAIN_BROKEN, first.path(), "starts a chain at sequence " + first.dseq());
                }
                return;
            }
            long previous = first.dseq() - 1;
            RemovedDigest r = retentionTrusted ? retention.digests().get(previous) : null;
            if (r == null) {
                problem(ProblemType.MISSING_DIGEST, c.previousDigestS3Object() == null
                        ? "digests/(digest sequence " + previous + ")" : c.previousDigestS3Object(),
                        "the digest before " + first.path() + " is missing and not recorded as removed by"
                                + " retention");
                return;
            }
            if (!r.digestS3Object().equals(c.previousDigestS3Object()) || !r.hashValue().equals(
                    c.previousDigestHashValue()) || !r.signature().equals(c.previousDigestSignature())
                    || !r.digestEndTime().equals(c.digestStartTime())) {
                problem(ProblemType.CHAIN_BROKEN, first.path(), "its link does not match the digest retention.json"
                        + " records as removed (" + r.digestS3Object() + ")");
                return;
            }
            information.add("the chain begins after retention: digests up to " + r.digestS3Object()
                    + " (sequence " + previous + ") and log files up to sequence " + retention.lastLogSequence()
                    + " were removed as recorded in digests/retention.json");
        }

        private void checkHead() {
            if (head == null || !headTrusted) {
                return;
            }
            Node end = chain.get(chain.size() - 1);
            Node named = null;
            for (Node n : chain) {
                if (n.dseq() == head.digestSequence()) {
                    named = n;
                }
            }
            if (!end.inRange && (named == null || !named.inRange) && head.digestSequence() <= end.dseq()) {
                return;
            }
            String file = "digests/" + TrailFiles.HEAD;
            if (named == null) {
                problem(ProblemType.CHAIN_BROKEN, file, "names " + head.digestS3Object() + " (sequence "
                        + head.digestSequence() + ") but the chain ends at " + end.path() + " (truncated chain)");
                return;
            }
            if (!head.digestS3Object().equals(named.path())) {
                problem(ProblemType.CHAIN_BROKEN, file, "names " + head.digestS3Object() + " but digest "
                        + named.dseq() + " is " + named.path());
            }
            if (named.status != Status.MODIFIED && named.d.hash() != null
                    && !head.hashValue().equals(named.d.hash())) {
                problem(ProblemType.CHAIN_BROKEN, file, "its hash of " + named.path() + " does not match");
            }
            if (named.status != Status.BAD_SIGNATURE && named.d.signature() != null
                    && !head.signature().equals(named.d.signature())) {
                problem(ProblemType.CHAIN_BROKEN, file, "its signature of " + named.path() + " does not match");
            }
            if (named.describes() && !head.digestEndTime().equals(named.c().digestEndTime())) {
                problem(ProblemType.CHAIN_BROKEN, file, "its digestEndTime does not match " + named.path());
            }
            if (head.nextDigestDueTime() != null) {
                try {
                    Instant due = TrailFiles.parseTime(head.nextDigestDueTime());
                    Instant signed = head.signedTime();
                    if (clock.instant().isAfter(due.plus(java.time.Duration.between(signed, due)))) {
                        information.add("head.json is stale (the next digest was due at " + head.nextDigestDueTime()
                                + "): the gateway is stopped, or newer digests were removed and the head rolled"
                                + " back; validate with a witness to tell");
                    }
                } catch (IllegalArgumentException e) {
                    problem(ProblemType.INVALID_FORMAT, file, "nextDigestDueTime is not a time");
                }
            }
        }

        private void checkWitness() {
            Witness w = options.witness();
            if (w == null) {
                return;
            }
            for (Node n : chain) {
                if (n.dseq() == w.digestSequence()) {
                    if (!w.hashValue().equals(n.d.hash()) || !n.d.name().endTime().equals(w.digestEndTime())) {
                        problem(ProblemType.CHAIN_BROKEN, n.path(), "differs from the witness " + w.value());
                    } else {
                        information.add("the witness " + w.value() + " matches " + n.path());
                    }
                    return;
                }
            }
            RemovedDigest r = retentionTrusted ? retention.digests().get(w.digestSequence()) : null;
            if (r != null && r.hashValue().equals(w.hashValue())
                    && r.digestEndTime().equals(TrailFiles.formatTime(w.digestEndTime()))) {
                information.add("the witness digest " + r.digestS3Object() + " was removed by retention with a"
                        + " matching hash");
                return;
            }
            problem(ProblemType.CHAIN_BROKEN, "digests/", "the witness " + w.value() + " names a digest that is"
                    + " not in the chain (truncated or rolled back)");
        }

        private void hashLogFiles() throws IOException {
            record Task(Node digest, LogFileEntry entry, Path file) {
            }
            List<Task> tasks = new ArrayList<>();
            for (Node n : chain) {
                if (!n.describes()) {
                    continue;
                }
                for (LogFileEntry f : n.c().logFiles()) {
                    coveredLogs.add(f.s3Object());
                    if (!n.inRange) {
                        continue;
                    }
                    if (TrailFiles.parseLogName(f.s3Object()) == null) {
                        continue; // reported as INVALID_FORMAT
                    }
                    Path file = dir.resolve(f.s3Object());
                    if (!Files.isRegularFile(file)) {
                        problem(ProblemType.MISSING_LOG_FILE, f.s3Object(), "listed by " + n.path());
                        continue;
                    }
                    tasks.add(new Task(n, f, file));
                }
                n.c().mlgateMissingLogFiles().forEach(m -> recordedMissing.put(m, n.path()));
            }
            record Outcome(Task task, LogFileScan.Result result, String error) {
            }
            List<Outcome> outcomes;
            ForkJoinPool pool = new ForkJoinPool(options.parallelism());
            try {
                outcomes = pool.submit(() -> tasks.parallelStream().map(t -> {
                    try {
                        return new Outcome(t, LogFileScan.hash(t.file()), null);
                    } catch (IOException e) {
                        return new Outcome(t, null, e.getMessage());
                    }
                }).toList()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("validation interrupted");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof UncheckedIOException u ? u.getCause()
                        : new IOException("hashing failed", e.getCause());
            } finally {
                pool.shutdown();
            }
            for (Outcome o : outcomes) {
                logFilesChecked++;
                checkedLogFiles.add(o.task().entry().s3Object());
                if (o.error() != null) {
                    problem(ProblemType.MODIFIED_LOG_FILE, o.task().entry().s3Object(), "not readable gzip ("
                            + o.error() + "), listed by " + o.task().digest().path());
                    continue;
                }
                bytesHashed += o.result().bytes();
                if (!o.result().hashValue().equals(o.task().entry().hashValue())) {
                    problem(ProblemType.MODIFIED_LOG_FILE, o.task().entry().s3Object(), "its hash does not match "
                            + o.task().digest().path());
                }
            }
        }

        private void accountLogFiles() throws IOException {
            long low = Long.MIN_VALUE;
            long high = Long.MAX_VALUE;
            boolean newestInRange = chain.isEmpty() || chain.get(chain.size() - 1).inRange;
            if (options.ranged()) {
                low = Long.MAX_VALUE;
                high = Long.MIN_VALUE;
                for (Node n : chain) {
                    if (n.inRange && n.d.readable() && n.c().firstLogSequence() != null) {
                        low = Math.min(low, n.c().firstLogSequence());
                        high = Math.max(high, n.c().lastLogSequence());
                    }
                }
            }
            long digested = Math.max(lastDigested, retentionTrusted ? retention.lastLogSequence() : 0);
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "events-*")) {
                ds.forEach(p -> names.add(p.getFileName().toString()));
            }
            names.sort(null);
            for (String name : names) {
                LogName closed = TrailFiles.parseLogName(name);
                LogName open = closed == null ? TrailFiles.parseOpenLogName(name) : null;
                if (closed == null && open == null) {
                    if (name.endsWith(".jsonl.gz.tmp")
                            && TrailFiles.parseLogName(name.substring(0, name.length() - 4)) != null) {
                        information.add(name + " is a segment being compressed (or left by a crash)");
                    } else {
                        problem(ProblemType.INSERTED_FILE, name, "not a log file name");
                    }
                    continue;
                }
                LogName ln = closed != null ? closed : open;
                if (closed != null && coveredLogs.contains(name)) {
                    continue;
                }
                if (ln.seq() > digested) {
                    if (newestInRange) {
                        notYetDigested.add(name);
                    }
                    continue;
                }
                if (ln.seq() < low || ln.seq() > high) {
                    continue;
                }
                if (closed != null && retentionTrusted && retention.logFiles().containsKey(name)) {
                    information.add(name + " was removed by retention but is still present (the next retention run"
                            + " deletes it)");
                    continue;
                }
                if (closed != null && inUnverifiable(ln.seq())) {
                    information.add(name + " cannot be checked: the digest covering it is missing or unreadable");
                    continue;
                }
                String missingIn = recordedMissing.get(ln.seq());
                problem(ProblemType.INSERTED_FILE, name, missingIn != null
                        ? "log sequence " + ln.seq() + " was absent when " + missingIn + " was written"
                        : "log sequence " + ln.seq() + " is digested but no digest lists this file");
            }
        }

        private boolean inUnverifiable(long seq) {
            for (long[] r : unverifiable) {
                if (seq >= r[0] && seq <= r[1]) {
                    return true;
                }
            }
            return false;
        }
    }
}
