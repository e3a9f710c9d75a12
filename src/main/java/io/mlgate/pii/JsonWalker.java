package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One streaming pass over a JSON payload's raw bytes (RFC 8259, strict, plus any number of top-level values for
 * JSON Lines), handing each string value, member name and number to the {@link ScanSession} as a region in place:
 * nothing of the payload is copied except the content of a string with backslash escapes, which is decoded into the
 * session's scratch buffer (any finding in it then covers the whole raw string, so redaction never cuts an escape).
 * UTF-8 is validated as the strings are read. {@link #walk} answers false for a payload that is not JSON (the
 * scanner then scans it as text) and throws {@link PiiScanException.Reason#UNSCANNABLE} for nesting beyond the
 * configured depth.
 *
 * <p>Field hints: a value directly in an object has its member name as hint; a value in an array has the hint of
 * the array itself (so every element of {@code "emails": [...]} is hinted "emails"); top-level values have none.
 * Member names are scanned without a hint and their findings are labelled with the enclosing member's name. A
 * member name in which something was found is never used as a {@link Finding#field} label (that would copy the
 * value into reports): its value's findings are labelled {@code [TYPE]} instead.
 */
final class JsonWalker {

    /** Longer member names are cut to this many bytes (at a character boundary) to make a field hint. */
    static final int MAX_HINT_BYTES = 256;

    private static final int VALUE = 0;
    private static final int OBJECT_FIRST = 1;
    private static final int AFTER = 2;
    private static final int ARRAY_FIRST = 3;

    /** Bytes that stop the fast loop inside a string: quote, backslash, control characters, non-ASCII. */
    private static final boolean[] STRING_STOP = new boolean[256];
    private static final int[] HEX = new int[256];

    static {
        for (int b = 0; b < 256; b++) {
            STRING_STOP[b] = b == '"' || b == '\\' || b < 0x20 || b >= 0x80;
        }
        Arrays.fill(HEX, -1);
        for (int b = '0'; b <= '9'; b++) {
            HEX[b] = b - '0';
        }
        for (int b = 'a'; b <= 'f'; b++) {
            HEX[b] = b - 'a' + 10;
            HEX[b - 32] = b - 'a' + 10;
        }
    }

    private final ScanSession session;
    private final byte[] p;
    private final int n;
    private final int maxDepth;

    private int depth;
    private boolean[] isObject = new boolean[16];
    private String[] hint = new String[16];
    private String[] label = new String[16];
    private String[] parentLabel = new String[16];

    /** Set by {@link #string}: the content span and whether it has escapes. */
    private int contentStart;
    private int contentEnd;
    private boolean escaped;
    /** Set by {@link #value}: {@code '{'} or {@code '['} when the value just read opened a container, else 0. */
    private int opened;
    /** Set by {@link #number}: how many digits the token has. */
    private int digits;
    private int lastWork;

    private NameCache names;

    JsonWalker(ScanSession session, byte[] payload, int maxDepth) {
        this.session = session;
        this.p = payload;
        this.n = payload.length;
        this.maxDepth = maxDepth;
    }

    /**
     * Walks the whole payload; false when it is not JSON. A member (name, colon, value) and an element after a comma
     * are read in one step of the loop: the states only remember what may come next after a value or a bracket.
     */
    boolean walk() {
        int i = 0;
        if (n >= 3 && p[0] == (byte) 0xEF && p[1] == (byte) 0xBB && p[2] == (byte) 0xBF) {
            i = 3; // a UTF-8 byte order mark
        }
        int state = VALUE;
        while (true) {
            i = skipWhitespace(i);
            if (i == n) {
                return depth == 0 && (state == AFTER || state == VALUE);
            }
            byte b = p[i];
            switch (state) {
                case OBJECT_FIRST:
                    if (b == '}') {
                        i++;
                        depth--;
                        state = AFTER;
                        continue;
                    }
                    i = member(i, b);
                    break;
                case AFTER:
                    if (depth == 0) {
                        i = value(i, b); // another top-level value: JSON Lines
                        break;
                    }
                    if (b == ',') {
                        i = skipWhitespace(i + 1);
                        if (i == n) {
                            return false;
                        }
                        i = isObject[depth] ? member(i, p[i]) : value(i, p[i]);
                        break;
                    }
                    if (b == (isObject[depth] ? '}' : ']')) {
                        i++;
                        depth--;
                        continue;
                    }
                    return false;
                case ARRAY_FIRST:
                    if (b == ']') {
                        i++;
                        depth--;
                        state = AFTER;
                        continue;
                    }
                    i = value(i, b);
                    break;
                default:
                    i = value(i, b);
            }
            if (i < 0) {
                return false;
            }
            // after a value: an opened bracket starts its first member or element, anything else is complete
            state = opened == 0 ? AFTER : opened == '{' ? OBJECT_FIRST : ARRAY_FIRST;
        }
    }

    /** A member at {@code i} (its first byte {@code b}): name, colon, value. The position after it, or -1. */
    private int member(int i, byte b) {
        if (b != '"') {
            return -1;
        }
        i = name(i);
        if (i < 0) {
            return -1;
        }
        i = skipWhitespace(i);
        if (i == n || p[i] != ':') {
            return -1;
        }
        i = skipWhitespace(i + 1);
        return i == n ? -1 : value(i, p[i]);
    }

    /** The first non-whitespace position from {@code i}; every 64 KiB walked counts towards the deadline. */
    private int skipWhitespace(int i) {
        while (i < n && p[i] <= ' ' && whitespace(p[i])) {
            i++;
        }
        if (i - lastWork >= ScanSession.CHECK_INTERVAL) {
            session.work(i - lastWork); // long whitespace runs and tokens without regions (literals) count too
            lastWork = i;
        }
        return i;
    }

    /**
     * Parses the value starting with {@code b} at {@code i}; the position after it (or after its opening bracket,
     * which {@link #opened} then names).
     */
    private int value(int i, byte b) {
        opened = 0;
        switch (b) {
            case '{':
                push(true);
                opened = '{';
                return i + 1;
            case '[':
                push(false);
                opened = '[';
                return i + 1;
            case '"': {
                int end = string(i);
                if (end < 0) {
                    return -1;
                }
                scanString(hint[depth], label[depth]);
                return end;
            }
            case 't':
                return literal(i, "true");
            case 'f':
                return literal(i, "false");
            case 'n':
                return literal(i, "null");
            default: {
                if (b != '-' && (b < '0' || b > '9')) {
                    return -1;
                }
                int end = number(i);
                if (end < 0) {
                    return -1;
                }
                boolean skipBuiltIns = digits < ScanSession.MIN_BUILT_IN_NUMBER_DIGITS;
                if (!skipBuiltIns || !session.builtInsOnly()) {
                    session.region(p, i, end, hint[depth], label[depth], i, end, skipBuiltIns);
                }
                return end;
            }
        }
    }

    private void push(boolean object) {
        if (depth + 1 > maxDepth) {
            throw new PiiScanException(PiiScanException.Reason.UNSCANNABLE,
                    "PII scan failed: JSON nested deeper than " + maxDepth + " levels");
        }
        depth++;
        if (depth == isObject.length) {
            int size = Math.min(maxDepth + 1, depth * 2);
            isObject = Arrays.copyOf(isObject, size);
            hint = Arrays.copyOf(hint, size);
            label = Arrays.copyOf(label, size);
            parentLabel = Arrays.copyOf(parentLabel, size);
        }
        isObject[depth] = object;
        parentLabel[depth] = label[depth - 1];
        if (object) {
            hint[depth] = null;
            label[depth] = null;
        } else {
            hint[depth] = hint[depth - 1];
            label[depth] = label[depth - 1];
        }
    }

    /** Parses and scans a member name at {@code i}; it becomes the hint of the member's value. */
    private int name(int i) {
        int end = string(i);
        if (end < 0) {
            return -1;
        }
        NameCache cache = names();
        int slot = cache.find(p, contentStart, contentEnd);
        if (slot >= 0 && cache.clean(slot) && session.repeatable()) {
            // the same name was scanned in this payload and nothing was found: the detectors would say the same
            hint[depth] = cache.value(slot);
            label[depth] = hint[depth];
            return end;
        }
        int before = session.count();
        String owner = parentLabel[depth];
        byte[] decoded = p;
        int decodedLength = -1;
        if (escaped) {
            decoded = session.scratch(contentEnd - contentStart);
            decodedLength = decode(contentStart, contentEnd, decoded);
            session.region(decoded, 0, decodedLength, null, owner, contentStart, contentEnd, false);
        } else {
            session.region(p, contentStart, contentEnd, null, owner, -1, 0, false);
        }
        boolean clean = session.count() == before;
        String name = slot >= 0 ? cache.value(slot)
                : cache.put(slot, p, contentStart, contentEnd, decoded, decodedLength, clean);
        hint[depth] = name;
        label[depth] = clean ? name : "[" + session.typeAt(before).name() + "]";
        return end;
    }

    private void scanString(String fieldHint, String fieldLabel) {
        if (escaped) {
            byte[] buf = session.scratch(contentEnd - contentStart);
            int len = decode(contentStart, contentEnd, buf);
            session.region(buf, 0, len, fieldHint, fieldLabel, contentStart, contentEnd, false);
        } else {
            session.region(p, contentStart, contentEnd, fieldHint, fieldLabel, -1, 0, false);
        }
    }

    /**
     * Reads the string whose opening quote is at {@code at}, validating escapes and UTF-8; sets the content span
     * and {@link #escaped}. Returns the position after the closing quote, or -1 when it is malformed.
     */
    private int string(int at) {
        int i = at + 1;
        contentStart = i;
        escaped = false;
        // fast path: plain ASCII up to the closing quote (kept small so it is inlined)
        int limit = Math.min(n, i + ScanSession.CHECK_INTERVAL);
        while (i < limit && !STRING_STOP[p[i] & 0xff]) {
            i++;
        }
        if (i < limit && p[i] == '"') {
            contentEnd = i;
            return i + 1;
        }
        return stringSlow(i);
    }

    /** The rest of a string from {@code i}: escapes, non-ASCII, long strings, errors. */
    private int stringSlow(int i) {
        while (true) {
            if (i - lastWork >= ScanSession.CHECK_INTERVAL) {
                session.work(i - lastWork);
                lastWork = i;
            }
            if (i >= n) {
                return -1;
            }
            int b = p[i] & 0xff;
            if (b == '"') {
                contentEnd = i;
                return i + 1;
            }
            if (b == '\\') {
                if (i + 1 >= n) {
                    return -1;
                }
                escaped = true;
                switch (p[i + 1]) {
                    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                        i += 2;
                        break;
                    case 'u':
                        if (i + 5 >= n || HEX[p[i + 2] & 0xff] < 0 || HEX[p[i + 3] & 0xff] < 0
                                || HEX[p[i + 4] & 0xff] < 0 || HEX[p[i + 5] & 0xff] < 0) {
                            return -1;
                        }
                        i += 6;
                        break;
                    default:
                        return -1;
                }
            } else if (b < 0x20) {
                return -1; // control characters must be escaped
            } else if (b >= 0x80) {
                int len = Utf8.sequenceLength(p, i, n);
                if (len < 0) {
                    return -1;
                }
                i += len;
            }
            int limit = Math.min(n, i + ScanSession.CHECK_INTERVAL);
            while (i < limit && !STRING_STOP[p[i] & 0xff]) {
                i++;
            }
        }
    }

    /**
     * Decodes the escaped content {@code p[from, to)} (already validated) into {@code out} as UTF-8; returns its
     * length, never more than {@code to - from}. A lone surrogate escape becomes U+FFFD.
     */
    private int decode(int from, int to, byte[] out) {
        int o = 0;
        int i = from;
        while (i < to) {
            byte b = p[i];
            if (b != '\\') {
                out[o++] = b;
                i++;
                continue;
            }
            byte e = p[i + 1];
            i += 2;
            switch (e) {
                case 'b':
                    out[o++] = '\b';
                    break;
                case 'f':
                    out[o++] = '\f';
                    break;
                case 'n':
                    out[o++] = '\n';
                    break;
                case 'r':
                    out[o++] = '\r';
                    break;
                case 't':
                    out[o++] = '\t';
                    break;
                case 'u': {
                    int cp = hex4(i);
                    i += 4;
                    if (Character.isHighSurrogate((char) cp) && i + 5 < to && p[i] == '\\' && p[i + 1] == 'u') {
                        int low = hex4(i + 2);
                        if (Character.isLowSurrogate((char) low)) {
                            cp = Character.toCodePoint((char) cp, (char) low);
                            i += 6;
                        }
                    }
                    if (cp >= 0xD800 && cp <= 0xDFFF) {
                        cp = Utf8.REPLACEMENT;
                    }
                    o = Utf8.encode(cp, out, o);
                    break;
                }
                default:
                    out[o++] = e; // " \ /
            }
        }
        return o;
    }

    private int hex4(int i) {
        return HEX[p[i] & 0xff] << 12 | HEX[p[i + 1] & 0xff] << 8 | HEX[p[i + 2] & 0xff] << 4 | HEX[p[i + 3] & 0xff];
    }

    /** Reads a number token at {@code at} (RFC 8259 grammar); sets {@link #digits}; -1 when malformed. */
    private int number(int at) {
        int i = at;
        int count = 0;
        if (p[i] == '-') {
            i++;
        }
        if (i >= n) {
            return -1;
        }
        if (p[i] == '0') {
            i++;
            count++;
        } else if (p[i] >= '1' && p[i] <= '9') {
            while (i < n && p[i] >= '0' && p[i] <= '9') {
                i++;
                count++;
            }
        } else {
            return -1;
        }
        if (i < n && p[i] == '.') {
            i++;
            int start = i;
            while (i < n && p[i] >= '0' && p[i] <= '9') {
                i++;
            }
            if (i == start) {
                return -1;
            }
            count += i - start;
        }
        if (i < n && (p[i] == 'e' || p[i] == 'E')) {
            i++;
            if (i < n && (p[i] == '+' || p[i] == '-')) {
                i++;
            }
            int start = i;
            while (i < n && p[i] >= '0' && p[i] <= '9') {
                i++;
            }
            if (i == start) {
                return -1;
            }
            count += i - start;
        }
        digits = count;
        return delimited(i) ? i : -1;
    }

    private int literal(int at, String word) {
        int len = word.length();
        if (at + len > n) {
            return -1;
        }
        for (int k = 0; k < len; k++) {
            if (p[at + k] != word.charAt(k)) {
                return -1;
            }
        }
        return delimited(at + len) ? at + len : -1;
    }

    /** A number or literal must end at a delimiter: {@code 12a}, {@code 01} and {@code truex} are not JSON. */
    private boolean delimited(int i) {
        if (i == n) {
            return true;
        }
        byte b = p[i];
        return whitespace(b) || b == ',' || b == ']' || b == '}';
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private NameCache names() {
        if (names == null) {
            names = new NameCache();
        }
        return names;
    }

    /**
     * Member names as Strings, made once per distinct name per scan (arrays of objects and JSON Lines repeat their
     * names), and whether the detectors found anything in them: a small direct-mapped table keyed by the raw bytes
     * (a copy of each, so a hit compares against a few hot bytes rather than a far part of the payload); a name whose
     * slot is taken by another replaces it.
     */
    private static final class NameCache {

        private static final int SLOTS = 64;
        private static final int UNCACHED = Integer.MIN_VALUE;

        private final byte[][] raw = new byte[SLOTS][];
        private final String[] value = new String[SLOTS];
        private final boolean[] clean = new boolean[SLOTS];

        /** The slot holding the raw name {@code p[from, to)}, or {@code -1 - slot} where it would go. */
        int find(byte[] p, int from, int to) {
            int len = to - from;
            if (len > MAX_HINT_BYTES) {
                return UNCACHED;
            }
            // length and three bytes pick the slot; the bytes are compared on a hit
            int h = len == 0 ? 0 : ((len * 31 + p[from]) * 31 + p[to - 1]) * 31 + p[from + len / 2];
            int slot = (h ^ h >>> 6) & SLOTS - 1;
            byte[] cached = raw[slot];
            if (cached == null || cached.length != len) {
                return -1 - slot;
            }
            for (int k = 0; k < len; k++) {
                if (cached[k] != p[from + k]) {
                    return -1 - slot;
                }
            }
            return slot;
        }

        String value(int slot) {
            return value[slot];
        }

        boolean clean(int slot) {
            return clean[slot];
        }

        /**
         * Makes the name's String ({@code decodedLength} is -1 when it has no escapes, else the length of its decoded
         * form in {@code decoded}) and keeps it in the slot {@link #find} answered.
         */
        String put(int found, byte[] p, int from, int to, byte[] decoded, int decodedLength, boolean nothingFound) {
            if (found == UNCACHED) {
                return decodedLength < 0 ? cut(p, from, to) : cut(decoded, 0, decodedLength);
            }
            String made = decodedLength < 0 ? new String(p, from, to - from, StandardCharsets.UTF_8)
                    : new String(decoded, 0, decodedLength, StandardCharsets.UTF_8);
            int slot = -1 - found;
            raw[slot] = Arrays.copyOfRange(p, from, to);
            value[slot] = made;
            clean[slot] = nothingFound;
            return made;
        }

        private static String cut(byte[] data, int from, int to) {
            int end = Math.min(to, from + MAX_HINT_BYTES);
            while (end > from && end < to && Utf8.continuation(data[end])) {
                end--;
            }
            return new String(data, from, end - from, StandardCharsets.UTF_8);
        }
    }
}
