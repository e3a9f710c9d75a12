package io.mlgate.audit.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A closed log file ({@code events-...jsonl.gz}) and its sidecar: reads the sidecar's header for the file's time
 * bounds, maps and verifies the sidecar when a lookup needs its columns, and (re)builds it from the log file when it
 * is missing, stale or corrupt. One build at a time per file; all methods are thread-safe.
 */
final class ClosedSegment {

    /** The in-memory index of the segment this file was while it was being written, to skip re-parsing it. */
    record Seed(ColumnBuffer columns, long end, int crc) {
    }

    final long seq;
    final String logName;
    final Path log;
    final Path sidecarFile;

    private Seed seed;
    private boolean headerRead;
    private Sidecar.Header header;
    private Sidecar.Opened opened;
    private long builds;

    ClosedSegment(long seq, String logName, Path log, Path sidecarFile, Seed seed) {
        this.seq = seq;
        this.logName = logName;
        this.log = log;
        this.sidecarFile = sidecarFile;
        this.seed = seed;
    }

    /** The header (count and time bounds) of an up-to-date sidecar, building the sidecar if needed. */
    synchronized Sidecar.Header summary() throws IOException {
        if (opened != null) {
            return opened.header();
        }
        if (!headerRead && seed == null) {
            headerRead = true;
            Sidecar.Header h = Sidecar.readHeader(sidecarFile);
            if (h != null && h.logName().equals(logName) && h.logSize() == logSize()) {
                header = h;
            }
        }
        return header != null ? header : open().header();
    }

    /** The verified sidecar, building it when it is missing, stale or corrupt. */
    synchronized Sidecar.Opened open() throws IOException {
        if (opened != null) {
            return opened;
        }
        long size = logSize();
        Sidecar.Opened o = seed == null ? Sidecar.open(sidecarFile, logName, size) : null;
        if (o == null) {
            o = build(size);
        }
        opened = o;
        header = o.header();
        headerRead = true;
        return o;
    }

    /** Drops the mapping (the next use maps the file again); lookups still holding it are unaffected. */
    synchronized void release() {
        opened = null;
    }

    /** Forgets the sidecar (the log file changed under it): the next use builds it again. */
    synchronized void invalidate() throws IOException {
        opened = null;
        header = null;
        headerRead = true;
        Files.deleteIfExists(sidecarFile);
    }

    /** How many times this process built the sidecar (for tests). */
    synchronized long builds() {
        return builds;
    }

    private long logSize() throws IOException {
        try {
            return Files.size(log);
        } catch (NoSuchFileException e) {
            throw new SegmentGoneException(logName);
        }
    }

    private Sidecar.Opened build(long size) throws IOException {
        builds++;
        Seed s = seed;
        seed = null;
        ColumnBuffer buf = s != null ? s.columns() : new ColumnBuffer();
        long prefixEnd = s != null ? s.end() : 0;
        CRC32C prefixCrc = new CRC32C();
        long[] prefixBytes = {0};
        LongList compressed = new LongList();
        LongList uncompressed = new LongList();
        LineSplitter lines = new LineSplitter(0, (b, off, len, offset) -> {
            if (offset < prefixEnd) {
                prefixCrc.update(b, off, len);
                prefixCrc.update('\n');
                prefixBytes[0] += len + 1;
            } else {
                index(buf, b, off, len, offset);
            }
        });
        long total;
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            total = GzipMembers.scan(ch, new GzipMembers.Sink() {
                @Override
                public void member(long compressedOffset, long uncompressedOffset) {
                    compressed.add(compressedOffset);
                    uncompressed.add(uncompressedOffset);
                }

                @Override
                public void data(byte[] b, int off, int len) throws IOException {
                    lines.feed(b, off, len);
                }
            });
        } catch (NoSuchFileException e) {
            throw new SegmentGoneException(logName);
        } catch (GzipMembers.FormatException e) {
            // a damaged log file: the records before the damage stay searchable (validation reports the damage)
            total = lines.completeEnd();
        }
        if (s != null && (prefixBytes[0] != prefixEnd || (int) prefixCrc.getValue() != s.crc())) {
            return build(size); // the compressed file differs from what was tailed: index it from scratch
        }
        long[] comp = compressed.toArray();
        long[] uncomp = uncompressed.toArray();
        try {
            Sidecar.write(sidecarFile, logName, size, total, buf, comp, uncomp);
            Sidecar.Opened o = Sidecar.open(sidecarFile, logName, size);
            if (o != null) {
                return o;
            }
        } catch (IOException e) {
            // a read-only audit folder (e.g. a copy being inspected): keep this file's index in memory
        }
        int n = buf.count();
        Sidecar.Header h = new Sidecar.Header(logName, size, total, n, n == 0 ? 0 : buf.minTime(),
                n == 0 ? 0 : buf.maxTime(), 0, 0, 0);
        return new Sidecar.Opened(h, buf.snapshot(), comp, uncomp);
    }

    /** Indexes one record line (empty and unparseable lines are skipped). */
    static void index(ColumnBuffer buf, byte[] b, int off, int len, long offset) {
        if (len == 0) {
            return;
        }
        RecordFields f = RecordFields.parse(b, off, len);
        if (f != null) {
            buf.add(f, offset, len);
        }
    }

    /** A growable list of longs. */
    static final class LongList {
        private long[] a = new long[256];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
