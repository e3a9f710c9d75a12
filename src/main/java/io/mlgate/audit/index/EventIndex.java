package io.mlgate.audit.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LookupEvents index of an audit folder: finds the events matching one attribute and a time range among all
 * log files, newest first, without reading the log files.
 *
 * <p>Closed log files ({@code events-*.jsonl.gz}) are indexed by a sidecar each under {@code audit/index/} (see
 * {@link Sidecar} for the format), built from the log file when missing, stale or corrupt. The segment being written
 * ({@code events-*.jsonl}) is indexed in memory and caught up at every lookup; when it is closed into its
 * {@code .jsonl.gz}, that in-memory index seeds the new sidecar (only the gzip member table is read again).
 *
 * <p>Memory: sidecars are memory-mapped, never read onto the heap; only their string dictionaries and gzip member
 * tables are, for at most {@value #OPEN_SIDECARS} recently used files at a time, plus a few dozen bytes per log file
 * (name, time bounds). The segments not yet compressed are held in memory (about 70 bytes per event, bounded by the
 * segment size limit). Files whose time bounds miss the query range are never opened.
 *
 * <p>Rebuild: {@link #open} starts one background thread that builds every missing, stale or corrupt sidecar,
 * newest log file first. A lookup that reaches a file before that thread did builds (or waits for) that file's
 * sidecar itself, so lookups are always complete; the first one after losing {@code audit/index/} is slow.
 *
 * <p>Thread-safe: lookups may run concurrently with each other, with the rebuild, and with the gateway appending to,
 * rolling and compressing segments.
 */
public final class EventIndex implements AutoCloseable {

    static final int OPEN_SIDECARS = 64;
    /** Members up to this size are inflated whole (and reused for the other records of the page). */
    private static final int CACHED_MEMBER = 1 << 20;
    private static final Pattern LOG_NAME = Pattern.compile("events-\\d{8}T\\d{6}Z-(\\d{6,18})\\.jsonl(\\.gz)?");
    private static final Duration STALE_TEMPORARY = Duration.ofMinutes(10);

    private final Path auditDir;
    private final Path indexDir;
    private final TreeMap<Long, Object> segments = new TreeMap<>(); // ClosedSegment or ActiveSegment; guarded by this
    private final LinkedHashMap<ClosedSegment, Boolean> openSidecars = new LinkedHashMap<>(16, 0.75f, true);
    private final CountDownLatch rebuilt = new CountDownLatch(1);
    private final Thread rebuilder;
    private volatile boolean closed;

    private EventIndex(Path auditDir) {
        this.auditDir = auditDir;
        this.indexDir = auditDir.resolve("index");
        this.rebuilder = new Thread(this::rebuild, "audit-index-rebuild");
        this.rebuilder.setDaemon(true);
    }

    /**
     * Opens the index of {@code auditDir} (which need not exist yet) and starts building missing sidecars in the
     * background. Close it to stop that thread and release the open files.
     */
    public static EventIndex open(Path auditDir) {
        EventIndex index = new EventIndex(Objects.requireNonNull(auditDir, "auditDir"));
        index.rebuilder.start();
        return index;
    }

    public Path auditDir() {
        return auditDir;
    }

    /** Waits until the background rebuild started by {@link #open} has finished; false on timeout. */
    public boolean awaitRebuild(Duration timeout) throws InterruptedException {
        return rebuilt.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * One page of the events matching {@code query}, newest first (descending {@link EventPosition}).
     *
     * @param after the {@code next} position of the previous page, or null for the first page
     * @param limit the page size, at least 1
     */
    public EventPage lookup(EventQuery query, EventPosition after, int limit) throws IOException {
        Objects.requireNonNull(query, "query");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        if (closed) {
            throw new IllegalStateException("the event index is closed");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return lookupOnce(query, after, limit);
            } catch (SegmentGoneException e) {
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        rebuilder.interrupt();
        try {
            rebuilder.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (Object s : segments.values()) {
                if (s instanceof ActiveSegment a) {
                    a.close();
                }
            }
        }
    }

    /** Sidecar builds done by this process (tests). */
    synchronized long sidecarBuilds() {
        long n = 0;
        for (Object s : segments.values()) {
            if (s instanceof ClosedSegment c) {
                n += c.builds();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ background rebuild

    private void rebuild() {
        try {
            List<ClosedSegment> closedSegments = new ArrayList<>();
            for (Object s : refresh()) {
                if (s instanceof ClosedSegment c) {
                    closedSegments.add(c);
                }
            }
            removeOrphans(closedSegments);
            for (ClosedSegment c : closedSegments) { // newest first
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                try {
                    openSidecar(c);
                } catch (IOException e) {
                    // gone or unreadable now: a lookup that needs it retries and reports the error
                }
            }
        } catch (IOException | RuntimeException e) {
            // the folder is unreadable now; lookups report it
        } finally {
            rebuilt.countDown();
        }
    }

    /** Deletes sidecars of log files that no longer exist, and old temporary files. */
    private void removeOrphans(List<ClosedSegment> live) throws IOException {
        Set<String> wanted = new HashSet<>();
        for (ClosedSegment c : live) {
            wanted.add(c.sidecarFile.getFileName().toString());
        }
        Instant staleBefore = Instant.now().minus(STALE_TEMPORARY);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(indexDir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(Sidecar.SUFFIX) && !wanted.contains(name)
                        && !Files.exists(auditDir.resolve(name.substring(0, name.length() - Sidecar.SUFFIX.length())
                        + ".jsonl.gz"))) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(".tmp")) {
                    FileTime t = Files.getLastModifiedTime(p);
                    if (t.toInstant().isBefore(staleBefore)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // no index yet
        }
    }

    // ------------------------------------------------------------------ folder state

    /** A caught-up view of a segment being written. */
    private record Tail(ActiveSegment segment, Columns columns) {
    }

    /**
     * Brings the segment list up to date with the folder and catches up the segments being written; returns the
     * segments newest first (ClosedSegment or Tail).
     */
    private synchronized List<Object> refresh() throws IOException {
        Map<Long, String> compressed = new HashMap<>();
        Map<Long, String> plain = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(auditDir, "events-*")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                Matcher m = LOG_NAME.matcher(name);
                if (!m.matches()) {
                    continue;
                }
                long seq;
                try {
                    seq = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                (m.group(2) != null ? compressed : plain).put(seq, name);
            }
        } catch (NoSuchFileException e) {
            // no audit folder yet: no events
        }
        for (Iterator<Map.Entry<Long, Object>> it = segments.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Object> e = it.next();
            if (!compressed.containsKey(e.getKey()) && !plain.containsKey(e.getKey())) {
                it.remove();
                forget(e.getValue(), true);
            }
        }
        for (Map.Entry<Long, String> e : compressed.entrySet()) {
            Object existing = segments.get(e.getKey());
            String name = e.getValue();
            if (existing instanceof ClosedSegment c && c.logName.equals(name)) {
                continue;
            }
            ClosedSegment.Seed seed = null;
            if (existing instanceof ActiveSegment a && name.equals(a.logName + ".gz")) {
                seed = a.handOver();
            } else if (existing != null) {
                forget(existing, false);
            }
            segments.put(e.getKey(), new ClosedSegment(e.getKey(), name, auditDir.resolve(name),
                    indexDir.resolve(Sidecar.fileName(name)), seed));
        }
        for (Map.Entry<Long, String> e : plain.entrySet()) {
            if (compressed.containsKey(e.getKey())) {
                continue; // the rename to .jsonl.gz is the commit point; the .jsonl is about to be deleted
            }
            Object existing = segments.get(e.getKey());
            if (existing instanceof ActiveSegment a && a.logName.equals(e.getValue())) {
                continue;
            }
            if (existing != null) {
                forget(existing, false);
            }
            segments.put(e.getKey(), new ActiveSegment(e.getKey(), e.getValue(), auditDir.resolve(e.getValue())));
        }
        List<Object> view = new ArrayList<>(segments.size());
        for (Object s : segments.descendingMap().values()) {
            if (s instanceof ActiveSegment a) {
                Columns c = a.catchUp();
                if (c == null) {
                    throw new SegmentGoneException(a.logName); // compressed meanwhile: list the folder again
                }
                view.add(new Tail(a, c));
            } else {
                view.add(s);
            }
        }
        return view;
    }

    private void forget(Object segment, boolean logDeleted) throws IOException {
        if (segment instanceof ActiveSegment a) {
            a.close();
        } else if (segment instanceof ClosedSegment c) {
            synchronized (openSidecars) {
                openSidecars.remove(c);
            }
            c.release();
            if (logDeleted) {
                Files.deleteIfExists(c.sidecarFile);
            }
        }
    }

    private Sidecar.Opened openSidecar(ClosedSegment c) throws IOException {
        Sidecar.Opened o = c.open();
        ClosedSegment evicted = null;
        synchronized (openSidecars) {
            openSidecars.put(c, Boolean.TRUE);
            if (openSidecars.size() > OPEN_SIDECARS) {
                Iterator<ClosedSegment> it = openSidecars.keySet().iterator();
                evicted = it.next();
                it.remove();
            }
        }
        if (evicted != null) {
            evicted.release();
        }
        return o;
    }

    // ------------------------------------------------------------------ lookup

    private record Candidate(Object segment, long seq, long maxTime) {
    }

    private record Hit(Cursor cursor, int ordinal, long time) {
    }

    /** Walks one file's matching events in descending (time, ordinal) order. */
    private static final class Cursor {
        final long seq;
        final Columns columns;
        final Object source; // ActiveSegment, or the ClosedSegment's Sidecar.Opened
        final ClosedSegment closedSegment;
        private final EventFilter filter;
        private final long from;
        private int p;
        long headTime;
        int headOrdinal;

        Cursor(long seq, Columns columns, Object source, ClosedSegment closedSegment, EventFilter filter, long from,
               long boundTime, int boundOrdinal) {
            this.seq = seq;
            this.columns = columns;
            this.source = source;
            this.closedSegment = closedSegment;
            this.filter = filter;
            this.from = from;
            int lo = 0;
            int hi = columns.count();
            while (lo < hi) { // first position whose (time, ordinal) is not below the bound
                int mid = (lo + hi) >>> 1;
                int o = columns.sorted(mid);
                long t = columns.time(o);
                if (t < boundTime || (t == boundTime && o < boundOrdinal)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            this.p = lo - 1;
        }

        /** Moves the head to the next matching event; false when there is none. */
        boolean advance() {
            while (p >= 0) {
                int o = columns.sorted(p--);
                long t = columns.time(o);
                if (t < from) {
                    p = -1;
                    return false;
                }
                if (filter.test(columns, o)) {
                    headTime = t;
                    headOrdinal = o;
                    return true;
                }
            }
            return false;
        }
    }

    private static final Comparator<Cursor> NEWEST_HEAD = (a, b) -> {
        int c = Long.compare(b.headTime, a.headTime);
        if (c != 0) {
            return c;
        }
        c = Long.compare(b.seq, a.seq);
        return c != 0 ? c : Integer.compare(b.headOrdinal, a.headOrdinal);
    };

    private EventPage lookupOnce(EventQuery q, EventPosition after, int limit) throws IOException {
        List<Object> view = refresh();
        long from = q.fromSecond();
        long upper = after == null ? q.toSecond() : Math.min(q.toSecond(), after.eventSecond());
        if (from > upper) {
            return new EventPage(List.of(), Optional.empty());
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Object s : view) {
            long seq;
            int count;
            long min;
            long max;
            if (s instanceof Tail t) {
                seq = t.segment().seq;
                count = t.columns().count();
                min = t.columns().minTime();
                max = t.columns().maxTime();
            } else {
                ClosedSegment c = (ClosedSegment) s;
                Sidecar.Header h = c.summary();
                if (h == null) {
                    h = openSidecar(c).header();
                }
                seq = c.seq;
                count = h.count();
                min = h.minTime();
                max = h.maxTime();
            }
            if (count > 0 && max >= from && min <= upper) {
                candidates.add(new Candidate(s, seq, max));
            }
        }
        candidates.sort((a, b) -> a.maxTime() != b.maxTime() ? Long.compare(b.maxTime(), a.maxTime())
                : Long.compare(b.seq(), a.seq()));

        PriorityQueue<Cursor> heads = new PriorityQueue<>(NEWEST_HEAD);
        List<Hit> hits = new ArrayList<>(limit + 1);
        int next = 0;
        while (hits.size() <= limit) {
            while (next < candidates.size() && (heads.isEmpty()
                    || candidates.get(next).maxTime() >= heads.peek().headTime)) {
                Cursor c = cursor(candidates.get(next++), q, after, from);
                if (c != null && c.advance()) {
                    heads.add(c);
                }
            }
            Cursor top = heads.poll();
            if (top == null) {
                break;
            }
            hits.add(new Hit(top, top.headOrdinal, top.headTime));
            if (top.advance()) {
                heads.add(top);
            }
        }
        boolean more = hits.size() > limit;
        if (more) {
            hits = hits.subList(0, limit);
        }
        List<IndexedEvent> events = new ArrayList<>(hits.size());
        try (RecordReads reads = new RecordReads()) {
            for (Hit h : hits) {
                String record = reads.read(h.cursor(), h.ordinal());
                EventPosition position = new EventPosition(h.time(), h.cursor().seq, h.ordinal());
                IndexedEvent event = toEvent(position, record);
                if (event == null) { // the file changed under its index
                    if (h.cursor().closedSegment != null) {
                        h.cursor().closedSegment.invalidate();
                    }
                    throw new SegmentGoneException(String.valueOf(h.cursor().seq));
                }
                events.add(event);
            }
        }
        Optional<EventPosition> nextPosition = more ? Optional.of(events.get(events.size() - 1).position())
                : Optional.empty();
        return new EventPage(events, nextPosition);
    }

    private Cursor cursor(Candidate candidate, EventQuery q, EventPosition after, long from) throws IOException {
        long seq = candidate.seq();
        long boundTime = q.toSecond();
        int boundOrdinal = Integer.MAX_VALUE;
        if (after != null) {
            long at = after.eventSecond();
            int ao = seq > after.segmentSequence() ? 0
                    : seq == after.segmentSequence() ? after.ordinal() : Integer.MAX_VALUE;
            if (at < boundTime || (at == boundTime && ao < boundOrdinal)) {
                boundTime = at;
                boundOrdinal = ao;
            }
        }
        Columns columns;
        Object source;
        ClosedSegment closedSegment = null;
        if (candidate.segment() instanceof Tail t) {
            columns = t.columns();
            source = t.segment();
        } else {
            closedSegment = (ClosedSegment) candidate.segment();
            Sidecar.Opened o = openSidecar(closedSegment);
            columns = o.columns();
            source = o;
        }
        EventFilter filter = EventFilter.compile(columns, q.attribute(), q.includeDataEvents());
        return filter == null ? null
                : new Cursor(seq, columns, source, closedSegment, filter, from, boundTime, boundOrdinal);
    }

    private static IndexedEvent toEvent(EventPosition position, String record) {
        byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
        RecordFields f = RecordFields.parse(bytes, 0, bytes.length);
        if (f == null) {
            return null;
        }
        List<IndexedEvent.Resource> resources = new ArrayList<>(f.resourceArns.size());
        for (int i = 0; i < f.resourceArns.size(); i++) {
            String arn = f.resourceArns.get(i);
            resources.add(new IndexedEvent.Resource(f.resourceTypes.get(i), arn,
                    arn == null ? null : RecordFields.lastPart(arn)));
        }
        Boolean readOnly = f.readOnly == 2 ? null : f.readOnly == 1;
        return new IndexedEvent(position, f.eventId, f.eventName, f.eventSource, readOnly, f.username,
                f.accessKeyId, f.eventCategory, resources, record);
    }

    /** Reads the records of one page: one channel per closed file, each gzip member inflated at most once. */
    private static final class RecordReads implements AutoCloseable {
        private final Map<ClosedSegment, FileChannel> channels = new HashMap<>();
        private ClosedSegment cachedSegment;
        private int cachedMember = -1;
        private byte[] cachedBytes;

        String read(Cursor cursor, int ordinal) throws IOException {
            long offset = cursor.columns.offset(ordinal);
            int length = cursor.columns.length(ordinal);
            byte[] bytes;
            if (cursor.source instanceof ActiveSegment a) {
                bytes = a.read(offset, length);
            } else {
                bytes = readCompressed(cursor.closedSegment, (Sidecar.Opened) cursor.source, offset, length);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private byte[] readCompressed(ClosedSegment segment, Sidecar.Opened o, long offset, int length)
                throws IOException {
            long[] starts = o.memberUncompressed();
            int lo = 0;
            int hi = starts.length - 1;
            while (lo < hi) { // the last member starting at or before offset
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            int member = lo;
            long memberStart = starts[member];
            long memberEnd = member + 1 < starts.length ? starts[member + 1] : o.header().uncompressedSize();
            FileChannel ch = channel(segment);
            try {
                if (memberEnd - memberStart <= CACHED_MEMBER) {
                    if (cachedSegment != segment || cachedMember != member) {
                        cachedBytes = GzipMembers.read(ch, o.memberCompressed()[member], 0,
                                (int) (memberEnd - memberStart));
                        cachedSegment = segment;
                        cachedMember = member;
                    }
                    int from = (int) (offset - memberStart);
                    return java.util.Arrays.copyOfRange(cachedBytes, from, from + length);
                }
                return GzipMembers.read(ch, o.memberCompressed()[member], offset - memberStart, length);
            } catch (GzipMembers.FormatException e) {
                segment.invalidate(); // the file changed under its sidecar: index it again
                throw new SegmentGoneException(segment.logName);
            }
        }

        private FileChannel channel(ClosedSegment segment) throws IOException {
            FileChannel ch = channels.get(segment);
            if (ch == null) {
                try {
                    ch = FileChannel.open(segment.log, StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    throw new SegmentGoneException(segment.logName);
                }
                channels.put(segment, ch);
            }
            return ch;
        }

        @Override
        public void close() throws IOException {
            for (FileChannel ch : channels.values()) {
                ch.close();
            }
        }
    }
}
