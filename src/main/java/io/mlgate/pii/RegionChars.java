package io.mlgate.pii;

/**
 * A UTF-8 byte region seen as UTF-16 chars, without copying it, for the RE2J matchers of custom pattern detectors.
 * An ASCII region maps char i to byte {@code from + i}; any other region is decoded on the fly by a cursor that
 * moves one code point at a time (RE2J reads its input sequentially, a char or two back at most), so an access costs
 * O(1) amortised and nothing proportional to the region is allocated. A code point above U+FFFF is two chars (a
 * surrogate pair); each byte that is not part of a valid sequence is one U+FFFD char, decoded the same way forwards
 * and backwards. {@link #byteOffset} maps a match's char offsets back to byte offsets.
 *
 * <p>Every char read counts towards the scan's work budget, so even a regex search over a large region checks the
 * deadline as it goes (the check throws out of RE2J, which then drops the matcher state it was using).
 */
final class RegionChars implements CharSequence {

    private final ScanSession session;
    private byte[] data;
    private int from;
    private int to;
    private boolean ascii;
    private int length;
    /** Cursor: the char index and byte offset of a code point boundary, the code point there and its byte length. */
    private int curChar;
    private int curByte;
    private int curCp;
    private int curLen;
    private int countdown;
    private int interval;

    RegionChars(ScanSession session) {
        this.session = session;
    }

    /** Views {@code data[from, to)}; reads count {@code costPerChar} work units each towards the deadline budget. */
    void reset(byte[] data, int from, int to, int costPerChar) {
        this.data = data;
        this.from = from;
        this.to = to;
        this.interval = Math.max(256, ScanSession.CHECK_INTERVAL / Math.max(1, costPerChar));
        this.countdown = interval;
        int i = from;
        while (i < to && data[i] >= 0) {
            i++;
        }
        ascii = i == to;
        if (ascii) {
            length = to - from;
        } else {
            int chars = i - from;
            while (i < to) {
                int len = Utf8.sequenceLength(data, i, to);
                if (len < 0) {
                    chars++;
                    i++;
                } else {
                    chars += len == 4 ? 2 : 1;
                    i += len;
                }
            }
            length = chars;
            curChar = 0;
            load(from);
        }
    }

    boolean ascii() {
        return ascii;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (--countdown < 0) {
            countdown = interval;
            session.work(ScanSession.CHECK_INTERVAL);
        }
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        if (ascii) {
            return (char) data[from + index];
        }
        seek(index);
        if (curCp < 0x10000) {
            return (char) curCp;
        }
        return index == curChar ? Character.highSurrogate(curCp) : Character.lowSurrogate(curCp);
    }

    /** The byte offset in the underlying array of char offset {@code charIndex} (0 to length). */
    int byteOffset(int charIndex) {
        if (ascii) {
            return from + charIndex;
        }
        if (charIndex >= length) {
            return to;
        }
        seek(charIndex);
        return charIndex == curChar ? curByte : curByte + curLen; // inside a surrogate pair: after the code point
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            sb.append(charAt(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return subSequence(0, length).toString();
    }

    private void seek(int index) {
        while (index < curChar) {
            back();
        }
        while (index >= curChar + (curCp >= 0x10000 ? 2 : 1)) {
            curChar += curCp >= 0x10000 ? 2 : 1;
            load(curByte + curLen);
        }
    }

    private void back() {
        int p = curByte;
        int len = 1;
        for (int k = 2; k <= 4; k++) {
            if (p - k >= from && Utf8.sequenceLength(data, p - k, to) == k) {
                len = k;
                break;
            }
        }
        load(p - len);
        curChar -= curCp >= 0x10000 ? 2 : 1;
    }

    private void load(int at) {
        curByte = at;
        if (at >= to) {
            curCp = 0;
            curLen = 0;
            return;
        }
        int len = Utf8.sequenceLength(data, at, to);
        if (len < 0) {
            curCp = Utf8.REPLACEMENT;
            curLen = 1;
        } else {
            curCp = Utf8.decode(data, at, len);
            curLen = len;
        }
    }
}
