package io.mlgate.audit.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Growable in-memory columns: the index of the segment being written, and the builder of a sidecar. One thread
 * appends; {@link #snapshot()} hands readers an immutable view of the events appended so far (appends never write
 * below a snapshot's count, and growth copies the arrays, so a snapshot stays valid without locking once it has been
 * safely published).
 */
final class ColumnBuffer {

    private static final int FIELDS = Columns.Field.values().length;

    private int count;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long[] time = new long[64];
    private final int[][] ids = new int[5][64]; // NAME, SOURCE, USER, KEY, CATEGORY
    private byte[] readOnly = new byte[64];
    private long[] idHigh = new long[64];
    private long[] idLow = new long[64];
    private long[] offset = new long[64];
    private int[] length = new int[64];
    private int[] resourceStart = new int[65];
    private int resources;
    private int[] resourceType = new int[64];
    private int[] resourceArn = new int[64];
    private final Dictionary[] dictionaries = new Dictionary[FIELDS];
    private int[] sorted = new int[0];
    private Columns lastSnapshot;

    ColumnBuffer() {
        for (int i = 0; i < FIELDS; i++) {
            dictionaries[i] = new Dictionary();
        }
    }

    int count() {
        return count;
    }

    /** Appends one event read at {@code offset} (uncompressed), {@code length} bytes without the newline. */
    void add(RecordFields f, long recordOffset, int recordLength) {
        if (count == time.length) {
            int n = count * 2;
            time = Arrays.copyOf(time, n);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Arrays.copyOf(ids[i], n);
            }
            readOnly = Arrays.copyOf(readOnly, n);
            idHigh = Arrays.copyOf(idHigh, n);
            idLow = Arrays.copyOf(idLow, n);
            offset = Arrays.copyOf(offset, n);
            length = Arrays.copyOf(length, n);
            resourceStart = Arrays.copyOf(resourceStart, n + 1);
        }
        int o = count;
        time[o] = f.eventSecond;
        minTime = Math.min(minTime, f.eventSecond);
        maxTime = Math.max(maxTime, f.eventSecond);
        ids[0][o] = dictionaries[0].id(f.eventName);
        ids[1][o] = dictionaries[1].id(f.eventSource);
        ids[2][o] = dictionaries[2].id(f.username);
        ids[3][o] = dictionaries[3].id(f.accessKeyId);
        ids[4][o] = dictionaries[4].id(f.eventCategory);
        readOnly[o] = (byte) f.readOnly;
        long[] key = EventIdKey.of(f.eventId);
        idHigh[o] = key[0];
        idLow[o] = key[1];
        offset[o] = recordOffset;
        length[o] = recordLength;
        for (int i = 0; i < f.resourceArns.size(); i++) {
            if (resources == resourceType.length) {
                resourceType = Arrays.copyOf(resourceType, resources * 2);
                resourceArn = Arrays.copyOf(resourceArn, resources * 2);
            }
            resourceType[resources] = dictionaries[5].id(f.resourceTypes.get(i));
            resourceArn[resources] = dictionaries[6].id(f.resourceArns.get(i));
            resources++;
        }
        resourceStart[o + 1] = resources;
        count = o + 1;
    }

    /** An immutable view of the events added so far (cached while nothing is added). */
    Columns snapshot() {
        if (lastSnapshot != null && lastSnapshot.count() == count) {
            return lastSnapshot;
        }
        sorted = extendSorted(sorted, count);
        String[][] dicts = new String[FIELDS][];
        for (int i = 0; i < FIELDS; i++) {
            dicts[i] = dictionaries[i].frozen();
        }
        lastSnapshot = new ArrayColumns(count, minTime, maxTime, time, ids.clone(), readOnly, idHigh, idLow, offset, length,
                resourceStart, resourceType, resourceArn, sorted, dicts);
        return lastSnapshot;
    }

    /** A deep copy (to seed the sidecar of a segment that was being tailed). */
    ColumnBuffer copy() {
        ColumnBuffer c = new ColumnBuffer();
        c.count = count;
        c.minTime = minTime;
        c.maxTime = maxTime;
        c.time = time.clone();
        for (int i = 0; i < ids.length; i++) {
            c.ids[i] = ids[i].clone();
        }
        c.readOnly = readOnly.clone();
        c.idHigh = idHigh.clone();
        c.idLow = idLow.clone();
        c.offset = offset.clone();
        c.length = length.clone();
        c.resourceStart = resourceStart.clone();
        c.resources = resources;
        c.resourceType = resourceType.clone();
        c.resourceArn = resourceArn.clone();
        for (int i = 0; i < FIELDS; i++) {
            c.dictionaries[i] = dictionaries[i].copy();
        }
        c.sorted = sorted;
        return c;
    }

    /** {@code old} (sorted positions of the first old.length ordinals) extended to {@code n} ordinals. */
    private int[] extendSorted(int[] old, int n) {
        int from = old.length;
        if (from == n) {
            return old;
        }
        int[] added = new int[n - from];
        for (int i = 0; i < added.length; i++) {
            added[i] = from + i;
        }
        sortByTime(added, time);
        int[] out = new int[n];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < old.length && j < added.length) {
            // ties: the older ordinal (always in old) first
            out[k++] = time[added[j]] < time[old[i]] ? added[j++] : old[i++];
        }
        while (i < old.length) {
            out[k++] = old[i++];
        }
        while (j < added.length) {
            out[k++] = added[j++];
        }
        return out;
    }

    /** Stable merge sort of ordinals by time: equal times keep their (ascending ordinal) order. */
    static void sortByTime(int[] a, long[] time) {
        if (a.length < 2) {
            return;
        }
        boolean sortedAlready = true;
        for (int i = 1; i < a.length && sortedAlready; i++) {
            sortedAlready = time[a[i - 1]] <= time[a[i]];
        }
        if (sortedAlready) {
            return;
        }
        int[] tmp = new int[a.length];
        for (int width = 1; width < a.length; width *= 2) {
            for (int lo = 0; lo < a.length; lo += 2 * width) {
                int mid = Math.min(lo + width, a.length);
                int hi = Math.min(lo + 2 * width, a.length);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    tmp[k++] = time[a[j]] < time[a[i]] ? a[j++] : a[i++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
            }
            System.arraycopy(tmp, 0, a, 0, a.length);
        }
    }

    // ---- accessors used by the sidecar writer (valid for [0, count))

    long minTime() {
        return minTime;
    }

    long maxTime() {
        return maxTime;
    }

    long[] timeArray() {
        return time;
    }

    int[] idArray(Columns.Field f) {
        return ids[f.ordinal()];
    }

    byte[] readOnlyArray() {
        return readOnly;
    }

    long[] idHighArray() {
        return idHigh;
    }

    long[] idLowArray() {
        return idLow;
    }

    long[] offsetArray() {
        return offset;
    }

    int[] lengthArray() {
        return length;
    }

    int[] resourceStartArray() {
        return resourceStart;
    }

    int resourceCount() {
        return resources;
    }

    int[] resourceTypeArray() {
        return resourceType;
    }

    int[] resourceArnArray() {
        return resourceArn;
    }

    List<String> dictionary(Columns.Field f) {
        return dictionaries[f.ordinal()].values;
    }

    /** All ordinals sorted by (time, ordinal). */
    int[] sortedOrdinals() {
        sorted = extendSorted(sorted, count);
        return sorted;
    }

    /** Append-only string to id map. */
    private static final class Dictionary {
        private final List<String> values = new ArrayList<>();
        private final Map<String, Integer> ids = new HashMap<>();
        private String[] frozen = new String[0];

        int id(String v) {
            if (v == null) {
                return -1;
            }
            Integer id = ids.get(v);
            if (id == null) {
                id = values.size();
                values.add(v);
                ids.put(v, id);
            }
            return id;
        }

        String[] frozen() {
            if (frozen.length != values.size()) {
                frozen = values.toArray(new String[0]);
            }
            return frozen;
        }

        Dictionary copy() {
            Dictionary d = new Dictionary();
            d.values.addAll(values);
            d.ids.putAll(ids);
            return d;
        }
    }

    /** A frozen view over arrays (shared with the buffer up to {@code count}). */
    private static final class ArrayColumns implements Columns {
        private final int count;
        private final long minTime;
        private final long maxTime;
        private final long[] time;
        private final int[][] ids;
        private final byte[] readOnly;
        private final long[] idHigh;
        private final long[] idLow;
        private final long[] offset;
        private final int[] length;
        private final int[] resourceStart;
        private final int[] resourceType;
        private final int[] resourceArn;
        private final int[] sorted;
        private final String[][] dicts;
        private final Map<String, Integer>[] lookups;

        @SuppressWarnings("unchecked")
        ArrayColumns(int count, long minTime, long maxTime, long[] time, int[][] ids, byte[] readOnly, long[] idHigh, long[] idLow,
                     long[] offset, int[] length, int[] resourceStart, int[] resourceType, int[] resourceArn,
                     int[] sorted, String[][] dicts) {
            this.count = count;
            this.minTime = minTime;
            this.maxTime = maxTime;
            this.time = time;
            this.ids = ids;
            this.readOnly = readOnly;
            this.idHigh = idHigh;
            this.idLow = idLow;
            this.offset = offset;
            this.length = length;
            this.resourceStart = resourceStart;
            this.resourceType = resourceType;
            this.resourceArn = resourceArn;
            this.sorted = sorted;
            this.dicts = dicts;
            this.lookups = new Map[dicts.length];
            for (int i = 0; i < dicts.length; i++) {
                Map<String, Integer> m = new HashMap<>();
                for (int j = 0; j < dicts[i].length; j++) {
                    m.put(dicts[i][j], j);
                }
                lookups[i] = m;
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
            return time[o];
        }

        @Override
        public int id(Field field, int o) {
            return ids[field.ordinal()][o];
        }

        @Override
        public int readOnly(int o) {
            return readOnly[o];
        }

        @Override
        public long eventIdHigh(int o) {
            return idHigh[o];
        }

        @Override
        public long eventIdLow(int o) {
            return idLow[o];
        }

        @Override
        public long offset(int o) {
            return offset[o];
        }

        @Override
        public int length(int o) {
            return length[o];
        }

        @Override
        public int resourceStart(int o) {
            return resourceStart[o];
        }

        @Override
        public int resource(Field field, int r) {
            return field == Field.RESOURCE_TYPE ? resourceType[r] : resourceArn[r];
        }

        @Override
        public int sorted(int p) {
            return sorted[p];
        }

        @Override
        public int lookup(Field field, String value) {
            Integer id = lookups[field.ordinal()].get(value);
            return id == null ? -1 : id;
        }

        @Override
        public String string(Field field, int id) {
            return id < 0 ? null : dicts[field.ordinal()][id];
        }

        @Override
        public int dictionarySize(Field field) {
            return dicts[field.ordinal()].length;
        }
    }
}
