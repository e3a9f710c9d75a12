package io.mlgate.audit.export;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import tools.jackson.core.JacksonException;

/**
 * Writes compliance bundles from an audit folder (docs/audit-trail.md): a zip holding the derived events file of a
 * query, the log files that may hold its records (copied byte for byte, under {@code logs/}), the digests and
 * {@code .sig} files that list them and every later digest up to the chain head (plus {@code digests/head.json}),
 * {@code public-keys.json}, and {@code manifest.json} with the SHA-256 of every entry, signed into
 * {@code manifest.sig} with the audit signing key.
 *
 * <p>Only log files listed by a digest are exported: records not yet covered by a digest cannot be proven and are
 * reported in {@link ExportPlan#notYetDigested()}. Log files are streamed once: the compressed bytes go to the zip
 * while their inflated lines feed the events file (a temporary file next to the bundle), so no file is held in
 * memory. A log file whose content does not match the hash its digest lists stops the export. The bundle is written
 * to a temporary file and moved into place at the end; an existing file at the destination is replaced.
 */
public final class BundleWriter {

    private static final Pattern SEGMENT = Pattern.compile("events-\\d{8}T\\d{6}Z-(\\d{6,18})\\.jsonl(\\.gz)?");

    private final Path auditDir;
    private final BundleSigningKey signingKey;
    private final Clock clock;

    private BundleWriter(Path auditDir, BundleSigningKey signingKey, Clock clock) {
        this.auditDir = auditDir;
        this.signingKey = signingKey;
        this.clock = clock;
    }

    /**
     * @param auditDir   the audit folder (holding events-*.jsonl.gz, digests/, public-keys.json)
     * @param signingKey the current audit signing key; its public half must be in the folder's public-keys.json
     * @param clock      gives the manifest's creation time (the only clock reading in a bundle)
     */
    public static BundleWriter of(Path auditDir, BundleSigningKey signingKey, Clock clock) {
        return new BundleWriter(Objects.requireNonNull(auditDir, "auditDir"),
                Objects.requireNonNull(signingKey, "signingKey"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Decides what a bundle for {@code query} holds, reading only the digests and file sizes.
     *
     * @throws IOException if the folder has no digest yet, a digest or its signature file is missing or malformed,
     *                     head.json names a digest that is not there, a listed log file is missing, or the signing
     *                     key is not published in public-keys.json
     */
    public ExportPlan plan(ExportQuery query) throws IOException {
        Objects.requireNonNull(query, "query");
        publishedKey();
        List<TrailDigest> all = readDigests();
        if (all.isEmpty()) {
            throw new IOException("the audit folder " + auditDir + " has no digest yet: run `audit digest --now` "
                    + "before exporting");
        }
        int last = all.size() - 1;
        Path headFile = auditDir.resolve(BundleLayout.HEAD);
        boolean head = Files.isRegularFile(headFile);
        if (head) {
            String named;
            try {
                named = TrailJson.text(TrailJson.read(Files.readAllBytes(headFile)), "digestS3Object");
            } catch (JacksonException e) {
                throw new IOException("digests/head.json is not JSON: run `audit validate`");
            }
            int at = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).object().equals(named)) {
                    at = i;
                }
            }
            if (at < 0) {
                throw new IOException("digests/head.json names a digest that is not in the folder: run "
                        + "`audit validate`");
            }
            last = at;
        }
        List<TrailDigest.LogFileRef> selected = new ArrayList<>();
        int first = -1;
        long highestListed = 0;
        for (int i = 0; i <= last; i++) {
            for (TrailDigest.LogFileRef ref : all.get(i).logFiles()) {
                highestListed = Math.max(highestListed, segmentSequence(ref.object()));
                if (ref.oldest() != null && ref.newest() != null && query.overlaps(ref.oldest(), ref.newest())) {
                    selected.add(ref);
                    if (first < 0) {
                        first = i;
                    }
                }
            }
        }
        if (first < 0) {
            first = last;
            for (int i = 0; i <= last; i++) {
                Instant end = all.get(i).endTime();
                if (end != null && !end.isBefore(query.from())) {
                    first = i;
                    break;
                }
            }
        }
        long total = 0;
        for (TrailDigest.LogFileRef ref : selected) {
            try {
                total += Files.size(auditDir.resolve(ref.object()));
            } catch (NoSuchFileException e) {
                throw new IOException("log file " + ref.object() + " listed in a digest is missing: run "
                        + "`audit validate`");
            }
        }
        return new ExportPlan(query, selected, all.subList(first, last + 1), head, total,
                notYetDigested(highestListed));
    }

    /** Plans and writes in one call; see {@link #plan} and {@link #write(ExportPlan, Path, LongConsumer)}. */
    public ExportSummary write(ExportQuery query, Path bundle, LongConsumer progress) throws IOException {
        return write(plan(query), bundle, progress);
    }

    /**
     * Writes the bundle of {@code plan} to {@code bundle}.
     *
     * @param progress receives the cumulative number of log bytes read so far (up to {@link ExportPlan#totalBytes()})
     * @throws IOException if a file cannot be read or written, a log file does not match its digest, or a log line
     *                     is not a CloudTrail record; no bundle is left behind then
     */
    public ExportSummary write(ExportPlan plan, Path bundle, LongConsumer progress) throws IOException {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(progress, "progress");
        ExportQuery query = plan.query();
        Path target = bundle.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmpZip = Files.createTempFile(dir, ".bundle-", ".zip.tmp");
        Path tmpEvents = Files.createTempFile(dir, ".bundle-", ".events.tmp");
        Instant created = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<BundleManifest.Entry> entries = new ArrayList<>();
        long[] processed = {0};
        long count;
        String manifestSha;
        try {
            try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmpZip),
                    64 * 1024))) {
                try (OutputStream events = new BufferedOutputStream(Files.newOutputStream(tmpEvents), 64 * 1024)) {
                    EventsFile derived = EventsFile.start(query, events);
                    zip.setLevel(Deflater.NO_COMPRESSION); // log files are gzip already
                    for (TrailDigest.LogFileRef ref : plan.logFileRefs()) {
                        entries.add(copyLog(ref, zip, created, derived, processed, progress));
                    }
                    count = derived.finish();
                }
                zip.setLevel(Deflater.DEFAULT_COMPRESSION);
                entries.add(copyFile(tmpEvents, query.format().entryName(), zip, created));
                for (TrailDigest d : plan.digestFiles()) {
                    entries.add(copyFile(auditDir.resolve(d.object()), d.object(), zip, created));
                    String sig = d.object() + BundleLayout.SIG_SUFFIX;
                    entries.add(copyFile(auditDir.resolve(sig), sig, zip, created));
                }
                if (plan.hasHead()) {
                    entries.add(copyFile(auditDir.resolve(BundleLayout.HEAD), BundleLayout.HEAD, zip, created));
                }
                entries.add(copyFile(auditDir.resolve(BundleLayout.PUBLIC_KEYS), BundleLayout.PUBLIC_KEYS, zip,
                        created));
                BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT_VERSION, created, query, count,
                        signingKey.fingerprint(), entries);
                byte[] manifestBytes = manifest.toJson();
                byte[] signature = signingKey.sign(manifestBytes);
                if (!RsaSignatures.verify(publishedKey(), manifestBytes, TrailJson.hex(signature))) {
                    throw new IOException("the signing key does not match the public key published with fingerprint "
                            + signingKey.fingerprint());
                }
                put(zip, BundleLayout.MANIFEST, manifestBytes, created);
                put(zip, BundleLayout.MANIFEST_SIG, RsaSignatures.sigFile(signature), created);
                manifestSha = TrailJson.sha256Hex(manifestBytes);
            }
            Files.move(tmpZip, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmpEvents);
            Files.deleteIfExists(tmpZip);
        }
        return new ExportSummary(target, query, count, plan.logFiles(), plan.digests(), processed[0],
                plan.notYetDigested(), manifestSha);
    }

    private BundleManifest.Entry copyLog(TrailDigest.LogFileRef ref, ZipOutputStream zip, Instant created,
                                         EventsFile derived, long[] processed, LongConsumer progress)
            throws IOException {
        String name = BundleLayout.logEntry(ref.object());
        zip.putNextEntry(entry(name, created));
        MessageDigest compressed = TrailJson.sha256();
        MessageDigest inflated = TrailJson.sha256();
        long size;
        try (CopyingInput tee = new CopyingInput(Files.newInputStream(auditDir.resolve(ref.object())), zip,
                compressed, n -> {
                    processed[0] += n;
                    progress.accept(processed[0]);
                });
             InputStream lines = new DigestInputStream(new GZIPInputStream(tee, 64 * 1024), inflated)) {
            derived.beginFile(ref.object());
            LogLines.forEach(lines, derived::line);
            tee.drain();
            size = tee.copied;
        }
        zip.closeEntry();
        if (!TrailJson.hex(inflated.digest()).equals(ref.hashValue())) {
            throw new IOException("log file " + ref.object() + " does not match the hash its digest lists: run "
                    + "`audit validate`");
        }
        return new BundleManifest.Entry(name, TrailJson.hex(compressed.digest()), size);
    }

    private static BundleManifest.Entry copyFile(Path file, String name, ZipOutputStream zip, Instant created)
            throws IOException {
        zip.putNextEntry(entry(name, created));
        MessageDigest sha = TrailJson.sha256();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                zip.write(buf, 0, n);
                sha.update(buf, 0, n);
                size += n;
            }
        } catch (NoSuchFileException e) {
            throw new IOException(name + " is missing from the audit folder");
        }
        zip.closeEntry();
        return new BundleManifest.Entry(name, TrailJson.hex(sha.digest()), size);
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes, Instant created) throws IOException {
        zip.putNextEntry(entry(name, created));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static ZipEntry entry(String name, Instant created) {
        ZipEntry e = new ZipEntry(name);
        e.setTime(created.toEpochMilli());
        return e;
    }

    private PublicKey publishedKey() throws IOException {
        byte[] json;
        try {
            json = Files.readAllBytes(auditDir.resolve(BundleLayout.PUBLIC_KEYS));
        } catch (NoSuchFileException e) {
            throw new IOException("the audit folder " + auditDir + " has no public-keys.json");
        }
        return PublicKeySet.parse(json).get(signingKey.fingerprint()).orElseThrow(() -> new IOException(
                "the signing key " + signingKey.fingerprint() + " is not published in public-keys.json"));
    }

    private List<TrailDigest> readDigests() throws IOException {
        Path digests = auditDir.resolve("digests");
        List<TrailDigest> out = new ArrayList<>();
        if (!Files.isDirectory(digests)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(digests, "digest-*.json.gz")) {
            for (Path p : ds) {
                String object = "digests/" + p.getFileName();
                if (TrailDigest.sequenceOf(object) < 0) {
                    continue;
                }
                Path sig = digests.resolve(p.getFileName() + BundleLayout.SIG_SUFFIX);
                if (!Files.isRegularFile(sig)) {
                    throw new IOException(object + " has no signature file: run `audit validate`");
                }
                out.add(TrailDigest.parse(object, Files.readAllBytes(p),
                        RsaSignatures.readSigFile(Files.readAllBytes(sig))));
            }
        }
        out.sort(Comparator.comparingLong(TrailDigest::sequence));
        return out;
    }

    private List<String> notYetDigested(long highestListed) throws IOException {
        List<String> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(auditDir, "events-*")) {
            for (Path p : ds) {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) > highestListed && seen.add(Long.parseLong(m.group(1)))) {
                    out.add(p.getFileName().toString());
                }
            }
        }
        out.sort(Comparator.comparingLong(BundleWriter::segmentSequence));
        return out;
    }

    private static long segmentSequence(String name) {
        Matcher m = SEGMENT.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Passes a file's bytes through while copying them to the zip entry, hashing and counting them. */
    private static final class CopyingInput extends FilterInputStream {
        private final OutputStream copy;
        private final MessageDigest sha;
        private final LongConsumer progress;
        long copied;

        CopyingInput(InputStream in, OutputStream copy, MessageDigest sha, LongConsumer progress) {
            super(in);
            this.copy = copy;
            this.sha = sha;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
                sha.update((byte) b);
                copied++;
                progress.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
                sha.update(b, off, n);
                copied += n;
                progress.accept(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        /** Copies whatever follows the last gzip member (normally nothing) so the copy is byte for byte. */
        void drain() throws IOException {
            byte[] buf = new byte[8192];
            while (read(buf, 0, buf.length) > 0) {
                // copied by read
            }
        }
    }
}
