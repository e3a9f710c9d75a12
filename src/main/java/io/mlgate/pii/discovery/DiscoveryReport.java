package io.mlgate.pii.discovery;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.mlgate.audit.AuditEvent;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The result of one discovery job: what was scanned, how many findings of each type, and per file the counts by type
 * and by column or field with sample locations (line, column/field, byte offset). A report holds locations and
 * counts, never a found value; names it shows (paths, field names, CSV headers) have already had any PII in them
 * masked ({@link NameMasker}).
 *
 * @param modelStore    the model store folder scanned, or null
 * @param countsByType  findings per type name over every file, sorted by name (types with findings only)
 * @param files         the files with findings, in scan order
 * @param skipped       files not scanned and why (binary, symbolic link, not a regular file), at most
 *                      {@link #MAX_LISTED} of them
 * @param skippedNotListed skipped files beyond those listed
 * @param failed        files that could not be read or scanned completely, and why
 */
public record DiscoveryReport(
        String jobId,
        Instant startTime,
        Instant endTime,
        List<String> roots,
        String modelStore,
        Detectors detectors,
        long filesScanned,
        long filesSkipped,
        long filesFailed,
        long bytesScanned,
        SortedMap<String, Long> countsByType,
        List<FileReport> files,
        List<PathReason> skipped,
        long skippedNotListed,
        List<PathReason> failed) {

    /** Most skipped or failed files listed by name in a report. */
    public static final int MAX_LISTED = 1000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public DiscoveryReport {
        roots = List.copyOf(roots);
        countsByType = Collections.unmodifiableSortedMap(new TreeMap<>(countsByType));
        files = List.copyOf(files);
        skipped = List.copyOf(skipped);
        failed = List.copyOf(failed);
    }

    /** Every finding of the job. */
    public long findings() {
        long n = 0;
        for (long c : countsByType.values()) {
            n += c;
        }
        return n;
    }

    /** The detectors the job ran: built-in types switched on, custom detector names, phone regions, threshold. */
    public record Detectors(List<String> builtIn, List<String> custom, List<String> phoneRegions,
                            double minConfidence) {
        public Detectors {
            builtIn = List.copyOf(builtIn);
            custom = List.copyOf(custom);
            phoneRegions = List.copyOf(phoneRegions);
        }
    }

    /**
     * One scanned file (or model-store metadata document, path {@code ARTIFACT#descriptor} and so on) with findings.
     *
     * @param fields counts by column (CSV header or {@code column N}) or JSON field name, then by type; findings in
     *               plain text have no field and are not in this map
     * @param samples the first few locations of each type (at most {@link FileFindings#SAMPLES_PER_TYPE} per type,
     *               {@link FileFindings#MAX_SAMPLES} per file)
     * @param notes  how the file was read when that differs from its format (e.g. not valid JSON, scanned as text)
     */
    public record FileReport(String path, FileFormat format, long bytes, long findings,
                             SortedMap<String, Long> countsByType, Map<String, SortedMap<String, Long>> fields,
                             List<Sample> samples, List<String> notes) {
        public FileReport {
            countsByType = Collections.unmodifiableSortedMap(new TreeMap<>(countsByType));
            Map<String, SortedMap<String, Long>> f = new LinkedHashMap<>();
            fields.forEach((k, v) -> f.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
            fields = Collections.unmodifiableMap(f);
            samples = List.copyOf(samples);
            notes = List.copyOf(notes);
        }
    }

    /**
     * Where one finding is: its type, 1-based line, column or field ({@code null} in plain text) and byte offset from
     * the start of the file. Never the value.
     */
    public record Sample(String type, long line, String field, long byteOffset) {
    }

    /** A file that was skipped or failed, and why (a fixed phrase or an exception class, never file content). */
    public record PathReason(String path, String reason) {
    }

    /** The report as pretty-printed JSON (report.json and {@code --format json}). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("jobId", jobId);
        root.put("jobStatus", "COMPLETE");
        root.put("startTime", AuditEvent.formatTime(startTime));
        root.put("endTime", AuditEvent.formatTime(endTime));
        ArrayNode r = root.putArray("roots");
        roots.forEach(r::add);
        if (modelStore == null) {
            root.putNull("modelStore");
        } else {
            root.put("modelStore", modelStore);
        }
        ObjectNode d = root.putObject("detectors");
        ArrayNode b = d.putArray("builtIn");
        detectors.builtIn().forEach(b::add);
        ArrayNode c = d.putArray("custom");
        detectors.custom().forEach(c::add);
        ArrayNode p = d.putArray("phoneRegions");
        detectors.phoneRegions().forEach(p::add);
        d.put("minConfidence", detectors.minConfidence());
        root.put("filesScanned", filesScanned);
        root.put("filesSkipped", filesSkipped);
        root.put("filesFailed", filesFailed);
        root.put("bytesScanned", bytesScanned);
        root.put("findings", findings());
        counts(root.putObject("countsByType"), countsByType);
        ArrayNode fs = root.putArray("files");
        for (FileReport f : files) {
            ObjectNode o = fs.addObject();
            o.put("path", f.path());
            o.put("format", f.format().name());
            o.put("bytes", f.bytes());
            o.put("findings", f.findings());
            counts(o.putObject("countsByType"), f.countsByType());
            ObjectNode fields = o.putObject("fields");
            f.fields().forEach((name, byType) -> counts(fields.putObject(name), byType));
            ArrayNode samples = o.putArray("samples");
            for (Sample s : f.samples()) {
                ObjectNode so = samples.addObject();
                so.put("type", s.type());
                so.put("line", s.line());
                if (s.field() == null) {
                    so.putNull("field");
                } else {
                    so.put("field", s.field());
                }
                so.put("byteOffset", s.byteOffset());
            }
            ArrayNode notes = o.putArray("notes");
            f.notes().forEach(notes::add);
        }
        reasons(root.putArray("skipped"), skipped);
        root.put("skippedNotListed", skippedNotListed);
        reasons(root.putArray("failed"), failed);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static void counts(ObjectNode into, Map<String, Long> counts) {
        counts.forEach(into::put);
    }

    private static void reasons(ArrayNode into, List<PathReason> list) {
        for (PathReason pr : list) {
            ObjectNode o = into.addObject();
            o.put("path", pr.path());
            o.put("reason", pr.reason());
        }
    }
}
