package io.mlgate.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the records of an audit directory in log order (segments by sequence number, lines in file order), as raw
 * JSON strings or parsed Jackson trees. A segment whose last line lacks its newline (torn by a crash, or still being
 * written) does not fail the read: that partial line is left out and reported.
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

    /** A partial last line found in {@code segment}, starting at {@code offset}, {@code length} bytes long. */
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

    /** Segment files in log order. */
    public List<Path> segments() throws IOException {
        List<Path> out = new ArrayList<>();
        for (SegmentName n : SegmentName.list(dir)) {
            out.add(dir.resolve(n.fileName()));
        }
        return out;
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

    private static void readSegment(Path seg, List<String> records, List<TornLine> torn) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(2048);
        byte[] buf = new byte[64 * 1024];
        long offset = 0;
        long lineStart = 0;
        try (InputStream in = Files.newInputStream(seg)) {
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
