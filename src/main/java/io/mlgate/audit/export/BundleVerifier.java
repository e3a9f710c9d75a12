package io.mlgate.audit.export;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.mlgate.audit.export.BundleProblem.Type;

/**
 * Verifies a bundle offline, from the zip alone (and optionally a trusted public-keys file): the manifest signature
 * with the key whose fingerprint it names; every entry's SHA-256 against the manifest, with no entry missing or
 * extra; each digest's signature over CloudTrail's signing string and the links that chain the included digests
 * (sequence, previous object, hash, signature, period) up to head.json; each log file's content hash against the
 * hash its digest lists, and no log file of the range missing; and finally the events file, re-derived from the
 * included log files with the manifest's range, filters and format and compared byte for byte.
 *
 * <p>Keys: without a trusted file the bundle's own public-keys.json is used (which proves integrity but not origin:
 * whoever can write a bundle can put their key in it); with one, every key must come from the trusted file.
 *
 * <p>The bundle is extracted into a work directory: the trail part as an audit folder ({@code trail/}, log files at
 * its top, digests under {@code digests/}), which {@link BundleVerification#trailDirectory()} returns and a
 * {@link TrailCheck} (e.g. the full trail validator) can examine.
 */
public final class BundleVerifier {

    /** An extra check on the extracted trail copy; each string returned is reported as a TRAIL_CHECK problem. */
    @FunctionalInterface
    public interface TrailCheck {
        List<String> problems(Path trailDirectory) throws IOException;
    }

    private record Extracted(Path file, String sha256, long size) {
    }

    private final Path trustedKeys;
    private final TrailCheck trailCheck;
    private final long minExtractLimit;

    private BundleVerifier(Path trustedKeys, TrailCheck trailCheck) {
        this(trustedKeys, trailCheck, MIN_EXTRACT_LIMIT);
    }

    private BundleVerifier(Path trustedKeys, TrailCheck trailCheck, long minExtractLimit) {
        this.trustedKeys = trustedKeys;
        this.trailCheck = trailCheck;
        this.minExtractLimit = minExtractLimit;
    }

    /** The same verifier with a smaller floor for the extraction limit (tests of the zip-bomb guard). */
    BundleVerifier withMinExtractLimit(long bytes) {
        return new BundleVerifier(trustedKeys, trailCheck, bytes);
    }

    /** A verifier that trusts the bundle's public-keys.json and runs no extra trail check. */
    public static BundleVerifier create() {
        return new BundleVerifier(null, null);
    }

    /** The same verifier, taking every key from {@code publicKeysJson} (ListPublicKeys shape) instead. */
    public BundleVerifier withTrustedPublicKeys(Path publicKeysJson) {
        return new BundleVerifier(Objects.requireNonNull(publicKeysJson, "publicKeysJson"), trailCheck,
                minExtractLimit);
    }

    /** The same verifier, also running {@code check} on the extracted trail copy. */
    public BundleVerifier withTrailCheck(TrailCheck check) {
        return new BundleVerifier(trustedKeys, Objects.requireNonNull(check, "check"), minExtractLimit);
    }

    /**
     * Verifies {@code bundle} using a temporary work directory that is deleted afterwards
     * ({@link BundleVerification#trailDirectory()} is then null).
     *
     * @throws IOException if the bundle is not a readable zip or the trusted keys file cannot be read
     */
    public BundleVerification verify(Path bundle) throws IOException {
        Path work = Files.createTempDirectory("mlgate-bundle-");
        try {
            BundleVerification v = verify(bundle, work);
            return new BundleVerification(v.problems(), v.manifest(), null, v.logFilesChecked(), v.digestsChecked(),
                    v.eventsDerived());
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Verifies {@code bundle}, extracting it into {@code workDir} (created if needed; it must be empty), which the
     * caller deletes when done.
     *
     * @throws IOException if the bundle is not a readable zip, the work directory is not empty, or the trusted keys
     *                     file cannot be read
     */
    public BundleVerification verify(Path bundle, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir)) {
            if (ds.iterator().hasNext()) {
                throw new IOException("work directory " + workDir + " is not empty");
            }
        }
        PublicKeySet trusted = trustedKeys == null ? null : PublicKeySet.parse(Files.readAllBytes(trustedKeys));
        Path trail = workDir.resolve("trail");
        Files.createDirectories(trail.resolve("digests"));
        List<BundleProblem> problems = new ArrayList<>();
        Map<String, Extracted> entries = extract(bundle, workDir, trail, problems, minExtractLimit);

        Extracted manifestFile = entries.get(BundleLayout.MANIFEST);
        if (manifestFile == null) {
            problems.add(new BundleProblem(Type.MISSING_ENTRY, BundleLayout.MANIFEST, "the bundle has no manifest"));
            return new BundleVerification(problems, null, trail, 0, 0, 0);
        }
        byte[] manifestBytes = Files.readAllBytes(manifestFile.file());
        BundleManifest manifest;
        try {
            manifest = BundleManifest.parse(manifestBytes);
        } catch (IOException e) {
            problems.add(new BundleProblem(Type.INVALID_FORMAT, BundleLayout.MANIFEST, e.getMessage()));
            return new BundleVerification(problems, null, trail, 0, 0, 0);
        }

        PublicKeySet keys = keys(trusted, entries, problems);
        checkManifestSignature(manifest, manifestBytes, keys, entries, problems);
        checkEntries(manifest, entries, problems);
        List<TrailDigest> digests = checkDigests(entries, keys, problems);
        checkHead(entries, digests, problems);
        List<Path> derivationInputs = new ArrayList<>();
        int logs = checkLogFiles(manifest.query(), entries, digests, derivationInputs, problems);
        long derived = checkEvents(manifest, entries, derivationInputs, workDir, problems);
        if (trailCheck != null) {
            for (String p : trailCheck.problems(trail)) {
                problems.add(new BundleProblem(Type.TRAIL_CHECK, "trail", p));
            }
        }
        return new BundleVerification(problems, manifest, trail, logs, digests.size(), derived);
    }

    // ---------------------------------------------------------------- extraction

    /** A bundle may expand to at most this many times its own size ... */
    static final long MAX_EXPANSION = 200;
    /** ... or to this many bytes, whichever is more. */
    static final long MIN_EXTRACT_LIMIT = 1L << 30;

    private static Map<String, Extracted> extract(Path bundle, Path workDir, Path trail, List<BundleProblem> problems,
                                                  long minExtractLimit) throws IOException {
        Map<String, Extracted> out = new LinkedHashMap<>();
        List<String> streamed = new ArrayList<>();
        Set<String> eventFiles = Set.of(ExportFormat.JSONL.entryName(), ExportFormat.CSV.entryName(),
                ExportFormat.OCSF.entryName());
        // a zip bomb must not fill the disk: audit data compresses well, but not 200:1 over a whole bundle
        long limit = Math.max(minExtractLimit, Files.size(bundle) * MAX_EXPANSION);
        long extracted = 0;
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(bundle)))) {
            ZipEntry e;
            int other = 0;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                streamed.add(name);
                Path target;
                String trailPath = BundleLayout.trailPath(name);
                if (trailPath != null) {
                    target = trail.resolve(trailPath);
                } else if (name.equals(BundleLayout.MANIFEST) || name.equals(BundleLayout.MANIFEST_SIG)
                        || eventFiles.contains(name)) {
                    target = workDir.resolve(name);
                } else {
                    problems.add(new BundleProblem(Type.EXTRA_ENTRY, name, "not part of the bundle layout"));
                    target = workDir.resolve("unexpected-" + (++other));
                }
                if (out.containsKey(name)) {
                    problems.add(new BundleProblem(Type.EXTRA_ENTRY, name, "the zip holds this name more than once"));
                    target = workDir.resolve("duplicate-" + (++other));
                }
                MessageDigest sha = TrailJson.sha256();
                long size = 0;
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(target), 64 * 1024)) {
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while ((n = zip.read(buf)) > 0) {
                        extracted += n;
                        if (extracted > limit) {
                            throw new IOException("the bundle expands to more than " + limit
                                    + " bytes; refusing to extract it (zip bomb?)");
                        }
                        o.write(buf, 0, n);
                        sha.update(buf, 0, n);
                        size += n;
                    }
                }
                if (!out.containsKey(name)) {
                    out.put(name, new Extracted(target, TrailJson.hex(sha.digest()), size));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(bundle + " is not a zip file or is empty");
        }
        checkCentralDirectory(bundle, streamed, problems);
        return out;
    }

    /**
     * Unzip tools read the central directory, this verifier the entries in file order: a crafted zip could show
     * them different files, so both listings must name the same entries in the same order.
     */
    private static void checkCentralDirectory(Path bundle, List<String> streamed, List<BundleProblem> problems) {
        List<String> central = new ArrayList<>();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            zip.stream().forEach(e -> central.add(e.getName()));
        } catch (IOException | RuntimeException e) {
            problems.add(new BundleProblem(Type.INVALID_FORMAT, "-", "the zip's central directory cannot be read"));
            return;
        }
        if (!central.equals(streamed)) {
            problems.add(new BundleProblem(Type.EXTRA_ENTRY, "-", "the zip's central directory lists other entries "
                    + "than the zip holds"));
        }
    }

    // ---------------------------------------------------------------- manifest and entries

    private static PublicKeySet keys(PublicKeySet trusted, Map<String, Extracted> entries,
                                     List<BundleProblem> problems) throws IOException {
        if (trusted != null) {
            return trusted;
        }
        Extracted file = entries.get(BundleLayout.PUBLIC_KEYS);
        if (file == null) {
            problems.add(new BundleProblem(Type.MISSING_ENTRY, BundleLayout.PUBLIC_KEYS,
                    "no public keys in the bundle and no trusted keys file given"));
            return null;
        }
        try {
            PublicKeySet keys = PublicKeySet.parse(Files.readAllBytes(file.file()));
            for (String r : keys.rejected()) {
                problems.add(new BundleProblem(Type.INVALID_FORMAT, BundleLayout.PUBLIC_KEYS, r));
            }
            return keys;
        } catch (IOException e) {
            problems.add(new BundleProblem(Type.INVALID_FORMAT, BundleLayout.PUBLIC_KEYS, e.getMessage()));
            return null;
        }
    }

    private void checkManifestSignature(BundleManifest manifest, byte[] manifestBytes, PublicKeySet keys,
                                        Map<String, Extracted> entries, List<BundleProblem> problems)
            throws IOException {
        Extracted sigFile = entries.get(BundleLayout.MANIFEST_SIG);
        if (sigFile == null) {
            problems.add(new BundleProblem(Type.MISSING_ENTRY, BundleLayout.MANIFEST_SIG, "the manifest is unsigned"));
            return;
        }
        String signature;
        try {
            signature = RsaSignatures.readSigFile(Files.readAllBytes(sigFile.file()));
        } catch (IOException e) {
            problems.add(new BundleProblem(Type.INVALID_FORMAT, BundleLayout.MANIFEST_SIG, e.getMessage()));
            return;
        }
        Optional<PublicKey> key = keys == null ? Optional.empty() : keys.get(manifest.signingKeyFingerprint());
        if (key.isEmpty()) {
            problems.add(new BundleProblem(Type.UNKNOWN_KEY, BundleLayout.MANIFEST, "signing key "
                    + manifest.signingKeyFingerprint() + " is not among the "
                    + (trustedKeys != null ? "trusted" : "bundled") + " public keys"));
            return;
        }
        if (!RsaSignatures.verify(key.get(), manifestBytes, signature)) {
            problems.add(new BundleProblem(Type.BAD_MANIFEST_SIGNATURE, BundleLayout.MANIFEST_SIG,
                    "the signature does not verify with key " + manifest.signingKeyFingerprint()));
        }
    }

    private static void checkEntries(BundleManifest manifest, Map<String, Extracted> entries,
                                     List<BundleProblem> problems) {
        Set<String> listed = new java.util.HashSet<>();
        for (BundleManifest.Entry e : manifest.entries()) {
            if (!listed.add(e.name())) {
                problems.add(new BundleProblem(Type.INVALID_FORMAT, BundleLayout.MANIFEST,
                        "lists " + e.name() + " more than once"));
                continue;
            }
            Extracted x = entries.get(e.name());
            if (x == null) {
                problems.add(new BundleProblem(Type.MISSING_ENTRY, e.name(), "listed in the manifest, not in the zip"));
            } else if (!x.sha256().equals(e.sha256()) || x.size() != e.size()) {
                problems.add(new BundleProblem(Type.MODIFIED_ENTRY, e.name(),
                        "SHA-256 differs from the manifest's"));
            }
        }
        if (!listed.contains(manifest.query().format().entryName())) {
            problems.add(new BundleProblem(Type.MISSING_ENTRY, manifest.query().format().entryName(),
                    "the manifest does not list the events file"));
        }
        for (String name : entries.keySet()) {
            boolean inLayout = BundleLayout.trailPath(name) != null || isEventsFile(name); // others: reported
            if (inLayout && !listed.contains(name)) {
                problems.add(new BundleProblem(Type.EXTRA_ENTRY, name, "in the zip but not in the manifest"));
            }
        }
    }

    private static boolean isEventsFile(String name) {
        for (ExportFormat f : ExportFormat.values()) {
            if (f.entryName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- digests and head

    private static List<TrailDigest> checkDigests(Map<String, Extracted> entries, PublicKeySet keys,
                                                  List<BundleProblem> problems) throws IOException {
        List<TrailDigest> digests = new ArrayList<>();
        for (Map.Entry<String, Extracted> e : entries.entrySet()) {
            String name = e.getKey();
            if (TrailDigest.sequenceOf(name) < 0) {
                continue;
            }
            String signature = null;
            Extracted sig = entries.get(name + BundleLayout.SIG_SUFFIX);
            if (sig == null) {
                problems.add(new BundleProblem(Type.BAD_DIGEST_SIGNATURE, name, "no signature file"));
            } else {
                try {
                    signature = RsaSignatures.readSigFile(Files.readAllBytes(sig.file()));
                } catch (IOException x) {
                    problems.add(new BundleProblem(Type.INVALID_FORMAT, name + BundleLayout.SIG_SUFFIX,
                            x.getMessage()));
                }
            }
            TrailDigest d;
            try {
                d = TrailDigest.parse(name, Files.readAllBytes(e.getValue().file()), signature);
            } catch (IOException x) {
                problems.add(new BundleProblem(Type.INVALID_FORMAT, name, x.getMessage()));
                continue;
            }
            digests.add(d);
            if (!name.equals(d.field("digestS3Object"))) {
                problems.add(new BundleProblem(Type.CHAIN_BROKEN, name, "the digest says it is "
                        + d.field("digestS3Object")));
            }
            if (signature != null) {
                Optional<PublicKey> key = keys == null ? Optional.empty()
                        : keys.get(d.field("digestPublicKeyFingerprint"));
                if (key.isEmpty()) {
                    problems.add(new BundleProblem(Type.UNKNOWN_KEY, name, "signing key "
                            + d.field("digestPublicKeyFingerprint") + " is not among the public keys"));
                } else if (!RsaSignatures.verify(key.get(), d.signingString(), signature)) {
                    problems.add(new BundleProblem(Type.BAD_DIGEST_SIGNATURE, name,
                            "the signature does not verify over the digest's signing string"));
                }
            }
        }
        for (Map.Entry<String, Extracted> e : entries.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(BundleLayout.SIG_SUFFIX) && BundleLayout.trailPath(name) != null
                    && !entries.containsKey(name.substring(0, name.length() - BundleLayout.SIG_SUFFIX.length()))) {
                problems.add(new BundleProblem(Type.CHAIN_BROKEN, name, "a signature without its digest"));
            }
        }
        digests.sort(Comparator.comparingLong(TrailDigest::sequence));
        if (digests.isEmpty()) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, "digests/", "the bundle holds no digest"));
        }
        for (int i = 1; i < digests.size(); i++) {
            checkLink(digests.get(i - 1), digests.get(i), problems);
        }
        return digests;
    }

    private static void checkLink(TrailDigest prev, TrailDigest cur, List<BundleProblem> problems) {
        String name = cur.object();
        if (cur.sequence() != prev.sequence() + 1) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, name, "follows digest " + prev.sequence()
                    + " but has sequence " + cur.sequence() + " (a digest is missing)"));
        }
        if (!prev.object().equals(cur.field("previousDigestS3Object"))) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, name, "previousDigestS3Object is not "
                    + prev.object()));
        }
        if (!prev.sha256().equals(cur.field("previousDigestHashValue"))) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, name, "previousDigestHashValue is not the hash of "
                    + prev.object()));
        }
        if (prev.signature() != null && !prev.signature().equals(cur.field("previousDigestSignature"))) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, name, "previousDigestSignature is not the signature "
                    + "of " + prev.object()));
        }
        String start = cur.field("digestStartTime");
        if (start == null || !start.equals(prev.field("digestEndTime"))) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, name, "digestStartTime is not the end of "
                    + prev.object()));
        }
    }

    private static void checkHead(Map<String, Extracted> entries, List<TrailDigest> digests,
                                  List<BundleProblem> problems) throws IOException {
        Extracted head = entries.get(BundleLayout.HEAD);
        if (head == null || digests.isEmpty()) {
            return;
        }
        JsonNode json;
        try {
            json = TrailJson.read(Files.readAllBytes(head.file()));
        } catch (JacksonException e) {
            problems.add(new BundleProblem(Type.INVALID_FORMAT, BundleLayout.HEAD, "not JSON"));
            return;
        }
        TrailDigest newest = digests.get(digests.size() - 1);
        if (!newest.object().equals(TrailJson.text(json, "digestS3Object"))) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, BundleLayout.HEAD, "names "
                    + TrailJson.text(json, "digestS3Object") + ", not the newest included digest " + newest.object()));
        }
        JsonNode seq = json.get("mlgateDigestSequence");
        if (seq != null && seq.isIntegralNumber() && seq.longValue() != newest.sequence()) {
            problems.add(new BundleProblem(Type.CHAIN_BROKEN, BundleLayout.HEAD, "names digest sequence "
                    + seq.longValue() + ", not " + newest.sequence()));
        }
    }

    // ---------------------------------------------------------------- log files and events

    private static int checkLogFiles(ExportQuery query, Map<String, Extracted> entries, List<TrailDigest> digests,
                                     List<Path> derivationInputs, List<BundleProblem> problems) {
        Map<String, TrailDigest.LogFileRef> listed = new HashMap<>();
        for (TrailDigest d : digests) {
            for (TrailDigest.LogFileRef ref : d.logFiles()) {
                listed.putIfAbsent(ref.object(), ref);
            }
        }
        int checked = 0;
        for (Map.Entry<String, Extracted> e : entries.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(BundleLayout.LOGS)) {
                continue;
            }
            String object = name.substring(BundleLayout.LOGS.length());
            TrailDigest.LogFileRef ref = listed.get(object);
            if (ref == null) {
                problems.add(new BundleProblem(Type.INSERTED_LOG_FILE, name, "no included digest lists it"));
                continue;
            }
            checked++;
            try {
                String hash = inflatedSha256(e.getValue().file());
                if (!hash.equals(ref.hashValue())) {
                    problems.add(new BundleProblem(Type.MODIFIED_LOG_FILE, name,
                            "its content does not match the hash in its digest"));
                }
            } catch (IOException x) {
                problems.add(new BundleProblem(Type.INVALID_FORMAT, name, "not a readable gzip file"));
            }
        }
        for (TrailDigest d : digests) {
            for (TrailDigest.LogFileRef ref : d.logFiles()) {
                if (ref.oldest() == null || ref.newest() == null || !query.overlaps(ref.oldest(), ref.newest())) {
                    continue;
                }
                Extracted x = entries.get(BundleLayout.logEntry(ref.object()));
                if (x == null) {
                    problems.add(new BundleProblem(Type.MISSING_LOG_FILE, BundleLayout.logEntry(ref.object()),
                            d.object() + " lists it with records in the range"));
                } else {
                    derivationInputs.add(x.file());
                }
            }
        }
        return checked;
    }

    private static long checkEvents(BundleManifest manifest, Map<String, Extracted> entries, List<Path> inputs,
                                    Path workDir, List<BundleProblem> problems) throws IOException {
        String name = manifest.query().format().entryName();
        Path derived = workDir.resolve("derived-" + name);
        long count;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(derived), 64 * 1024)) {
            count = EventsFile.derive(inputs, manifest.query(), out);
        } catch (IOException e) {
            problems.add(new BundleProblem(Type.EVENTS_MISMATCH, name, "cannot re-derive the events: "
                    + e.getMessage()));
            return 0;
        }
        if (count != manifest.eventCount()) {
            problems.add(new BundleProblem(Type.EVENTS_MISMATCH, name, "the log files yield " + count
                    + " events, the manifest says " + manifest.eventCount()));
        }
        Extracted actual = entries.get(name);
        if (actual != null) {
            long line = firstDifferentLine(derived, actual.file());
            if (line > 0) {
                problems.add(new BundleProblem(Type.EVENTS_MISMATCH, name, "differs from the events the log "
                        + "files yield for the manifest's query, from line " + line));
            }
        }
        return count;
    }

    /** 0 when both files hold the same bytes, else the 1-based line where they first differ. */
    static long firstDifferentLine(Path a, Path b) throws IOException {
        try (InputStream x = new BufferedInputStream(Files.newInputStream(a), 64 * 1024);
             InputStream y = new BufferedInputStream(Files.newInputStream(b), 64 * 1024)) {
            long line = 1;
            while (true) {
                int p = x.read();
                int q = y.read();
                if (p != q) {
                    return line;
                }
                if (p < 0) {
                    return 0;
                }
                if (p == '\n') {
                    line++;
                }
            }
        }
    }

    private static String inflatedSha256(Path gz) throws IOException {
        MessageDigest sha = TrailJson.sha256();
        try (InputStream in = new DigestInputStream(new GZIPInputStream(
                new BufferedInputStream(Files.newInputStream(gz)), 64 * 1024), sha)) {
            byte[] buf = new byte[64 * 1024];
            while (in.read(buf) > 0) {
                // hashing
            }
        }
        return TrailJson.hex(sha.digest());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
