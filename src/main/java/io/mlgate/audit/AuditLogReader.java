package io.mlgate.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the records of an audit directory in log order (segments by sequence number, lines in file order), as raw
 * JSON strings or parsed Jackson trees, from closed log files ({@code .jsonl.gz}, any number of gzip members) and
 * open segments ({@code .jsonl}) alike. A segment whose last line lacks its newline (torn by a crash, or still being
 * written) does not fail the read: that partial line is left out and reported. Reading while a log writes and closes
 * segments is safe: when both files of a segment exist the {@code .jsonl.gz} is read, and a {@code .jsonl} that is
 * closed while the read starts is read from its {@code .jsonl.gz}.
 */
public final class AuditLogReader {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Path dir;

    private AuditLogReader(Path dir) {
        this.dir = dir;
    }

    public static AuditLogReader of(Path auditDir) {
        return new AuditLogReader(Objects.requireNonNull(auditDir, "auditDir"));
    }

    /**
     * A partial last line found in {@code segment}, starting at {@code offset} (in the uncompressed bytes),
     * {@code length} bytes long.
     */
    public record TornLine(Path segment, long offset, long length) {
    }

    /** Complete records in log order, plus the torn lines that were skipped. */
    public record Contents(List<String> records, List<TornLine> tornLines) {
        public Contents {
            records = List.copyOf(records);
            tornLines = List.copyOf(tornLines);
        }

        /** The last torn line, if any (normally only the newest segment can have one). */
        public Optional<TornLine> tornTail() {
            return tornLines.isEmpty() ? Optional.empty() : Optional.of(tornLines.get(tornLines.size() - 1));
        }
    }

    /**
     * Segment files in log order, one per sequence number: the {@code .jsonl.gz} of closed segments (also while its
     * {@code .jsonl} is still being deleted), the {@code .jsonl} of the others. {@code .tmp} files are left out.
     */
    public List<Path> segments() throws IOException {
        List<Path> out = new ArrayList<>();
        SegmentName previous = null;
        for (SegmentName.File f : SegmentName.listFiles(dir)) { // ordered by name, then OPEN before CLOSED
            if (f.kind() == SegmentName.Kind.TEMPORARY) {
                continue;
            }
            if (f.name().equals(previous)) {
                out.set(out.size() - 1, dir.resolve(f.fileName())); // the .jsonl.gz wins
            } else {
                out.add(dir.resolve(f.fileName()));
            }
            previous = f.name();
        }
        return out;
    }

    /** True if {@code file} is a closed (gzip) log file by its name. */
    public static boolean isClosedLogFile(Path file) {
        SegmentName.File f = SegmentName.parseFile(file.getFileName().toString());
        return f != null && f.kind() == SegmentName.Kind.CLOSED;
    }

    /**
     * Opens the uncompressed bytes of one segment file: a {@code .jsonl.gz} is inflated (all members), a
     * {@code .jsonl} read as is.
     */
    public static InputStream openSegment(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        if (!isClosedLogFile(file)) {
            return raw;
        }
        try {
            return new GZIPInputStream(raw, 64 * 1024);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Reads every complete record as a JSON string (without the newline); empty lines are skipped. */
    public Contents read() throws IOException {
        List<String> records = new ArrayList<>();
        List<TornLine> torn = new ArrayList<>();
        for (Path seg : segments()) {
            readSegment(seg, records, torn);
        }
        return new Contents(records, torn);
    }

    /**
     * Reads every complete record as a Jackson tree.
     *
     * @throws tools.jackson.core.JacksonException if a complete line is not valid JSON (that is corruption, not a
     *                                             torn tail)
     */
    public List<JsonNode> readTrees() throws IOException {
        List<String> raw = read().records();
        List<JsonNode> out = new ArrayList<>(raw.size());
        for (String r : raw) {
            out.add(MAPPER.readTree(r));
        }
        return out;
    }

    /** Opens a segment; a {@code .jsonl} that was closed after it was listed is read from its {@code .jsonl.gz}. */
    private static InputStream openMaybeClosed(Path seg) throws IOException {
        try {
            return openSegment(seg);
        } catch (NoSuchFileException e) {
            SegmentName.File f = SegmentName.parseFile(seg.getFileName().toString());
            if (f == null || f.kind() != SegmentName.Kind.OPEN) {
                throw e;
            }
            return openSegment(seg.resolveSibling(f.name().fileName(SegmentName.Kind.CLOSED)));
        }
    }

    private static void readSegment(Path seg, List<String> records, List<TornLine> torn) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(2048);
        byte[] buf = new byte[64 * 1024];
        long offset = 0;
        long lineStart = 0;
        try (InputStream in = openMaybeClosed(seg)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        line.write(buf, from, i - from);
                        if (line.size() > 0) {
                            records.add(line.toString(StandardCharsets.UTF_8));
                        }
                        line.reset();
                        from = i + 1;
                        lineStart = offset + i + 1;
                    }
                }
                line.write(buf, from, n - from);
                offset += n;
            }
        }
        if (line.size() > 0) {
            torn.add(new TornLine(seg, lineStart, line.size()));
        }
    }
}
