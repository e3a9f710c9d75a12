package io.mlgate.audit.index;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The persisted index of one closed log file ({@code audit/index/<log name>.idx}): a header naming the log file, its
 * compressed size, the event count and time bounds, with CRC32C checksums of the header and of the body; the body
 * holds the string dictionaries, the gzip member table and fixed-width per-event columns. Big-endian throughout.
 *
 * <pre>
 * header: "MLGIDX01" | u32 version | u32 headerLength | u64 logSize | u64 uncompressedSize | u32 count
 *         | i64 minTime | i64 maxTime | u64 bodyLength | u32 bodyCrc32c | u16 nameLength | name (UTF-8)
 *         | u32 headerCrc32c (of every header byte before it)
 * body:   7 dictionaries (NAME, SOURCE, USER, KEY, CATEGORY, RESOURCE_TYPE, RESOURCE_ARN): u32 n, n x (u32 len, UTF-8)
 *         | u32 members | u64[members] compressed offsets | u64[members] uncompressed offsets
 *         | u32 count | i64[count] time | 5 x i32[count] ids | u8[count] readOnly | i64[count] eventId high
 *         | i64[count] eventId low | u64[count] offset | u32[count] length | u32[count + 1] resourceStart
 *         | u32 resources | i32[resources] type ids | i32[resources] ARN ids | u32[count] ordinals by time
 * </pre>
 */
final class Sidecar {

    static final String SUFFIX = ".idx";
    private static final byte[] MAGIC = "MLGIDX01".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int FIXED_HEADER = 8 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 4 + 2 + 4;

    /** The header of a sidecar. */
    record Header(String logName, long logSize, long uncompressedSize, int count, long minTime, long maxTime,
                  long bodyLength, int bodyCrc, int length) {
    }

    /** An opened index of a closed log file: its columns and gzip member table. */
    record Opened(Header header, Columns columns, long[] memberCompressed, long[] memberUncompressed) {
    }

    private Sidecar() {
    }

    /** The sidecar file name of a log file {@code events-...jsonl.gz}. */
    static String fileName(String logName) {
        return logName.substring(0, logName.length() - ".jsonl.gz".length()) + SUFFIX;
    }

    /** The header if the file exists and its header checksum holds; null otherwise. */
    static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), FIXED_HEADER + 0xFFFF));
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // read the head of the file
            }
            b.flip();
            return parseHeader(b);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static Header parseHeader(ByteBuffer b) {
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(0, magic);
            if (!java.util.Arrays.equals(magic, MAGIC) || b.getInt(8) != VERSION) {
                return null;
            }
            int length = b.getInt(12);
            if (length < FIXED_HEADER || length > b.limit()) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(b.slice(0, length - 4));
            if ((int) crc.getValue() != b.getInt(length - 4)) {
                return null;
            }
            int nameLength = b.getShort(64) & 0xFFFF;
            if (FIXED_HEADER + nameLength != length) {
                return null;
            }
            byte[] name = new byte[nameLength];
            b.get(66, name);
            return new Header(new String(name, StandardCharsets.UTF_8), b.getLong(16), b.getLong(24), b.getInt(32),
                    b.getLong(36), b.getLong(44), b.getLong(52), b.getInt(60), length);
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    private static byte[] headerBytes(Header h) {
        byte[] name = h.logName().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(FIXED_HEADER + name.length);
        b.put(MAGIC).putInt(VERSION).putInt(FIXED_HEADER + name.length).putLong(h.logSize())
                .putLong(h.uncompressedSize()).putInt(h.count()).putLong(h.minTime()).putLong(h.maxTime())
                .putLong(h.bodyLength()).putInt(h.bodyCrc()).putShort((short) name.length).put(name);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Writes a sidecar atomically (temporary file, then rename). */
    static void write(Path file, String logName, long logSize, long uncompressedSize, ColumnBuffer c,
                      long[] memberCompressed, long[] memberUncompressed) throws IOException {
        if (logName.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
            throw new IOException("log file name too long");
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()) + ".tmp");
        int count = c.count();
        long min = count == 0 ? 0 : c.minTime();
        long max = count == 0 ? 0 : c.maxTime();
        Header provisional = new Header(logName, logSize, uncompressedSize, count, min, max, 0, 0, 0);
        int headerLength = headerBytes(provisional).length;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.position(headerLength);
                CRC32C crc = new CRC32C();
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        new CheckedOutputStream(Channels.newOutputStream(ch), crc), 1 << 16));
                for (Columns.Field f : Columns.Field.values()) {
                    List<String> dict = c.dictionary(f);
                    out.writeInt(dict.size());
                    for (String s : dict) {
                        byte[] u = s.getBytes(StandardCharsets.UTF_8);
                        out.writeInt(u.length);
                        out.write(u);
                    }
                }
                out.writeInt(memberCompressed.length);
                for (long v : memberCompressed) {
                    out.writeLong(v);
                }
                for (long v : memberUncompressed) {
                    out.writeLong(v);
                }
                out.writeInt(count);
                long[] time = c.timeArray();
                for (int i = 0; i < count; i++) {
                    out.writeLong(time[i]);
                }
                for (Columns.Field f : List.of(Columns.Field.NAME, Columns.Field.SOURCE, Columns.Field.USER,
                        Columns.Field.KEY, Columns.Field.CATEGORY)) {
                    int[] ids = c.idArray(f);
                    for (int i = 0; i < count; i++) {
                        out.writeInt(ids[i]);
                    }
                }
                out.write(c.readOnlyArray(), 0, count);
                writeLongs(out, c.idHighArray(), count);
                writeLongs(out, c.idLowArray(), count);
                writeLongs(out, c.offsetArray(), count);
                writeInts(out, c.lengthArray(), count);
                writeInts(out, c.resourceStartArray(), count + 1);
                int resources = c.resourceCount();
                out.writeInt(resources);
                writeInts(out, c.resourceTypeArray(), resources);
                writeInts(out, c.resourceArnArray(), resources);
                writeInts(out, c.sortedOrdinals(), count);
                out.flush();
                long bodyLength = ch.position() - headerLength;
                Header h = new Header(logName, logSize, uncompressedSize, count, min, max, bodyLength,
                        (int) crc.getValue(), headerLength);
                ByteBuffer hb = ByteBuffer.wrap(headerBytes(h));
                while (hb.hasRemaining()) {
                    ch.write(hb, hb.position());
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeLongs(DataOutputStream out, long[] a, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            out.writeLong(a[i]);
        }
    }

    private static void writeInts(DataOutputStream out, int[] a, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            out.writeInt(a[i]);
        }
    }

    /**
     * Maps and checks a sidecar: null when it is missing, was made for another log file or size (stale), or fails
     * its checksums or structure (corrupt).
     */
    static Opened open(Path file, String logName, long logSize) throws IOException {
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE || size < FIXED_HEADER) {
                return null;
            }
            m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            return null;
        }
        Header h = parseHeader(m.duplicate());
        if (h == null || !h.logName().equals(logName) || h.logSize() != logSize
                || h.length() + h.bodyLength() != m.capacity()) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(m.slice(h.length(), (int) h.bodyLength()));
        if ((int) crc.getValue() != h.bodyCrc()) {
            return null;
        }
        try {
            ByteBuffer b = m.duplicate();
            b.position(h.length());
            String[][] dicts = new String[Columns.Field.values().length][];
            for (int f = 0; f < dicts.length; f++) {
                int n = b.getInt();
                if (n < 0 || n > b.remaining() / 4) {
                    return null;
                }
                dicts[f] = new String[n];
                for (int i = 0; i < n; i++) {
                    int len = b.getInt();
                    if (len < 0 || len > b.remaining()) {
                        return null;
                    }
                    byte[] s = new byte[len];
                    b.get(s);
                    dicts[f][i] = new String(s, StandardCharsets.UTF_8);
                }
            }
            int members = b.getInt();
            if (members < 0 || members > b.remaining() / 16) {
                return null;
            }
            long[] comp = new long[members];
            long[] uncomp = new long[members];
            for (int i = 0; i < members; i++) {
                comp[i] = b.getLong();
            }
            for (int i = 0; i < members; i++) {
                uncomp[i] = b.getLong();
            }
            int count = b.getInt();
            if (count != h.count() || count < 0) {
                return null;
            }
            int timeBase = b.position();
            long idsBase = timeBase + 8L * count;
            long readOnlyBase = idsBase + 5 * 4L * count;
            long highBase = readOnlyBase + count;
            long lowBase = highBase + 8L * count;
            long offsetBase = lowBase + 8L * count;
            long lengthBase = offsetBase + 8L * count;
            long resStartBase = lengthBase + 4L * count;
            long resCountAt = resStartBase + 4L * (count + 1);
            if (resCountAt + 4 > m.capacity()) {
                return null;
            }
            int resources = m.getInt((int) resCountAt);
            long resTypeBase = resCountAt + 4;
            long resArnBase = resTypeBase + 4L * resources;
            long sortedBase = resArnBase + 4L * resources;
            if (resources < 0 || sortedBase + 4L * count != m.capacity()) {
                return null;
            }
            MappedColumns columns = new MappedColumns(m, count, h.minTime(), h.maxTime(), dicts, timeBase,
                    (int) idsBase, (int) readOnlyBase, (int) highBase, (int) lowBase, (int) offsetBase,
                    (int) lengthBase, (int) resStartBase, (int) resTypeBase, (int) resArnBase, (int) sortedBase);
            return new Opened(h, columns, comp, uncomp);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Columns read straight from the mapped file (no per-event heap). */
    private static final class MappedColumns implements Columns {
        private final ByteBuffer m;
        private final int count;
        private final long minTime;
        private final long maxTime;
        private final String[][] dicts;
        private final Map<String, Integer>[] lookups;
        private final int timeBase;
        private final int idsBase;
        private final int readOnlyBase;
        private final int highBase;
        private final int lowBase;
        private final int offsetBase;
        private final int lengthBase;
        private final int resStartBase;
        private final int resTypeBase;
        private final int resArnBase;
        private final int sortedBase;

        @SuppressWarnings("unchecked")
        MappedColumns(ByteBuffer m, int count, long minTime, long maxTime, String[][] dicts, int timeBase,
                      int idsBase, int readOnlyBase, int highBase, int lowBase, int offsetBase, int lengthBase,
                      int resStartBase, int resTypeBase, int resArnBase, int sortedBase) {
            this.m = m;
            this.count = count;
            this.minTime = minTime;
            this.maxTime = maxTime;
            this.dicts = dicts;
            this.timeBase = timeBase;
            this.idsBase = idsBase;
            this.readOnlyBase = readOnlyBase;
            this.highBase = highBase;
            this.lowBase = lowBase;
            this.offsetBase = offsetBase;
            this.lengthBase = lengthBase;
            this.resStartBase = resStartBase;
            this.resTypeBase = resTypeBase;
            this.resArnBase = resArnBase;
            this.sortedBase = sortedBase;
            this.lookups = new Map[dicts.length];
            for (int i = 0; i < dicts.length; i++) {
                Map<String, Integer> map = new HashMap<>(dicts[i].length * 2);
                for (int j = 0; j < dicts[i].length; j++) {
                    map.put(dicts[i][j], j);
                }
                lookups[i] = map;
            }
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public long minTime() {
            return minTime;
        }

        @Override
        public long maxTime() {
            return maxTime;
        }

        @Override
        public long time(int o) {
            return m.getLong(timeBase + 8 * o);
        }

        @Override
        public int id(Field field, int o) {
            return m.getInt(idsBase + 4 * (field.ordinal() * count + o));
        }

        @Override
        public int readOnly(int o) {
            return m.get(readOnlyBase + o);
        }

        @Override
        public long eventIdHigh(int o) {
            return m.getLong(highBase + 8 * o);
        }

        @Override
        public long eventIdLow(int o) {
            return m.getLong(lowBase + 8 * o);
        }

        @Override
        public long offset(int o) {
            return m.getLong(offsetBase + 8 * o);
        }

        @Override
        public int length(int o) {
            return m.getInt(lengthBase + 4 * o);
        }

        @Override
        public int resourceStart(int o) {
            return m.getInt(resStartBase + 4 * o);
        }

        @Override
        public int resource(Field field, int r) {
            return m.getInt((field == Field.RESOURCE_TYPE ? resTypeBase : resArnBase) + 4 * r);
        }

        @Override
        public int sorted(int p) {
            return m.getInt(sortedBase + 4 * p);
        }

        @Override
        public int lookup(Field field, String value) {
            Integer id = lookups[field.ordinal()].get(value);
            return id == null ? -1 : id;
        }

        @Override
        public String string(Field field, int id) {
            return id < 0 || id >= dicts[field.ordinal()].length ? null : dicts[field.ordinal()][id];
        }

        @Override
        public int dictionarySize(Field field) {
            return dicts[field.ordinal()].length;
        }
    }
}
