package io.mlgate.pii;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import com.google.re2j.Matcher;

/**
 * The mutable state of one {@link PiiScanner#scan}: runs the detectors over each region the walkers hand it,
 * collects their findings (checked, confidence-filtered, snapped to UTF-8 character boundaries or widened to the
 * whole token), keeps the deadline, and finally resolves overlaps. One instance per scan, on one thread. It
 * allocates in proportion to the findings (growing arrays), plus a scratch buffer for escaped strings and cells.
 */
final class ScanSession implements Detector.FindingSink, Dictionary.Hits {

    /** Work units (about one byte of scanning each) between two looks at the clock. */
    static final int CHECK_INTERVAL = 64 * 1024;
    /** The most findings one scan may collect before resolving overlaps; beyond it the payload is unscannable. */
    static final int MAX_FINDINGS = 1_000_000;
    /** JSON numbers with fewer digits are not shown to the built-in detectors (the shortest numeric one is 7). */
    static final int MIN_BUILT_IN_NUMBER_DIGITS = 7;
    private static final int SMALL_CLUSTER = 16;

    private final PiiScanner scanner;
    private final BuiltInDetectors builtIns;
    private final CustomDetectors custom;
    private final Detector[] extra;
    private final long deadline;
    private final double minConfidence;
    private long budget = CHECK_INTERVAL;

    private int count;
    /** The findings so far; allocated with the first one (a payload without PII allocates none of this). */
    private PiiType[] types;
    private double[] confidences;
    private int[] starts;
    private int[] ends;
    private String[] fields;

    private byte[] regionData;
    private int regionFrom;
    private int regionTo;
    private String regionLabel;
    private int mapStart;
    private int mapEnd;
    private String reporter;

    private RegionChars chars;
    private Matcher[] matchers;
    private byte[] scratch;

    private CustomDetectors hitsOwner;
    private byte[] hitsData;
    private int hitsFrom;
    private String hitsField;

    ScanSession(PiiScanner scanner, long deadlineNanos) {
        this.scanner = scanner;
        this.builtIns = scanner.builtIns();
        this.custom = scanner.custom();
        this.extra = scanner.extra();
        this.deadline = deadlineNanos;
        this.minConfidence = scanner.minConfidence();
    }

    // ---------------------------------------------------------------- regions

    /**
     * Runs every detector over {@code data[from, to)}.
     *
     * @param hint          the field hint the detectors get (member name, column header), or {@code null}
     * @param label         the {@link Finding#field} of what is found here
     * @param mapFrom       when not negative, every finding is reported as {@code [mapFrom, mapTo)} of the payload
     *                      instead of its own span: {@code data} is then a decoded copy (an escaped JSON string, a
     *                      quoted CSV cell with {@code ""}) or the region is a JSON number, redacted as a whole
     * @param skipBuiltIns  the built-in detectors cannot find anything here (a short JSON number)
     */
    void region(byte[] data, int from, int to, String hint, String label, int mapFrom, int mapTo,
            boolean skipBuiltIns) {
        if (from >= to) {
            return;
        }
        regionData = data;
        regionFrom = from;
        regionTo = to;
        regionLabel = label;
        mapStart = mapFrom;
        mapEnd = mapTo;
        if (builtIns != null && !skipBuiltIns) {
            runBuiltIns(data, from, to, hint);
        }
        if (custom != null) {
            runCustom(data, from, to, hint);
        }
        if (extra.length > 0) {
            runExtra(data, from, to, hint);
        }
        work(to - from);
    }

    private void runBuiltIns(byte[] data, int from, int to, String hint) {
        reporter = "the built-in detectors";
        try {
            builtIns.scan(data, from, to, hint, this, deadline);
        } catch (PiiScanException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw failure(e);
        }
    }

    private void runCustom(byte[] data, int from, int to, String hint) {
        reporter = "the custom detectors";
        try {
            custom.scan(this, data, from, to, hint);
        } catch (PiiScanException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw failure(e);
        }
    }

    private void runExtra(byte[] data, int from, int to, String hint) {
        for (int i = 0; i < extra.length; i++) {
            reporter = scanner.extraName(i);
            try {
                extra[i].scan(data, from, to, hint, this);
            } catch (PiiScanException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw failure(e);
            }
        }
    }

    /** Whether only the built-in detectors run (no custom, no extra): a region they skip need not be visited. */
    boolean builtInsOnly() {
        return custom == null && extra.length == 0;
    }

    /**
     * Whether scanning the same bytes with the same hint again is known to give the same findings: true for the
     * built-in and custom detectors (pure functions of the region and hint), not assumed of plug-ins.
     */
    boolean repeatable() {
        return extra.length == 0;
    }

    /** A detector failed: fail closed. The cause is not attached: its message might quote the payload. */
    private PiiScanException failure(Throwable e) {
        return new PiiScanException(PiiScanException.Reason.DETECTOR_FAILURE,
                "PII scan failed: " + reporter + " threw " + e.getClass().getName());
    }

    @Override
    public void found(PiiType type, double confidence, int start, int end) {
        if (type == null || !(confidence >= 0.0 && confidence <= 1.0) || start < regionFrom || end > regionTo
                || start >= end) {
            throw new PiiScanException(PiiScanException.Reason.DETECTOR_FAILURE,
                    "PII scan failed: " + reporter + " reported a finding outside its region or without a type "
                            + "or a confidence between 0 and 1");
        }
        if (confidence < minConfidence) {
            return;
        }
        if (mapStart >= 0) {
            start = mapStart;
            end = mapEnd;
            int last = count - 1;
            if (last >= 0 && starts[last] == start && ends[last] == end && types[last].equals(type)) {
                confidences[last] = Math.max(confidences[last], confidence);
                return; // the same token again (several matches in one escaped string)
            }
        } else {
            byte[] d = regionData;
            while (start > regionFrom && Utf8.continuation(d[start])) {
                start--; // never split a UTF-8 character: the redactor replaces whole characters
            }
            while (end < regionTo && Utf8.continuation(d[end])) {
                end++;
            }
        }
        if (types == null) {
            types = new PiiType[16];
            confidences = new double[16];
            starts = new int[16];
            ends = new int[16];
            fields = new String[16];
        } else if (count == types.length) {
            if (count == MAX_FINDINGS) {
                throw new PiiScanException(PiiScanException.Reason.UNSCANNABLE,
                        "PII scan failed: more than " + MAX_FINDINGS + " findings in one payload");
            }
            grow();
        }
        types[count] = type;
        confidences[count] = confidence;
        starts[count] = start;
        ends[count] = end;
        fields[count] = regionLabel;
        count++;
    }

    private void grow() {
        int size = Math.min(MAX_FINDINGS, count * 2);
        types = Arrays.copyOf(types, size);
        confidences = Arrays.copyOf(confidences, size);
        starts = Arrays.copyOf(starts, size);
        ends = Arrays.copyOf(ends, size);
        fields = Arrays.copyOf(fields, size);
    }

    /** How many findings have been collected so far (walkers compare it before and after a region). */
    int count() {
        return count;
    }

    PiiType typeAt(int index) {
        return types[index];
    }

    /** Forgets every finding: the payload is scanned again in another format. */
    void reset() {
        count = 0;
        if (fields != null) {
            Arrays.fill(fields, null);
        }
    }

    // ---------------------------------------------------------------- deadline

    /** Counts {@code units} of work; looks at the clock once {@link #CHECK_INTERVAL} have accumulated. */
    void work(long units) {
        budget -= units;
        if (budget <= 0) {
            budget = CHECK_INTERVAL;
            checkDeadline();
        }
    }

    void checkDeadline() {
        if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
            throw new PiiScanException(PiiScanException.Reason.TIMEOUT, "PII scan did not finish before its deadline");
        }
    }

    // ---------------------------------------------------------------- scratch state for detectors and walkers

    /** A buffer of at least {@code size} bytes, reused for the whole scan. */
    byte[] scratch(int size) {
        if (scratch == null || scratch.length < size) {
            scratch = new byte[Math.max(size, scratch == null ? 256 : scratch.length * 2)];
        }
        return scratch;
    }

    RegionChars regionChars() {
        if (chars == null) {
            chars = new RegionChars(this);
        }
        return chars;
    }

    Matcher matcher(int pattern, RegionChars input) {
        if (matchers == null) {
            matchers = new Matcher[scanner.custom().patternCount()];
        }
        Matcher m = matchers[pattern];
        if (m == null) {
            m = scanner.custom().newMatcher(pattern, input);
            matchers[pattern] = m;
        } else {
            m.reset(input);
        }
        return m;
    }

    Dictionary.Hits dictionaryHits(CustomDetectors owner, byte[] data, int from, String field) {
        hitsOwner = owner;
        hitsData = data;
        hitsFrom = from;
        hitsField = field;
        return this;
    }

    @Override
    public void hit(int detector, int start, int end) {
        hitsOwner.report(this, detector, hitsData, hitsFrom, start, end, hitsField);
    }

    // ---------------------------------------------------------------- result

    /**
     * The findings without overlaps, in payload order. Where spans overlap, the more confident finding wins, then
     * the longer, then the earlier, then the type name first in order: findings are accepted greedily in that order
     * and each one overlapping an accepted finding is dropped. Only findings that overlap each other (a cluster
     * found by one sweep in start order) are compared, so the usual case, no overlaps, costs a sort by start.
     */
    ScanResult result(PayloadFormat format) {
        int n = count;
        if (n == 0) {
            return ScanResult.empty(format);
        }
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = (long) starts[i] << 32 | i;
        }
        Arrays.sort(order);
        int[] accepted = new int[n];
        int kept = 0;
        int i = 0;
        while (i < n) {
            int first = (int) order[i];
            int maxEnd = ends[first];
            int j = i + 1;
            while (j < n && starts[(int) order[j]] < maxEnd) {
                maxEnd = Math.max(maxEnd, ends[(int) order[j]]);
                j++;
            }
            if (j == i + 1) {
                accepted[kept++] = first;
            } else {
                kept = resolve(order, i, j, accepted, kept);
            }
            i = j;
        }
        List<Finding> findings = new ArrayList<>(kept);
        for (int k = 0; k < kept; k++) {
            int x = accepted[k];
            findings.add(new Finding(types[x], confidences[x], starts[x], ends[x], fields[x]));
        }
        return new ScanResult(format, findings);
    }

    private int resolve(long[] order, int from, int to, int[] accepted, int kept) {
        int k = to - from;
        int first = kept;
        if (k <= SMALL_CLUSTER) {
            // the usual case (a few detectors agreeing on a token): insertion sort, pairwise overlap checks
            int[] members = new int[k];
            for (int m = 0; m < k; m++) {
                int x = (int) order[from + m];
                int at = m;
                while (at > 0 && before(x, members[at - 1])) {
                    members[at] = members[at - 1];
                    at--;
                }
                members[at] = x;
            }
            for (int x : members) {
                boolean free = true;
                for (int a = first; a < kept && free; a++) {
                    free = ends[accepted[a]] <= starts[x] || ends[x] <= starts[accepted[a]];
                }
                if (free) {
                    accepted[kept++] = x;
                }
            }
        } else {
            Integer[] members = new Integer[k];
            for (int m = 0; m < k; m++) {
                members[m] = (int) order[from + m];
            }
            Arrays.sort(members, (a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0);
            TreeMap<Integer, Integer> taken = new TreeMap<>();
            for (Integer x : members) {
                int s = starts[x];
                int e = ends[x];
                var below = taken.floorEntry(s);
                if (below != null && below.getValue() > s) {
                    continue;
                }
                Integer above = taken.ceilingKey(s);
                if (above != null && above < e) {
                    continue;
                }
                taken.put(s, e);
                accepted[kept++] = x;
            }
        }
        // the accepted members do not overlap, so their starts are distinct: order them by start
        long[] byStart = new long[kept - first];
        for (int a = first; a < kept; a++) {
            byStart[a - first] = (long) starts[accepted[a]] << 32 | accepted[a];
        }
        Arrays.sort(byStart);
        for (int a = first; a < kept; a++) {
            accepted[a] = (int) byStart[a - first];
        }
        return kept;
    }

    /** Whether finding {@code a} wins over {@code b}: more confident, longer, earlier, type name, then index. */
    private boolean before(int a, int b) {
        if (confidences[a] != confidences[b]) {
            return confidences[a] > confidences[b];
        }
        int la = ends[a] - starts[a];
        int lb = ends[b] - starts[b];
        if (la != lb) {
            return la > lb;
        }
        if (starts[a] != starts[b]) {
            return starts[a] < starts[b];
        }
        int byType = types[a].compareTo(types[b]);
        if (byType != 0) {
            return byType < 0;
        }
        return a < b;
    }
}
