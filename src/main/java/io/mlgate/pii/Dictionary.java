package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The deny-lists of every custom detector compiled into one Aho–Corasick automaton, completed into a DFA over byte
 * classes: a region is read once, one table step per byte, whatever the number of entries or detectors. Matching is
 * case-insensitive for ASCII letters (entries and text are folded to lower case; other bytes match exactly) and
 * happens on word boundaries: an entry that starts (ends) with a word character must not be preceded (followed) by
 * one, where word characters are ASCII letters, digits, {@code _} and every non-ASCII byte (so {@code "ann"} does not
 * match inside {@code "anné"}).
 */
final class Dictionary {

    /** The longest entry, in UTF-8 bytes. */
    static final int MAX_ENTRY_BYTES = 256;
    /** The largest transition table (states times byte classes), about 32 MB. */
    static final long MAX_CELLS = 8_000_000L;

    private static final boolean[] WORD = new boolean[256];

    static {
        for (int b = 0; b < 256; b++) {
            WORD[b] = b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b >= 0x80;
        }
    }

    /** Byte (after ASCII folding) to class; class 0 is every byte no entry contains. */
    private final int[] classOf = new int[256];
    private final int classes;
    private final int[] delta;
    private final boolean[] emits;
    /** Own outputs of a state: {@code outputs[outStart[s] .. outStart[s + 1])}. */
    private final int[] outStart;
    private final int[] outDetector;
    private final int[] outLength;
    private final boolean[] outNeedsStart;
    private final boolean[] outNeedsEnd;
    /** The nearest state on the failure chain with outputs of its own, or -1. */
    private final int[] outLink;

    private Dictionary(List<List<String>> dictionaries, List<String> names) {
        int total = 0;
        boolean[] used = new boolean[256];
        byte[][][] entries = new byte[dictionaries.size()][][];
        for (int d = 0; d < dictionaries.size(); d++) {
            List<String> words = dictionaries.get(d);
            entries[d] = new byte[words.size()][];
            for (int w = 0; w < words.size(); w++) {
                String word = words.get(w);
                if (word == null || word.isBlank()) {
                    throw new IllegalArgumentException("custom detector " + names.get(d)
                            + ": dictionary entries must not be empty");
                }
                byte[] e = word.strip().getBytes(StandardCharsets.UTF_8);
                if (e.length > MAX_ENTRY_BYTES) {
                    throw new IllegalArgumentException("custom detector " + names.get(d)
                            + ": dictionary entries are at most " + MAX_ENTRY_BYTES + " bytes");
                }
                for (int i = 0; i < e.length; i++) {
                    e[i] = fold(e[i]);
                    used[e[i] & 0xff] = true;
                }
                entries[d][w] = e;
                total += e.length;
            }
        }
        int nc = 1;
        for (int b = 0; b < 256; b++) {
            if (used[b]) {
                classOf[b] = nc++;
            }
        }
        for (int b = 'A'; b <= 'Z'; b++) {
            classOf[b] = classOf[b | 0x20];
        }
        classes = nc;
        long maxStates = total + 1L;
        if (maxStates * nc > MAX_CELLS) {
            throw new IllegalArgumentException("custom detectors' dictionaries are too large (" + total
                    + " bytes over " + nc + " distinct characters); the automaton is limited to " + MAX_CELLS
                    + " cells");
        }
        int[] table = new int[(int) (maxStates * nc)];
        Arrays.fill(table, -1);
        int states = 1;
        // outputs per state as linked lists while building
        int[] firstOut = new int[(int) maxStates];
        Arrays.fill(firstOut, -1);
        int entryCount = 0;
        for (byte[][] es : entries) {
            entryCount += es.length;
        }
        int[] nextOut = new int[entryCount];
        int[] det = new int[entryCount];
        int[] len = new int[entryCount];
        boolean[] needStart = new boolean[entryCount];
        boolean[] needEnd = new boolean[entryCount];
        int outs = 0;
        for (int d = 0; d < entries.length; d++) {
            for (byte[] e : entries[d]) {
                int s = 0;
                for (byte b : e) {
                    int cell = s * nc + classOf[b & 0xff];
                    if (table[cell] < 0) {
                        table[cell] = states++;
                    }
                    s = table[cell];
                }
                boolean duplicate = false;
                for (int o = firstOut[s]; o >= 0; o = nextOut[o]) {
                    duplicate |= det[o] == d;
                }
                if (!duplicate) {
                    det[outs] = d;
                    len[outs] = e.length;
                    needStart[outs] = WORD[e[0] & 0xff];
                    needEnd[outs] = WORD[e[e.length - 1] & 0xff];
                    nextOut[outs] = firstOut[s];
                    firstOut[s] = outs++;
                }
            }
        }
        // breadth-first: failure links, then complete the DFA (a missing transition is the failure state's)
        int[] fail = new int[states];
        outLink = new int[states];
        int[] queue = new int[states];
        int head = 0;
        int tail = 0;
        outLink[0] = -1;
        for (int c = 0; c < nc; c++) {
            int child = table[c];
            if (child < 0) {
                table[c] = 0;
            } else {
                fail[child] = 0;
                outLink[child] = -1;
                queue[tail++] = child;
            }
        }
        while (head < tail) {
            int s = queue[head++];
            for (int c = 0; c < nc; c++) {
                int cell = s * nc + c;
                int child = table[cell];
                int viaFail = table[fail[s] * nc + c];
                if (child < 0) {
                    table[cell] = viaFail;
                } else {
                    fail[child] = viaFail;
                    outLink[child] = firstOut[viaFail] >= 0 ? viaFail : outLink[viaFail];
                    queue[tail++] = child;
                }
            }
        }
        delta = states * nc == table.length ? table : Arrays.copyOf(table, states * nc);
        outStart = new int[states + 1];
        outDetector = new int[outs];
        outLength = new int[outs];
        outNeedsStart = new boolean[outs];
        outNeedsEnd = new boolean[outs];
        emits = new boolean[states];
        int k = 0;
        for (int s = 0; s < states; s++) {
            outStart[s] = k;
            for (int o = firstOut[s]; o >= 0; o = nextOut[o]) {
                outDetector[k] = det[o];
                outLength[k] = len[o];
                outNeedsStart[k] = needStart[o];
                outNeedsEnd[k] = needEnd[o];
                k++;
            }
        }
        outStart[states] = k;
        for (int s = 0; s < states; s++) {
            emits[s] = outStart[s + 1] > outStart[s] || outLink[s] >= 0;
        }
    }

    /**
     * Compiles the dictionaries ({@code dictionaries.get(i)} belongs to detector {@code i}, named
     * {@code names.get(i)}; an empty list is no dictionary); {@code null} when there are no entries at all.
     */
    static Dictionary compile(List<List<String>> dictionaries, List<String> names) {
        boolean any = false;
        for (List<String> d : dictionaries) {
            any |= !d.isEmpty();
        }
        return any ? new Dictionary(dictionaries, names) : null;
    }

    /** Receives a dictionary match: detector index and byte span. */
    interface Hits {
        void hit(int detector, int start, int end);
    }

    /** Reports every entry occurring on word boundaries in {@code data[from, to)}. */
    void scan(byte[] data, int from, int to, Hits hits, ScanSession session) {
        int s = 0;
        int nc = classes;
        int[] cls = classOf;
        int[] dt = delta;
        boolean[] em = emits;
        int chunkStart = from;
        while (chunkStart < to) {
            int chunkEnd = (int) Math.min(to, (long) chunkStart + ScanSession.CHECK_INTERVAL);
            for (int i = chunkStart; i < chunkEnd; i++) {
                s = dt[s * nc + cls[data[i] & 0xff]];
                if (em[s] && (i + 1 == to || !WORD[data[i + 1] & 0xff] || endsWithNonWord(s))) {
                    emit(s, data, from, to, i + 1, hits);
                }
            }
            session.work(chunkEnd - chunkStart);
            chunkStart = chunkEnd;
        }
    }

    private boolean endsWithNonWord(int s) {
        // an entry ending in a non-word character needs no boundary after it; rare, so checked only then
        for (int t = outStart[s + 1] > outStart[s] ? s : outLink[s]; t >= 0; t = outLink[t]) {
            for (int o = outStart[t]; o < outStart[t + 1]; o++) {
                if (!outNeedsEnd[o]) {
                    return true;
                }
            }
        }
        return false;
    }

    private void emit(int s, byte[] data, int from, int to, int end, Hits hits) {
        boolean boundaryAfter = end == to || !WORD[data[end] & 0xff];
        for (int t = outStart[s + 1] > outStart[s] ? s : outLink[s]; t >= 0; t = outLink[t]) {
            for (int o = outStart[t]; o < outStart[t + 1]; o++) {
                int start = end - outLength[o];
                if (outNeedsEnd[o] && !boundaryAfter) {
                    continue;
                }
                if (outNeedsStart[o] && start > from && WORD[data[start - 1] & 0xff]) {
                    continue;
                }
                hits.hit(outDetector[o], start, end);
            }
        }
    }

    private static byte fold(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b | 0x20) : b;
    }
}
