package io.mlgate.pii.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongConsumer;

import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.ArtifactHeader;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.pii.DetectorSettings;
import io.mlgate.pii.PayloadFormat;
import io.mlgate.pii.PiiScanException;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.PiiType;
import io.mlgate.pii.Redactor;
import io.mlgate.pii.CustomDetectorSpec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A PII discovery job (the role Amazon Macie's classification jobs play for S3): walks files and folders, scans each
 * file with the gateway's {@link PiiScanner} in bounded pieces ({@link FileScanner}) and reports counts by type, by
 * file and by column or field, with sample locations and never a value ({@link DiscoveryReport}).
 *
 * <p>What is read: regular files under the roots. Symbolic links inside the roots are never followed (a link's
 * target inside a root is scanned where it is; outside, it must not be read); a root given as a link is resolved,
 * since it was named explicitly. Nested roots are scanned once. A file whose first {@value #SNIFF_BYTES} bytes hold
 * a NUL byte is binary and skipped. With a model store, the metadata of every model artifact ({@code *.mlga}) is
 * scanned too: the model descriptor (feature names, labels, trainer, training command), the other metadata entries
 * and the encryption context, read from the artifact's header without any key (docs/model-artifacts.md: the header
 * is readable, only decryption proves it authentic); plaintext {@code *.json} files there are scanned as files.
 *
 * <p>Plain Java: no Spring, no HTTP, no audit (the caller records the job, docs/pii-discovery.md).
 */
public final class DiscoveryJob {

    /** Bytes sniffed for a NUL at the start of a file. */
    public static final int SNIFF_BYTES = 8192;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The memory and time bounds of a job.
     *
     * @param chunkBytes        about how many bytes are scanned at a time (a batch of rows, a piece of text)
     * @param overlapBytes      how much of the previous piece of text is scanned again in front of the next
     * @param maxRecordBytes    the longest CSV record or JSON line read as one (longer: the rest is text)
     * @param maxWholeJsonBytes the largest {@code .json} file scanned as one document (by field)
     * @param chunkTimeout      the scan deadline of one piece; a piece that takes longer fails its file
     */
    public record Limits(int chunkBytes, int overlapBytes, int maxRecordBytes, long maxWholeJsonBytes,
                         Duration chunkTimeout) {
        public Limits {
            if (chunkBytes < 256) {
                throw new IllegalArgumentException("chunkBytes must be at least 256");
            }
            if (overlapBytes < 0 || overlapBytes > chunkBytes / 2) {
                throw new IllegalArgumentException("overlapBytes must be between 0 and chunkBytes / 2");
            }
            if (maxRecordBytes < chunkBytes) {
                throw new IllegalArgumentException("maxRecordBytes must be at least chunkBytes");
            }
            if (maxWholeJsonBytes < 0) {
                throw new IllegalArgumentException("maxWholeJsonBytes must not be negative");
            }
            Objects.requireNonNull(chunkTimeout, "chunkTimeout");
            if (chunkTimeout.isNegative() || chunkTimeout.isZero()) {
                throw new IllegalArgumentException("chunkTimeout must be positive");
            }
        }

        /** 1 MiB pieces with 16 KiB overlap, 16 MiB records, JSON documents up to 64 MiB, 60 s per piece. */
        public static Limits defaults() {
            return new Limits(1 << 20, 16 << 10, 16 << 20, 64L << 20, Duration.ofSeconds(60));
        }

        /** How far back from the end of a piece of text a line break is looked for. */
        int cutWindowBytes() {
            return Math.min(64 * 1024, chunkBytes / 2);
        }
    }

    /** A file to scan: a plain file, or a model artifact whose header metadata is scanned. */
    public record Target(Path path, long size, boolean artifact) {
    }

    /**
     * What a job will read, worked out before it starts (so progress can be shown in bytes).
     *
     * @param roots      the roots as scanned (real paths, nested ones removed)
     * @param modelStore the model store folder, or null
     */
    public record Plan(List<String> roots, String modelStore, List<Target> targets,
                       List<DiscoveryReport.PathReason> skipped, long skippedCount,
                       List<DiscoveryReport.PathReason> failed, long totalBytes) {
        public Plan {
            roots = List.copyOf(roots);
            targets = List.copyOf(targets);
            skipped = List.copyOf(skipped);
            failed = List.copyOf(failed);
        }
    }

    private final DetectorSettings settings;
    private final PiiScanner scanner;
    private final NameMasker names;
    private final Limits limits;
    private final Clock clock;

    /**
     * @param settings the settings {@code scanner} was built from (named in the report)
     * @param redactor masks PII in the names the report shows (paths, fields)
     */
    public DiscoveryJob(DetectorSettings settings, PiiScanner scanner, Redactor redactor, Limits limits,
                        Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.names = new NameMasker(scanner, Objects.requireNonNull(redactor, "redactor"));
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Lists what a job over {@code roots} (files or folders) and the model store folder {@code modelStore} (or null)
     * reads.
     *
     * @throws NoSuchFileException if a root or the model store does not exist
     */
    public Plan plan(List<Path> roots, Path modelStore) throws IOException {
        List<Path> real = new ArrayList<>();
        for (Path root : roots) {
            real.add(root.toRealPath());
        }
        real.sort(null);
        List<Path> distinct = new ArrayList<>();
        for (Path p : real) {
            if (distinct.stream().noneMatch(p::startsWith)) {
                distinct.add(p);
            }
        }
        Walk walk = new Walk();
        for (Path root : distinct) {
            Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, walk.files());
        }
        String store = null;
        if (modelStore != null) {
            Path storeDir = modelStore.toRealPath();
            store = names.path(storeDir.toString());
            Files.walkFileTree(storeDir, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, walk.store());
        }
        List<String> shown = new ArrayList<>();
        distinct.forEach(p -> shown.add(names.path(p.toString())));
        return new Plan(shown, store, walk.targets, walk.skipped, walk.skippedCount, walk.failed, walk.bytes);
    }

    /** Collects targets; a file reached twice (nested roots, the model store inside a root) is read once. */
    private final class Walk {
        final List<Target> targets = new ArrayList<>();
        final Set<Path> seen = new HashSet<>();
        final List<DiscoveryReport.PathReason> skipped = new ArrayList<>();
        final List<DiscoveryReport.PathReason> failed = new ArrayList<>();
        long skippedCount;
        long bytes;

        void skip(Path file, String reason) {
            skippedCount++;
            if (skipped.size() < DiscoveryReport.MAX_LISTED) {
                skipped.add(new DiscoveryReport.PathReason(names.path(file.toString()), reason));
            }
        }

        SimpleFileVisitor<Path> files() {
            return new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isSymbolicLink()) {
                        skip(file, "symbolic link (not followed)");
                    } else if (!attrs.isRegularFile()) {
                        skip(file, "not a regular file");
                    } else if (seen.add(file)) {
                        targets.add(new Target(file, attrs.size(), false));
                        bytes += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    failed.add(new DiscoveryReport.PathReason(names.path(file.toString()),
                            "cannot read: " + exc.getClass().getSimpleName()));
                    return FileVisitResult.CONTINUE;
                }
            };
        }

        SimpleFileVisitor<Path> store() {
            return new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    boolean artifact = name.endsWith(".mlga");
                    if (attrs.isRegularFile() && !attrs.isSymbolicLink() && (artifact || name.endsWith(".json"))
                            && seen.add(file)) {
                        targets.add(new Target(file, artifact ? 0 : attrs.size(), artifact));
                        bytes += artifact ? 0 : attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    failed.add(new DiscoveryReport.PathReason(names.path(file.toString()),
                            "cannot read: " + exc.getClass().getSimpleName()));
                    return FileVisitResult.CONTINUE;
                }
            };
        }
    }

    /**
     * Runs the job: scans every target of {@code plan} and builds the report. A file that cannot be read or scanned
     * (I/O error, scan timeout, detector failure) is listed as failed with the reason; the job goes on.
     *
     * @param progress receives the number of bytes read, as they are read
     */
    public DiscoveryReport run(Plan plan, LongConsumer progress) {
        String jobId = UUID.randomUUID().toString();
        Instant start = clock.instant();
        long[] read = new long[1];
        FileScanner files = new FileScanner(scanner, limits, n -> {
            read[0] += n;
            progress.accept(n);
        });
        List<DiscoveryReport.FileReport> reports = new ArrayList<>();
        List<DiscoveryReport.PathReason> skipped = new ArrayList<>(plan.skipped());
        List<DiscoveryReport.PathReason> failed = new ArrayList<>(plan.failed());
        long skippedCount = plan.skippedCount();
        SortedMap<String, Long> counts = new TreeMap<>();
        long scanned = 0;
        long bytes = 0;
        for (Target t : plan.targets()) {
            String shown = names.path(t.path().toString());
            long before = read[0];
            try {
                List<FileFindings> found;
                if (t.artifact()) {
                    found = scanArtifact(t.path(), shown, files, read);
                } else {
                    if (isBinary(t.path())) {
                        progress.accept(t.size());
                        skippedCount++;
                        if (skipped.size() < DiscoveryReport.MAX_LISTED) {
                            skipped.add(new DiscoveryReport.PathReason(shown, "binary (NUL byte in the first "
                                    + SNIFF_BYTES + " bytes)"));
                        }
                        continue;
                    }
                    FileFormat format = FileFormat.of(t.path().getFileName().toString());
                    FileFindings f = new FileFindings(shown, format, names);
                    files.scanFile(t.path(), t.size(), format, f);
                    found = List.of(f);
                }
                scanned++;
                bytes += read[0] - before;
                for (FileFindings f : found) {
                    if (f.findings() > 0) {
                        reports.add(f.report(t.artifact() ? f.documentBytes : read[0] - before));
                        f.counts().forEach((type, n) -> counts.merge(type, n, Long::sum));
                    }
                }
            } catch (PiiScanException e) {
                failed.add(new DiscoveryReport.PathReason(shown, "scan failed: " + e.reason()));
            } catch (ArtifactException e) {
                failed.add(new DiscoveryReport.PathReason(shown, "not a readable model artifact: " + e.reason()));
            } catch (IOException | RuntimeException e) {
                failed.add(new DiscoveryReport.PathReason(shown, "cannot read: " + e.getClass().getSimpleName()));
            }
        }
        List<String> builtIn = new ArrayList<>();
        for (PiiType t : PiiType.BUILT_IN) {
            if (settings.enabled().contains(t)) {
                builtIn.add(t.name());
            }
        }
        List<String> custom = settings.custom().stream().map(CustomDetectorSpec::name).toList();
        DiscoveryReport.Detectors detectors = new DiscoveryReport.Detectors(builtIn, custom, settings.phoneRegions(),
                settings.minConfidence());
        return new DiscoveryReport(jobId, start, clock.instant(), plan.roots(), plan.modelStore(), detectors,
                scanned, skippedCount, failed.size(), bytes, counts, reports, skipped,
                Math.max(0, skippedCount - skipped.size()), failed);
    }

    /** True when the first {@value #SNIFF_BYTES} bytes of {@code file} hold a NUL byte. */
    static boolean isBinary(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        for (byte b : head) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The metadata of one model artifact, read from its header without a key: the model descriptor (by field), the
     * other metadata entries and the encryption context (each a JSON object, by key).
     */
    private List<FileFindings> scanArtifact(Path file, String shown, FileScanner files, long[] read)
            throws IOException {
        ArtifactHeader header;
        try (InputStream in = Files.newInputStream(file)) {
            header = ModelArtifacts.inspect(in);
        }
        List<FileFindings> out = new ArrayList<>();
        Map<String, String> metadata = new TreeMap<>(header.metadata());
        String descriptor = metadata.remove(DESCRIPTOR);
        if (descriptor != null) {
            out.add(document(shown + "#descriptor", descriptor.getBytes(StandardCharsets.UTF_8), files, read));
        }
        if (!metadata.isEmpty()) {
            out.add(document(shown + "#metadata", object(metadata), files, read));
        }
        if (!header.encryptionContext().isEmpty()) {
            out.add(document(shown + "#encryptionContext", object(header.encryptionContext()), files, read));
        }
        return out;
    }

    /** The metadata entry holding an uploaded model's descriptor ({@code runtime/UploadedModels}). */
    private static final String DESCRIPTOR = io.mlgate.runtime.UploadedModels.DESCRIPTOR_METADATA;

    private FileFindings document(String shown, byte[] bytes, FileScanner files, long[] read) {
        FileFindings f = new FileFindings(shown, FileFormat.JSON, names);
        f.documentBytes = bytes.length;
        read[0] += bytes.length;
        files.scanDocument(bytes, PayloadFormat.JSON, f);
        return f;
    }

    private static byte[] object(Map<String, String> entries) {
        ObjectNode o = JSON.createObjectNode();
        entries.forEach(o::put);
        return JSON.writeValueAsBytes(o);
    }
}
