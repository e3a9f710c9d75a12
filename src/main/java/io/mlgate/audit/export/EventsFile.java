package io.mlgate.audit.export;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.zip.GZIPInputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The derivation of a bundle's events file from log lines: a pure function of the lines (in log order), the range,
 * the filters and the format, with no clock or environment in it, so the verifier can recompute it byte for byte.
 * Feed it lines with {@link #line}, then call {@link #finish}.
 */
final class EventsFile {

    private final ExportQuery query;
    private final OutputStream out;
    private String source = "?";
    private long lineNumber;
    private long count;

    private EventsFile(ExportQuery query, OutputStream out) {
        this.query = query;
        this.out = out;
    }

    /** Starts an events file on {@code out} (the CSV header is written at once). */
    static EventsFile start(ExportQuery query, OutputStream out) throws IOException {
        EventsFile f = new EventsFile(query, out);
        if (query.format() == ExportFormat.CSV) {
            CsvEvents.writeHeader(out);
        }
        return f;
    }

    /**
     * Derives the events file from whole gzip log files, in the given order; returns the number of events written.
     *
     * @throws IOException if a file cannot be read or holds a line that is not a JSON object with an eventTime
     */
    static long derive(List<Path> logFiles, ExportQuery query, OutputStream out) throws IOException {
        EventsFile f = start(query, out);
        for (Path p : logFiles) {
            f.beginFile(p.getFileName().toString());
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(p)), 64 * 1024)) {
                LogLines.forEach(in, f::line);
            }
        }
        return f.finish();
    }

    /** Names the log file the next lines come from (for error messages only). */
    void beginFile(String name) {
        source = name;
        lineNumber = 0;
    }

    /** One stored record line (without its newline). */
    void line(byte[] buf, int off, int len) throws IOException {
        lineNumber++;
        JsonNode record;
        Instant time;
        try {
            record = TrailJson.read(buf, off, len);
            time = Instant.parse(TrailJson.text(record, "eventTime"));
        } catch (JacksonException | DateTimeParseException | NullPointerException e) {
            throw new IOException("log file " + source + " line " + lineNumber
                    + " is not a CloudTrail record with an eventTime (" + e.getClass().getSimpleName() + ")");
        }
        if (!record.isObject() || !query.matches(record, time)) {
            return;
        }
        switch (query.format()) {
            case JSONL -> {
                out.write(buf, off, len);
                out.write('\n');
            }
            case CSV -> CsvEvents.writeRow(record, out);
            case OCSF -> OcsfEvents.write(record, time, out);
        }
        count++;
    }

    /** Flushes and returns the number of events written. */
    long finish() throws IOException {
        out.flush();
        return count;
    }
}
