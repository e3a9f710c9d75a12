package io.mlgate.pii.discovery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

import io.mlgate.pii.Finding;
import io.mlgate.pii.PayloadFormat;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.ScanResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scans one file in bounded pieces and maps every finding back to its place in the file (byte offset, line). Memory
 * is bounded by {@link DiscoveryJob.Limits}, never by the file's size:
 * <ul>
 *   <li>CSV: record by record (line breaks inside quoted cells kept), in batches of about
 *       {@code chunkBytes}; every batch after the first starts with the file's first row, so the scanner sees the
 *       same header for every row (its findings are counted once, from the first batch);</li>
 *   <li>JSON Lines: line by line in batches scanned as JSON; a batch that does not parse (the scanner then falls
 *       back to text) is scanned again line by line, so one bad line costs only its own field names;</li>
 *   <li>JSON: the whole document up to {@code maxWholeJsonBytes}; a larger file is read as JSON Lines when its first
 *       line is a complete JSON value, else as text;</li>
 *   <li>text: pieces of about {@code chunkBytes} cut after a line break (else after white space, else at a character
 *       boundary), each scanned with the last {@code overlapBytes} of the previous piece in front, so a value split
 *       by a cut (a PEM block, a long line) is still found; a finding is counted once.</li>
 * </ul>
 * A record longer than {@code maxRecordBytes} (a CSV with an unbalanced quote, a huge line) switches the rest of the
 * file to text.
 */
final class FileScanner {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PiiScanner scanner;
    private final DiscoveryJob.Limits limits;
    private final LongConsumer progress;

    FileScanner(PiiScanner scanner, DiscoveryJob.Limits limits, LongConsumer progress) {
        this.scanner = scanner;
        this.limits = limits;
        this.progress = progress;
    }

    /** Scans {@code file} (already sniffed as text) as {@code format}. */
    void scanFile(Path file, long size, FileFormat format, FileFindings out) throws IOException {
        switch (format) {
            case CSV -> {
                try (InputStream in = Files.newInputStream(file)) {
                    scanRecords(in, true, out);
                }
            }
            case JSONL -> {
                try (InputStream in = Files.newInputStream(file)) {
                    scanRecords(in, false, out);
                }
            }
            case JSON -> scanJsonFile(file, size, out);
            case TEXT -> {
                try (InputStream in = Files.newInputStream(file)) {
                    scanText(in, 0, 1, 0, out);
                }
            }
        }
    }

    /** Scans one small in-memory document (model store metadata) as {@code format}. */
    void scanDocument(byte[] document, PayloadFormat format, FileFindings out) {
        Chunk chunk = new Chunk(document, format, 0);
        chunk.segment(0, 0, 1);
        ScanResult result = scan(chunk);
        if (format == PayloadFormat.JSON && result.format() != PayloadFormat.JSON) {
            out.note("not valid JSON: scanned as text");
        }
        count(chunk, result, out);
    }

    private void scanJsonFile(Path file, long size, FileFindings out) throws IOException {
        if (size <= limits.maxWholeJsonBytes()) {
            byte[] all = Files.readAllBytes(file);
            progress.accept(all.length);
            scanDocument(all, PayloadFormat.JSON, out);
            return;
        }
        if (firstLineIsJsonValue(file)) {
            out.note("larger than " + limits.maxWholeJsonBytes() + " bytes: read as JSON Lines");
            try (InputStream in = Files.newInputStream(file)) {
                scanRecords(in, false, out);
            }
        } else {
            out.note("larger than " + limits.maxWholeJsonBytes() + " bytes and not JSON Lines: scanned as text "
                    + "(findings have no field names)");
            try (InputStream in = Files.newInputStream(file)) {
                scanText(in, 0, 1, 0, out);
            }
        }
    }

    private boolean firstLineIsJsonValue(Path file) throws IOException {
        ByteBuf line = new ByteBuf(4096);
        try (InputStream in = Files.newInputStream(file)) {
            int n = new RecordReader(in, false).next(line, limits.maxRecordBytes());
            if (n <= 0) {
                return false;
            }
        }
        try {
            JsonNode node = JSON.readTree(line.copy(0, line.size()));
            return node != null && node.isContainer();
        } catch (JacksonException e) {
            return false;
        }
    }

    /** CSV ({@code csv}) or JSON Lines, record by record in batches. */
    private void scanRecords(InputStream in, boolean csv, FileFindings out) throws IOException {
        RecordReader reader = new RecordReader(in, csv);
        PayloadFormat format = csv ? PayloadFormat.CSV : PayloadFormat.JSON;
        ByteBuf batch = new ByteBuf(Math.min(limits.chunkBytes(), 1 << 16));
        byte[] header = null;
        int prefix = 0;            // bytes of the repeated header at the start of the batch
        long fileOffset = 0;       // of the next record
        long line = 1;             // of the next record
        long batchFile = 0;
        long batchLine = 1;
        while (true) {
            int before = batch.size();
            int n = reader.next(batch, limits.maxRecordBytes());
            if (n == 0) {
                break;
            }
            if (n < 0) {
                byte[] partial = batch.copy(before, batch.size()); // counted as progress by scanText
                if (before > prefix) {
                    flushRecords(batch, before, prefix, format, batchFile, batchLine, out);
                }
                out.note("a record longer than " + limits.maxRecordBytes() + " bytes at line " + line
                        + ": the rest of the file is scanned as text");
                scanText(new SequenceInputStream(new ByteArrayInputStream(partial), reader.rest()), fileOffset, line,
                        fileOffset, out);
                return;
            }
            progress.accept(n);
            if (csv && header == null) {
                header = batch.copy(before, before + n);
            }
            line += count(batch.array(), before, before + n);
            fileOffset += n;
            if (batch.size() - prefix >= limits.chunkBytes()) {
                flushRecords(batch, batch.size(), prefix, format, batchFile, batchLine, out);
                batch.clear();
                batchFile = fileOffset;
                batchLine = line;
                prefix = 0;
                if (csv) {
                    batch.append(header, 0, header.length);
                    prefix = header.length;
                }
            }
        }
        if (batch.size() > prefix) {
            flushRecords(batch, batch.size(), prefix, format, batchFile, batchLine, out);
        }
    }

    /** Scans {@code batch[0, end)}: the repeated header ({@code prefix} bytes, maybe 0), then records. */
    private void flushRecords(ByteBuf batch, int end, int prefix, PayloadFormat format, long batchFile,
                              long batchLine, FileFindings out) {
        Chunk chunk = new Chunk(batch.copy(0, end), format, batchFile);
        if (prefix > 0) {
            chunk.segment(0, 0, 1); // the header again: its own findings were counted with the first batch
        }
        chunk.segment(prefix, batchFile, batchLine);
        ScanResult result = scan(chunk);
        if (format == PayloadFormat.JSON && result.format() != PayloadFormat.JSON) {
            // some line is not JSON: the scanner read the whole batch as text; read it again line by line
            out.note("some lines are not valid JSON: those are scanned as text");
            byte[] data = chunk.data;
            int start = prefix;
            long lineNo = batchLine;
            for (int i = prefix; i <= data.length; i++) {
                if (i == data.length || data[i] == '\n') {
                    int stop = i == data.length ? i : i + 1;
                    if (stop > start) {
                        Chunk one = new Chunk(Arrays.copyOfRange(data, start, stop), PayloadFormat.JSON, batchFile);
                        one.segment(0, batchFile + (start - prefix), lineNo);
                        count(one, scan(one), out);
                    }
                    start = stop;
                    lineNo++;
                }
            }
            return;
        }
        count(chunk, result, out);
    }

    /**
     * Plain text from {@code in}, whose first byte is at {@code fileOffset} on {@code line}; findings ending at or
     * before {@code countFrom} are not counted (they were, by the caller).
     */
    void scanText(InputStream in, long fileOffset, long line, long countFrom, FileFindings out) throws IOException {
        int chunkBytes = limits.chunkBytes();
        int overlap = limits.overlapBytes();
        int window = limits.cutWindowBytes();
        byte[] buf = new byte[overlap + window + chunkBytes];
        int len = 0;
        long bufFile = fileOffset;
        long bufLine = line;
        long scannedTo = countFrom;
        boolean eof = false;
        while (true) {
            if (!eof) {
                int want = buf.length - len;
                int n = in.readNBytes(buf, len, want);
                progress.accept(n);
                len += n;
                eof = n < want;
            }
            if (len == 0 || (eof && bufFile + len <= scannedTo)) {
                return;
            }
            int cut = eof ? len : cutPoint(buf, len, window);
            Chunk chunk = new Chunk(Arrays.copyOf(buf, cut), PayloadFormat.TEXT, scannedTo);
            chunk.segment(0, bufFile, bufLine);
            count(chunk, scan(chunk), out);
            if (eof) {
                return;
            }
            scannedTo = bufFile + cut;
            int keep = Math.max(0, cut - overlap);
            while (keep < cut && (buf[keep] & 0xC0) == 0x80) {
                keep++; // start the overlap on a character, not inside one
            }
            bufLine += count(buf, 0, keep);
            System.arraycopy(buf, keep, buf, 0, len - keep);
            len -= keep;
            bufFile += keep;
        }
    }

    /** Where to end a text piece of {@code buf[0, len)}: after the last line break, white space or character. */
    static int cutPoint(byte[] buf, int len, int window) {
        int floor = Math.max(1, len - window);
        for (int i = len - 1; i >= floor; i--) {
            if (buf[i] == '\n') {
                return i + 1;
            }
        }
        for (int i = len - 1; i >= floor; i--) {
            if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r') {
                return i + 1;
            }
        }
        // never split a UTF-8 sequence: end before the last one if it is incomplete
        int i = len - 1;
        while (i > floor && (buf[i] & 0xC0) == 0x80) {
            i--;
        }
        int lead = buf[i] & 0xFF;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return i + need <= len ? len : i;
    }

    private ScanResult scan(Chunk chunk) {
        return scanner.scan(chunk.data, chunk.format, System.nanoTime() + limits.chunkTimeout().toNanos());
    }

    /** Counts the findings of {@code result} that are new, with their file offsets and lines. */
    static void count(Chunk chunk, ScanResult result, FileFindings out) {
        List<Finding> findings = result.findings();
        if (findings.isEmpty()) {
            return;
        }
        byte[] data = chunk.data;
        int seg = 0;
        int cursor = chunk.segStart[0];
        long line = chunk.segLine[0];
        for (Finding f : findings) {
            while (seg + 1 < chunk.segments && chunk.segStart[seg + 1] <= f.start()) {
                seg++;
                cursor = chunk.segStart[seg];
                line = chunk.segLine[seg];
            }
            if (f.start() < chunk.segStart[seg]) {
                continue;
            }
            line += count(data, cursor, f.start());
            cursor = f.start();
            long fileStart = chunk.segFile[seg] + (f.start() - chunk.segStart[seg]);
            long fileEnd = fileStart + f.length();
            if (fileEnd <= chunk.countFrom || fileStart < out.lastCountedEnd) {
                continue; // seen in an earlier piece, or part of the repeated header
            }
            out.add(f.type(), f.field(), line, fileStart, fileEnd);
        }
    }

    private static long count(byte[] data, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            if (data[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    /**
     * A piece handed to the scanner: its bytes, its format, and how offsets map back to the file — up to two
     * segments, each a run of the piece copied from one place in the file (start in the piece, offset in the file,
     * line there).
     */
    static final class Chunk {
        final byte[] data;
        final PayloadFormat format;
        /** Findings ending at or before this file offset were counted from an earlier piece. */
        final long countFrom;
        final int[] segStart = new int[2];
        final long[] segFile = new long[2];
        final long[] segLine = new long[2];
        int segments;

        Chunk(byte[] data, PayloadFormat format, long countFrom) {
            this.data = data;
            this.format = format;
            this.countFrom = countFrom;
        }

        void segment(int start, long fileOffset, long line) {
            segStart[segments] = start;
            segFile[segments] = fileOffset;
            segLine[segments] = line;
            segments++;
        }
    }
}
