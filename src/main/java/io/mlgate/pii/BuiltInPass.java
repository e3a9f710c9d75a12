package io.mlgate.pii;

import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.nio.charset.StandardCharsets;

/**
 * One scan of a region by the built-in detectors: a single left-to-right pass over the bytes.
 *
 * <p>The loop skips bytes that cannot start anything (spaces, punctuation, non-ASCII) with one table lookup each and
 * reads each run of ASCII letters and digits (a "word") in a tight loop that also ORs the byte classes together.
 * Only at trigger points does it hand a bounded candidate to a validator:
 * <ul>
 *   <li>a word of digits: the numeric run it starts (digit groups joined by single separators, at most
 *       {@value #MAX_GROUPS} groups), read once and interpreted as IPv4 addresses, dates, SSNs/ITINs, card numbers
 *       and phone numbers, in that order, each interpretation claiming its groups;</li>
 *   <li>a word of at most four hex digits followed by {@code :}, or {@code ::}: an IPv6 address;</li>
 *   <li>a word of 20 upper-case letters and digits: an AWS access key id; two letters and two digits: an IBAN;
 *       {@code eyJ}: a JWT; a month name: a written date;</li>
 *   <li>the end of a 40-character run of {@code [A-Za-z0-9/+]}: an AWS secret key;</li>
 *   <li>{@code @}: an email address (the local part is read back at most 64 bytes);</li>
 *   <li>{@code -----BEGIN }: a private key block.</li>
 * </ul>
 * A recognised candidate moves the loop past its end, so no byte is read by more than a bounded number of
 * validators, and the pass is linear in the region's length. Nothing is allocated on the clean path; validators
 * use the scratch arrays of this object, which is reused per thread ({@link BuiltInDetectors}).
 *
 * <p>Invalid UTF-8 and any byte above 0x7F is a separator: it never joins a word, and never throws.
 */
final class BuiltInPass {

    // Built-in type indexes, in the order of PiiType.BUILT_IN.
    static final int EMAIL = 0;
    static final int PHONE = 1;
    static final int CARD = 2;
    static final int SSN = 3;
    static final int ITIN = 4;
    static final int IBAN = 5;
    static final int IP = 6;
    static final int DOB = 7;
    static final int ACCESS_KEY = 8;
    static final int SECRET_KEY = 9;
    static final int JWT = 10;
    static final int PRIVATE_KEY = 11;
    static final int TYPE_COUNT = 12;

    static final PiiType[] TYPES = PiiType.BUILT_IN.toArray(new PiiType[0]);

    static {
        if (TYPES.length != TYPE_COUNT || TYPES[PHONE] != PiiType.PHONE_NUMBER || TYPES[PRIVATE_KEY] != PiiType.PRIVATE_KEY
                || TYPES[DOB] != PiiType.DATE_OF_BIRTH || TYPES[SECRET_KEY] != PiiType.AWS_SECRET_KEY) {
            throw new ExceptionInInitializerError("BuiltInPass type indexes do not match PiiType.BUILT_IN");
        }
    }

    /** The deadline is checked whenever the pass has advanced this far since the last check. */
    static final int CHECK_INTERVAL = 16 * 1024;
    /**
     * The most a single candidate may span (a private key block, a JWT): with the interval, the pass reads at most
     * 64 KiB between two deadline checks.
     */
    static final int PEM_MAX = 48 * 1024;
    static final int JWT_HEADER_MAX = 4096;
    static final int JWT_PAYLOAD_MAX = 40 * 1024;
    static final int JWT_SIGNATURE_MAX = 2048;
    static final int MAX_GROUPS = 24;
    /** The longest digit group a numeric run takes (cards have 19 digits at most). */
    static final int MAX_GROUP_DIGITS = 32;
    /** Words longer than this are skipped unread. */
    static final int MAX_WORD = 8192;
    /** Confidences below this are not reported at all. */
    static final double REPORT_FLOOR = 0.3;

    // Byte classes.
    static final int DIGIT = 1;
    static final int UPPER = 2;
    static final int LOWER = 4;
    static final int NOTHEX = 8;
    static final int B64X = 16;
    static final int SPECIAL = 32;
    static final int LOCAL = 64;
    static final int SEPC = 128;
    static final int WORD = DIGIT | UPPER | LOWER;
    static final int[] CLASS = new int[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            CLASS[c] = DIGIT | LOCAL;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            CLASS[c] = UPPER | LOCAL | (c <= 'F' ? 0 : NOTHEX);
        }
        for (int c = 'a'; c <= 'z'; c++) {
            CLASS[c] = LOWER | LOCAL | (c <= 'f' ? 0 : NOTHEX);
        }
        CLASS['/'] = B64X | SEPC;
        CLASS['+'] = B64X | LOCAL;
        CLASS['@'] = SPECIAL;
        CLASS['-'] = SPECIAL | LOCAL | SEPC;
        CLASS[':'] = SPECIAL;
        CLASS['_'] = LOCAL;
        CLASS['.'] = LOCAL | SEPC;
        CLASS['%'] = LOCAL;
        CLASS[' '] = SEPC;
        CLASS['('] = SEPC;
        CLASS[')'] = SEPC;
    }

    // Separator kinds between the digit groups of a numeric run.
    private static final byte SEP_NONE = 0;
    private static final byte SEP_SPACE = 1;
    private static final byte SEP_DASH = 2;
    private static final byte SEP_DOT = 3;
    private static final byte SEP_SLASH = 4;
    /** Two-byte separators and parentheses: only phone numbers span them. */
    private static final byte SEP_PHONE = 5;
    /** Two-byte separators with a slash: nothing spans them. */
    private static final byte SEP_OTHER = 6;

    // Confidences.
    static final double C_EMAIL = 0.95;
    static final double C_PHONE_INTERNATIONAL = 0.85;
    static final double C_PHONE_NATIONAL = 0.75;
    static final double C_PHONE_BARE = 0.7;
    static final double C_CARD = 0.95;
    static final double C_SSN_DASHED = 0.85;
    static final double C_SSN_SPACED = 0.75;
    static final double C_SSN_BARE = 0.8;
    static final double C_IBAN = 0.95;
    static final double C_IP = 0.9;
    static final double C_DOB = 0.85;
    static final double C_ACCESS_KEY = 0.95;
    static final double C_SECRET_CONTEXT = 0.9;
    static final double C_SECRET_BARE = 0.6;
    static final double C_JWT = 0.95;
    static final double C_PRIVATE_KEY = 1.0;
    static final double C_PRIVATE_KEY_UNTERMINATED = 0.9;
    /** What a matching field hint or context word adds. */
    static final double HINT_BOOST = 0.1;

    private static final byte[] BEGIN = ascii("-----BEGIN ");
    private static final byte[] DASHES = ascii("-----");
    private static final byte[] END_MARK = ascii("-----END");
    private static final byte[] ALG = ascii("\"alg\"");
    private static final byte[] NONE = ascii("\"none\"");
    private static final String[] KEY_LABELS = {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"};
    private static final byte[][] KEY_LABEL_BYTES = new byte[KEY_LABELS.length][];
    private static final byte[][] KEY_END = new byte[KEY_LABELS.length][];
    private static final byte[][] ACCESS_KEY_PREFIXES = {ascii("AKIA"), ascii("ASIA"), ascii("AROA"), ascii("AIDA"),
        ascii("ANPA"), ascii("ANVA"), ascii("AGPA"), ascii("AIPA")};
    /** File name extensions that follow {@code @} in asset names ({@code logo@2x.png}): never a top-level domain. */
    private static final String[] NOT_TLDS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "css", "js",
        "json", "txt", "pdf", "html", "htm", "xml", "yml", "yaml", "java", "exe", "dll", "jar", "csv", "log", "tar",
        "gz", "tgz"};
    private static final byte[][] NOT_TLD_BYTES = new byte[NOT_TLDS.length][];
    private static final byte[] B64URL = new byte[256];
    /**
     * Without a context word a 40-character token is a secret key only if it looks random: enough bits per
     * character (random base64 of this length: median 4.78, 0.1% quantile 4.35) and fewer than four runs of four
     * or more lower-case letters (words: CamelCase identifiers and paths have five or more; random base64 has four
     * such runs in under 0.1% of cases).
     */
    static final double BARE_SECRET_ENTROPY = 4.3;
    static final int BARE_SECRET_LOWER_RUNS = 4;

    static {
        for (int i = 0; i < KEY_LABELS.length; i++) {
            KEY_LABEL_BYTES[i] = ascii(KEY_LABELS[i]);
            KEY_END[i] = ascii("-----END " + KEY_LABELS[i] + "-----");
        }
        for (int i = 0; i < NOT_TLDS.length; i++) {
            NOT_TLD_BYTES[i] = ascii(NOT_TLDS[i]);
        }
        java.util.Arrays.fill(B64URL, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < 64; i++) {
            B64URL[alphabet.charAt(i)] = (byte) i;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // The scan in progress.
    boolean busy;
    private BuiltInDetectors detectors;
    private int enabled;
    private byte[] data;
    private int from;
    private int to;
    private String field;
    private int hints;
    private Detector.FindingSink sink;
    private long deadline;

    // Secret-key tracking: the start of the current [A-Za-z0-9/+] run and the end of the word before.
    private int b64Start;
    private int prevWordEnd;
    /** Context words are looked for after the end of the last finding only: a word belongs to the next candidate. */
    private int contextFloor;

    // Scratch, reused across scans on this thread.
    private final int[] gs = new int[MAX_GROUPS];
    private final int[] ge = new int[MAX_GROUPS];
    private final byte[] sep = new byte[MAX_GROUPS];
    private final boolean[] claimed = new boolean[MAX_GROUPS];
    private int groups;
    private final byte[] digits = new byte[64];
    private final int[] groupDigits = new int[MAX_GROUPS];
    private final int[] counts = new int[128];
    private final byte[] decoded = new byte[JWT_HEADER_MAX];
    private final PhoneNumber phoneNumber = new PhoneNumber();

    void run(BuiltInDetectors detectors, byte[] data, int from, int to, String field, Detector.FindingSink sink,
             long deadlineNanos) {
        this.detectors = detectors;
        this.enabled = detectors.enabledMask();
        this.data = data;
        this.from = from;
        this.to = to;
        this.field = field;
        this.hints = -1;
        this.sink = sink;
        this.deadline = deadlineNanos;
        this.b64Start = -1;
        this.prevWordEnd = -1;
        this.contextFloor = from;
        pass();
    }

    /** Drops the references to the scan's data so the thread-local scratch keeps nothing alive. */
    void release() {
        detectors = null;
        data = null;
        field = null;
        sink = null;
        busy = false;
    }

    private void pass() {
        final byte[] d = data;
        final int end = to;
        int i = from;
        long nextCheck = (long) from + CHECK_INTERVAL;
        while (i < end) {
            if (i >= nextCheck) {
                checkDeadline();
                nextCheck = (long) i + CHECK_INTERVAL;
            }
            int c = CLASS[d[i] & 0xff];
            if ((c & WORD) == 0) {
                if ((c & SPECIAL) != 0) {
                    int j = special(i);
                    if (j > i) {
                        i = j;
                        prevWordEnd = -1;
                        continue;
                    }
                }
                i++;
                continue;
            }
            int s = i;
            int acc = 0;
            do {
                acc |= c;
                i++;
            } while (i < end && ((c = CLASS[d[i] & 0xff]) & WORD) != 0 && i - s < MAX_WORD);
            if (i - s >= MAX_WORD) {
                // No detector reads a word this long (the longest, a JWT header, is at most 4 KiB): skip it,
                // still checking the deadline.
                while (i < end && (CLASS[d[i] & 0xff] & WORD) != 0) {
                    if (++i >= nextCheck) {
                        checkDeadline();
                        nextCheck = (long) i + CHECK_INTERVAL;
                    }
                }
                prevWordEnd = -1;
                continue;
            }
            i = word(s, i, acc);
        }
    }

    private void checkDeadline() {
        // Long.MAX_VALUE is "no deadline": not a time (now - MAX_VALUE overflows when nanoTime is negative)
        if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
            throw new PiiScanException(PiiScanException.Reason.TIMEOUT, "PII scan deadline passed");
        }
    }

    private boolean on(int type) {
        return (enabled & (1 << type)) != 0;
    }

    private boolean hinted(int type) {
        if (hints < 0) {
            hints = BuiltInHints.of(field);
        }
        return (hints & (1 << type)) != 0;
    }

    private void report(int type, double confidence, int start, int end) {
        if (on(type) && confidence >= REPORT_FLOOR) {
            sink.found(TYPES[type], Math.min(1.0, confidence), start, end);
            contextFloor = Math.max(contextFloor, end);
        }
    }

    private double boosted(int type, double confidence, boolean context) {
        return confidence + (context || hinted(type) ? HINT_BOOST : 0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Words

    /** Handles the word {@code [s, e)}; returns where the pass continues. */
    private int word(int s, int e, int acc) {
        final byte[] d = data;
        int len = e - s;
        // The secret-key run this word belongs to: a continuation when only '/' and '+' separate it from the last.
        int k = s;
        while (k > from && (CLASS[d[k - 1] & 0xff] & B64X) != 0 && s - k <= 40) {
            k--;
        }
        if (k != prevWordEnd || prevWordEnd < 0) {
            b64Start = k;
        }
        int claimedTo = -1;
        if (len <= 4 && e < to && d[e] == ':' && (acc & NOTHEX) == 0 && on(IP) && ipv6Start(s)) {
            claimedTo = ipv6(s);
        }
        if (claimedTo < 0) {
            if ((acc & (UPPER | LOWER)) == 0) {
                claimedTo = numbers(s, e);
            } else if ((CLASS[d[s] & 0xff] & DIGIT) == 0) {
                claimedTo = letterWord(s, e, acc);
            }
        }
        if (claimedTo >= 0) {
            prevWordEnd = -1;
            return Math.max(claimedTo, e);
        }
        prevWordEnd = e;
        if (on(SECRET_KEY)) {
            int m = e;
            while (m < to && (CLASS[d[m] & 0xff] & B64X) != 0 && m - e <= 40) {
                m++;
            }
            if ((m >= to || (CLASS[d[m] & 0xff] & WORD) == 0) && m - b64Start == 40) {
                secret(b64Start, m);
            }
        }
        return e;
    }

    /** A word starting with a letter: access key id, IBAN, JWT, written date. Returns the claimed end or -1. */
    private int letterWord(int s, int e, int acc) {
        final byte[] d = data;
        int len = e - s;
        if (len == 20 && (acc & LOWER) == 0 && on(ACCESS_KEY) && accessKey(s, e)) {
            return e;
        }
        if (len >= 4 && (CLASS[d[s + 1] & 0xff] & UPPER) != 0 && (CLASS[d[s + 2] & 0xff] & DIGIT) != 0
                && (CLASS[d[s + 3] & 0xff] & DIGIT) != 0 && (CLASS[d[s] & 0xff] & UPPER) != 0) {
            int end = iban(s, e, acc);
            if (end >= 0) {
                return end;
            }
        }
        if (len >= 3 && d[s] == 'e' && d[s + 1] == 'y' && d[s + 2] == 'J' && on(JWT)) {
            int end = jwt(s);
            if (end >= 0) {
                return end;
            }
        }
        if (len >= 3 && len <= 9 && (acc & (DIGIT)) == 0) {
            int month = BuiltInChecks.month(d, s, e);
            if (month > 0) {
                return writtenDate(s, e, month);
            }
        }
        return -1;
    }

    private boolean accessKey(int s, int e) {
        final byte[] d = data;
        boolean prefix = false;
        for (byte[] p : ACCESS_KEY_PREFIXES) {
            if (d[s] == p[0] && d[s + 1] == p[1] && d[s + 2] == p[2] && d[s + 3] == p[3]) {
                prefix = true;
                break;
            }
        }
        if (!prefix) {
            return false;
        }
        for (int i = s + 4; i < e; i++) {
            int b = d[i];
            if (!((b >= 'A' && b <= 'Z') || (b >= '2' && b <= '7'))) {
                return false;
            }
        }
        if (!tokenEnd(e) || !tokenStart(s)) {
            return false;
        }
        report(ACCESS_KEY, boosted(ACCESS_KEY, C_ACCESS_KEY, false), s, e);
        return true;
    }

    /** The byte before a token is not one that would make it part of a longer identifier. */
    private boolean tokenStart(int s) {
        if (s <= from) {
            return true;
        }
        int b = data[s - 1];
        return b != '_' && b != '@' && b != '-' && b != '.' || (b == '.' || b == '-') && !wordAt(s - 2);
    }

    /** The byte after a token does not continue it. */
    private boolean tokenEnd(int e) {
        if (e >= to) {
            return true;
        }
        int b = data[e];
        if (b == '_' || b == '@' || (CLASS[b & 0xff] & WORD) != 0) {
            return false;
        }
        return !((b == '-' || b == '.') && wordAt(e + 1));
    }

    private boolean wordAt(int p) {
        return p >= from && p < to && (CLASS[data[p] & 0xff] & WORD) != 0;
    }

    private boolean digitAt(int p) {
        return p >= from && p < to && (CLASS[data[p] & 0xff] & DIGIT) != 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // IBAN

    private int iban(int s, int e, int acc) {
        if (!on(IBAN)) {
            return -1;
        }
        final byte[] d = data;
        int length = BuiltInChecks.ibanLength(d[s], d[s + 1]);
        if (length == 0) {
            return -1;
        }
        int len = e - s;
        if (len == length && (acc & LOWER) == 0) {
            if (!tokenStart(s) || !tokenEnd(e) || !BuiltInChecks.ibanMod97(d, s, e)) {
                return -1;
            }
            report(IBAN, boosted(IBAN, C_IBAN, false), s, e);
            return e;
        }
        if (len != 4 || e >= to || d[e] != ' ' || !tokenStart(s)) {
            return -1;
        }
        // Printed form: groups of four separated by single spaces, the last one shorter. A number printed that
        // way is an account number even when its length or check digits are wrong: its groups are claimed (not
        // reported), so they are not read again as a phone or card number.
        int p = e;
        int count = 4;
        int lastFull = e;
        int full = 0;
        while (count < length) {
            if (p + 1 >= to || d[p] != ' ') {
                return full >= 2 ? lastFull : -1;
            }
            int g = p + 1;
            int q = g;
            while (q < to && q - g < 5 && (CLASS[d[q] & 0xff] & (UPPER | DIGIT)) != 0) {
                q++;
            }
            int need = Math.min(4, length - count);
            if (q - g != need || (q < to && (CLASS[d[q] & 0xff] & WORD) != 0)) {
                return full >= 2 ? lastFull : -1;
            }
            p = q;
            count += need;
            if (need == 4) {
                full++;
                lastFull = p;
            }
        }
        if (!tokenEnd(p)) {
            return full >= 2 ? lastFull : -1;
        }
        if (BuiltInChecks.ibanMod97(d, s, p)) {
            report(IBAN, boosted(IBAN, C_IBAN, false), s, p);
        }
        return p;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // JWT

    private static boolean b64url(byte b) {
        return B64URL[b & 0xff] >= 0;
    }

    private int jwt(int s) {
        final byte[] d = data;
        if (s > from && (d[s - 1] == '-' || d[s - 1] == '_' || d[s - 1] == '.')) {
            return -1;
        }
        int p = s;
        while (p < to && b64url(d[p]) && p - s <= JWT_HEADER_MAX) {
            p++;
        }
        int headerEnd = p;
        if (p - s < 10 || p - s > JWT_HEADER_MAX || p + 4 >= to || d[p] != '.') {
            return -1;
        }
        p++;
        int ps = p;
        if (d[ps] != 'e' || d[ps + 1] != 'y' || d[ps + 2] != 'J') {
            return -1;
        }
        while (p < to && b64url(d[p]) && p - ps <= JWT_PAYLOAD_MAX) {
            p++;
        }
        if (p - ps > JWT_PAYLOAD_MAX || p >= to || d[p] != '.') {
            return -1;
        }
        p++;
        int ss = p;
        while (p < to && b64url(d[p]) && p - ss <= JWT_SIGNATURE_MAX) {
            p++;
        }
        if (p - ss > JWT_SIGNATURE_MAX) {
            return -1;
        }
        if (p < to && d[p] == '.' && p + 1 < to && b64url(d[p + 1])) {
            return -1; // more segments: a JWE or something else
        }
        int n = decodeB64Url(s, headerEnd);
        if (n < 0 || !jsonObjectWithAlg(n, p == ss)) {
            return -1;
        }
        report(JWT, boosted(JWT, C_JWT, false), s, p);
        return p;
    }

    /** Decodes base64url {@code data[s, e)} into {@link #decoded}; the length, or -1. */
    private int decodeB64Url(int s, int e) {
        int len = e - s;
        if (len % 4 == 1) {
            return -1;
        }
        int n = 0;
        int bits = 0;
        int buffer = 0;
        for (int i = s; i < e; i++) {
            buffer = (buffer << 6) | B64URL[data[i] & 0xff];
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                decoded[n++] = (byte) (buffer >> bits);
            }
        }
        return n;
    }

    /** The decoded header is a JSON object naming an algorithm ("none" when the signature is empty). */
    private boolean jsonObjectWithAlg(int n, boolean unsigned) {
        int a = 0;
        while (a < n && decoded[a] <= ' ' && decoded[a] >= 0) {
            a++;
        }
        int b = n - 1;
        while (b > a && decoded[b] <= ' ' && decoded[b] >= 0) {
            b--;
        }
        if (a >= b || decoded[a] != '{' || decoded[b] != '}') {
            return false;
        }
        int alg = indexOf(decoded, a, b, ALG);
        if (alg < 0) {
            return false;
        }
        return !unsigned || indexOf(decoded, alg, b, NONE) >= 0;
    }

    private static int indexOf(byte[] hay, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // AWS secret keys

    private void secret(int s, int e) {
        final byte[] d = data;
        if (s > from) {
            int b = d[s - 1];
            if (b == '-' || b == '_' || b == '@' || (b == '.' && s - 2 >= from && b64url(d[s - 2]))) {
                return; // part of a dotted token: a JWT or JWE segment, a host name
            }
        }
        if (e < to) {
            int b = d[e];
            if (b == '=' || b == '-' || b == '_' || b == '@' || (b == '.' && e + 1 < to && b64url(d[e + 1]))) {
                return;
            }
        }
        int upper = 0;
        int lower = 0;
        int digit = 0;
        int lowerRuns = 0;
        int run = 0;
        boolean hex = true;
        for (int i = s; i < e; i++) {
            int c = CLASS[d[i] & 0xff];
            if ((c & UPPER) != 0) {
                upper++;
            } else if ((c & LOWER) != 0) {
                lower++;
            } else if ((c & DIGIT) != 0) {
                digit++;
            }
            run = (c & LOWER) != 0 ? run + 1 : 0;
            if (run == 4) {
                lowerRuns++;
            }
            if ((c & (NOTHEX | B64X)) != 0) {
                hex = false;
            }
        }
        if (hex || base64Body(s, e)) {
            return; // a SHA-1 or other hex digest; a line of a PEM or base64 body
        }
        boolean context = hinted(SECRET_KEY) || BuiltInHints.SECRET.before(d, contextFloor, s);
        double entropy = BuiltInChecks.entropy40(d, s, counts);
        int classes = (upper > 0 ? 1 : 0) + (lower > 0 ? 1 : 0) + (digit > 0 ? 1 : 0);
        if (context) {
            if (classes >= 2 && entropy >= 3.5) {
                report(SECRET_KEY, C_SECRET_CONTEXT, s, e);
            }
        } else if (classes == 3 && entropy >= BARE_SECRET_ENTROPY && lowerRuns < BARE_SECRET_LOWER_RUNS) {
            report(SECRET_KEY, C_SECRET_BARE, s, e);
        }
    }

    /**
     * Whether {@code [s, e)} is a line of a longer base64 text: the line before it is 40 or more base64 characters,
     * or the line after it is a PEM end marker (the last line of a certificate body can be 40 characters long).
     */
    private boolean base64Body(int s, int e) {
        final byte[] d = data;
        int nl = newlineBefore(s);
        if (nl >= 0) {
            int k = nl;
            while (k > from && (B64URL[d[k - 1] & 0xff] >= 0 || d[k - 1] == '+' || d[k - 1] == '/'
                    || d[k - 1] == '=') && nl - k < 40) {
                k--;
            }
            if (nl - k >= 40) {
                return true;
            }
        }
        int p = e;
        if (p < to && d[p] == '\r') {
            p++;
        }
        if (p < to && d[p] == '\n') {
            p++;
        } else if (p + 1 < to && d[p] == '\\' && d[p + 1] == 'n') {
            p += 2;
        } else {
            return false;
        }
        return p + 8 <= to && d[p] == '-' && regionMatches(p, END_MARK);
    }

    /** The end of the previous line when {@code s} starts a line (after "\n", "\r\n" or an escaped "\\n"). */
    private int newlineBefore(int s) {
        final byte[] d = data;
        if (s - 1 >= from && d[s - 1] == '\n') {
            return s - 2 >= from && d[s - 2] == '\r' ? s - 2 : s - 1;
        }
        if (s - 2 >= from && d[s - 2] == '\\' && d[s - 1] == 'n') {
            return s - 2;
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // '@', '-' and ':'

    private int special(int i) {
        byte b = data[i];
        if (b == '@') {
            return on(EMAIL) ? email(i) : -1;
        }
        if (b == '-') {
            return on(PRIVATE_KEY) && i + BEGIN.length < to && data[i + 1] == '-' ? privateKey(i) : -1;
        }
        if (i + 1 < to && data[i + 1] == ':' && on(IP) && ipv6Start(i)) {
            return ipv6(i);
        }
        return -1;
    }

    private int email(int at) {
        final byte[] d = data;
        int k = at;
        while (k > from && (CLASS[d[k - 1] & 0xff] & LOCAL) != 0) {
            k--;
            if (at - k > 64) {
                return -1;
            }
        }
        while (k < at && (d[k] == '.' || d[k] == '-' || d[k] == '+')) {
            k++;
        }
        if (k == at || d[at - 1] == '.' || (k > from && (d[k - 1] == '/' || d[k - 1] == '\\'))) {
            return -1;
        }
        for (int p = k + 1; p < at; p++) {
            if (d[p] == '.' && d[p - 1] == '.') {
                return -1;
            }
        }
        int p = at + 1;
        int labels = 0;
        int lastStart = -1;
        int limit = Math.min(to, k + 255);
        while (true) {
            int ls = p;
            while (p < limit && ((CLASS[d[p] & 0xff] & WORD) != 0 || d[p] == '-') && p - ls <= 63) {
                p++;
            }
            if (p == ls || p - ls > 63 || d[ls] == '-' || d[p - 1] == '-') {
                return -1;
            }
            labels++;
            lastStart = ls;
            if (p + 1 < limit && d[p] == '.' && (CLASS[d[p + 1] & 0xff] & WORD) != 0) {
                p++;
                continue;
            }
            break;
        }
        if (labels < 2 || p - k > 254
                || (p < to && (d[p] == '@' || d[p] == '_' || d[p] == '-' || (CLASS[d[p] & 0xff] & WORD) != 0))
                || (p + 1 < to && d[p] == '.' && (CLASS[d[p + 1] & 0xff] & WORD) != 0)) {
            return -1; // longer than 254 bytes, or cut off by the bound
        }
        if (!topLevelDomain(lastStart, p)) {
            return -1;
        }
        report(EMAIL, boosted(EMAIL, C_EMAIL, false), k, p);
        return p;
    }

    private boolean topLevelDomain(int s, int e) {
        final byte[] d = data;
        int len = e - s;
        if (len >= 5 && (d[s] | 0x20) == 'x' && (d[s + 1] | 0x20) == 'n' && d[s + 2] == '-' && d[s + 3] == '-') {
            return true; // an internationalised TLD in punycode
        }
        if (len < 2) {
            return false;
        }
        for (int i = s; i < e; i++) {
            if ((CLASS[d[i] & 0xff] & (UPPER | LOWER)) == 0) {
                return false;
            }
        }
        for (byte[] ext : NOT_TLD_BYTES) {
            if (ext.length == len) {
                boolean same = true;
                for (int i = 0; i < len; i++) {
                    if ((d[s + i] | 0x20) != ext[i]) {
                        same = false;
                        break;
                    }
                }
                if (same) {
                    return false;
                }
            }
        }
        return true;
    }

    private int privateKey(int i) {
        final byte[] d = data;
        for (int k = 0; k < BEGIN.length; k++) {
            if (d[i + k] != BEGIN[k]) {
                return -1;
            }
        }
        int ls = i + BEGIN.length;
        int le = ls;
        while (le < to && le - ls <= 32 && d[le] != '-') {
            le++;
        }
        if (le + DASHES.length > to || !regionMatches(le, DASHES)) {
            return -1;
        }
        int label = -1;
        for (int k = 0; k < KEY_LABEL_BYTES.length; k++) {
            byte[] l = KEY_LABEL_BYTES[k];
            if (l.length == le - ls && regionMatches(ls, l)) {
                label = k;
                break;
            }
        }
        if (label < 0) {
            return -1;
        }
        byte[] endMarker = KEY_END[label];
        int limit = (int) Math.min(to, (long) i + PEM_MAX);
        for (int p = le + DASHES.length; p + endMarker.length <= limit; p++) {
            if (d[p] == '-' && regionMatches(p, endMarker)) {
                int end = p + endMarker.length;
                report(PRIVATE_KEY, C_PRIVATE_KEY, i, end);
                return end;
            }
        }
        report(PRIVATE_KEY, C_PRIVATE_KEY_UNTERMINATED, i, limit);
        return limit;
    }

    private boolean regionMatches(int p, byte[] what) {
        if (p + what.length > to) {
            return false;
        }
        for (int k = 0; k < what.length; k++) {
            if (data[p + k] != what[k]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // IPv6

    private boolean ipv6Start(int s) {
        if (s <= from) {
            return true;
        }
        int b = data[s - 1];
        return b != ':' && b != '.' && b != '_' && b != '-' && (CLASS[b & 0xff] & WORD) == 0;
    }

    /** An IPv6 address at {@code s} (full, compressed, with an embedded IPv4 address); its end or -1. */
    private int ipv6(int s) {
        final byte[] d = data;
        int limit = Math.min(to, s + 64);
        int p = s;
        int groups = 0;
        int compressedAt = -1;
        boolean allTwo = true;
        boolean afterDouble = false;
        if (p + 1 < limit && d[p] == ':' && d[p + 1] == ':') {
            compressedAt = 0;
            p += 2;
            afterDouble = true;
        }
        while (true) {
            int h = p;
            while (h < limit && h - p <= 4 && hex(d[h])) {
                h++;
            }
            int hl = h - p;
            if (hl == 0) {
                if (afterDouble) {
                    break; // the address ends with "::"
                }
                return -1;
            }
            if (h < limit && d[h] == '.' && digitAt(h + 1) && decimal(p, h)) {
                int v4 = ipv4At(p, limit);
                if (v4 < 0) {
                    return -1;
                }
                groups += 2;
                p = v4;
                allTwo = false;
                break;
            }
            if (hl > 4) {
                return -1;
            }
            allTwo &= hl == 2;
            groups++;
            p = h;
            if (groups > 8) {
                return -1;
            }
            afterDouble = false;
            if (p + 1 < limit && d[p] == ':' && d[p + 1] == ':') {
                if (compressedAt >= 0) {
                    return -1;
                }
                compressedAt = groups;
                p += 2;
                afterDouble = true;
                continue;
            }
            if (p + 1 < limit && d[p] == ':' && hex(d[p + 1])) {
                p++;
                continue;
            }
            break;
        }
        boolean valid = compressedAt < 0 ? groups == 8 : groups >= 1 && groups <= 7;
        if (!valid || (compressedAt < 0 && allTwo)) {
            return -1; // eight two-digit groups: an EUI-64 or MAC-style identifier
        }
        if (p < to) {
            int b = d[p];
            if ((CLASS[b & 0xff] & WORD) != 0 || b == '_' || b == ':' || b == '@' || (b == '.' && wordAt(p + 1))) {
                return -1;
            }
        }
        if (!(p - s == 3 && d[s] == ':' && d[s + 1] == ':' && d[s + 2] == '1')) {
            report(IP, boosted(IP, C_IP, false), s, p); // ::1, the loopback address, identifies no one
        }
        return p;
    }

    /**
     * Whether the dotted quad in groups a..b is a loopback (127.0.0.0/8) or the unspecified address (0.0.0.0):
     * addresses of this host, which identify no one (a service's own "listening on 127.0.0.1" is not PII).
     */
    private boolean loopbackOrUnspecified(int a, int b) {
        if (value(a) == 127) {
            return true;
        }
        for (int g = a; g <= b; g++) {
            if (value(g) != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean decimal(int s, int e) {
        for (int i = s; i < e; i++) {
            if ((CLASS[data[i] & 0xff] & DIGIT) == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(byte b) {
        int c = CLASS[b & 0xff];
        return (c & WORD) != 0 && (c & NOTHEX) == 0;
    }

    /** A dotted quad starting at {@code p}; its end or -1. */
    private int ipv4At(int p, int limit) {
        final byte[] d = data;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (p >= limit || d[p] != '.') {
                    return -1;
                }
                p++;
            }
            int s = p;
            int v = 0;
            while (p < limit && p - s < 4 && (CLASS[d[p] & 0xff] & DIGIT) != 0) {
                v = v * 10 + d[p] - '0';
                p++;
            }
            int len = p - s;
            if (len == 0 || len > 3 || v > 255 || (len > 1 && d[s] == '0')) {
                return -1;
            }
        }
        return p;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Written dates: "12 March 1985", "12th Mar 1985", "March 12, 1985", "Mar 12 1985"

    private int writtenDate(int s, int e, int month) {
        final byte[] d = data;
        // Day before the month: "12 March 1985".
        int start = -1;
        int day = -1;
        if (s - 2 >= from && d[s - 1] == ' ') {
            int q = s - 2;
            if (q - 1 >= from && ordinalSuffix(q - 1)) {
                q -= 2;
            }
            int v = 0;
            int mul = 1;
            int ds = q + 1;
            while (q >= from && ds - q <= 2 && (CLASS[d[q] & 0xff] & DIGIT) != 0) {
                v += (d[q] - '0') * mul;
                mul *= 10;
                q--;
            }
            int dlen = ds - (q + 1);
            if (dlen >= 1 && dlen <= 2 && !wordAt(q) && (q < from || d[q] != '.' && d[q] != '/' && d[q] != '-')) {
                start = q + 1;
                day = v;
            }
        }
        int p = e;
        if (day < 0) {
            // Day after the month: "March 12, 1985".
            if (p + 1 >= to || d[p] != ' ') {
                return -1;
            }
            p++;
            int v = 0;
            int ds = p;
            while (p < to && p - ds < 3 && (CLASS[d[p] & 0xff] & DIGIT) != 0) {
                v = v * 10 + d[p] - '0';
                p++;
            }
            if (p - ds < 1 || p - ds > 2) {
                return -1;
            }
            if (p + 1 < to && ordinalSuffix(p)) {
                p += 2;
            }
            day = v;
            start = s;
        }
        if (p < to && d[p] == ',') {
            p++;
        }
        if (p >= to || d[p] != ' ') {
            return -1;
        }
        p++;
        int ys = p;
        int year = 0;
        while (p < to && p - ys < 5 && (CLASS[d[p] & 0xff] & DIGIT) != 0) {
            year = year * 10 + d[p] - '0';
            p++;
        }
        if (p - ys != 4 || !numberEnd(p, false)) {
            return -1;
        }
        if (!BuiltInChecks.birthDate(year, month, day)) {
            contextFloor = Math.max(contextFloor, p); // "born 32 June 1950": the context word was this one's
            return -1;
        }
        if (on(DOB) && (hinted(DOB) || BuiltInHints.DOB.before(d, contextFloor, start))) {
            report(DOB, C_DOB + (hinted(DOB) ? HINT_BOOST : 0), start, p);
        }
        return p;
    }

    private boolean ordinalSuffix(int p) {
        if (p + 1 >= to) {
            return false;
        }
        int a = data[p] | 0x20;
        int b = data[p + 1] | 0x20;
        boolean suffix = (a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd')
                || (a == 't' && b == 'h');
        return suffix && !wordAt(p + 2);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Numeric runs

    /**
     * Reads the numeric run starting with the digit word {@code [s, e)} and interprets it. Returns the run's end
     * when it claimed anything or read more than one group, else -1 (the pass continues after the word).
     */
    private int numbers(int s, int e) {
        if (e - s > MAX_GROUP_DIGITS) {
            return -1;
        }
        final byte[] d = data;
        gs[0] = s;
        ge[0] = e;
        sep[0] = SEP_NONE;
        int n = 1;
        int pos = e;
        while (n < MAX_GROUPS && pos < to) {
            int c1 = d[pos];
            if ((CLASS[c1 & 0xff] & SEPC) == 0) {
                break;
            }
            int p = pos + 1;
            if (p < to && (CLASS[d[p] & 0xff] & SEPC) != 0) {
                if (c1 == '.' || d[p] == '.') {
                    break; // ". " ends a sentence
                }
                p++;
            }
            if (p >= to || (CLASS[d[p] & 0xff] & DIGIT) == 0) {
                break;
            }
            int q = p;
            while (q < to && (CLASS[d[q] & 0xff] & DIGIT) != 0 && q - p <= MAX_GROUP_DIGITS) {
                q++;
            }
            if (q - p > MAX_GROUP_DIGITS || (q < to && (CLASS[d[q] & 0xff] & (UPPER | LOWER)) != 0)) {
                break; // the next word is not a number, or one too long to be anything
            }
            if (q < to && d[q] == ':' && c1 != '.') {
                break; // "12 2001:db8::1": the next word starts an IPv6 address (or a time)
            }
            gs[n] = p;
            ge[n] = q;
            sep[n] = separator(pos, p);
            n++;
            pos = q;
        }
        groups = n;
        if (n == 1 && e - s < 7) {
            return -1;
        }
        for (int g = 0; g < n; g++) {
            claimed[g] = false;
        }
        boolean startOk = numberStart(s);
        boolean any = false;
        any |= ipv4Run(startOk);
        any |= datesRun(startOk);
        any |= ssnRun(startOk);
        any |= cardsRun(startOk);
        any |= phonesRun(s);
        contextFloor = Math.max(contextFloor, ge[n - 1]); // a context word belongs to the next candidate only
        return any || n > 1 ? ge[n - 1] : -1;
    }

    private byte separator(int a, int b) {
        final byte[] d = data;
        if (b - a == 1) {
            return switch (d[a]) {
                case ' ' -> SEP_SPACE;
                case '-' -> SEP_DASH;
                case '.' -> SEP_DOT;
                case '/' -> SEP_SLASH;
                default -> SEP_PHONE;
            };
        }
        return d[a] == '/' || d[a + 1] == '/' ? SEP_OTHER : SEP_PHONE;
    }

    /** The byte before a number does not make it part of a longer token (a word, a dotted or dashed id). */
    private boolean numberStart(int p) {
        if (p <= from) {
            return true;
        }
        final byte[] d = data;
        int b = d[p - 1];
        if ((CLASS[b & 0xff] & WORD) != 0 || b == '_' || b == '@' || b == '$') {
            return false;
        }
        if ((b == '.' || b == '-' || b == '/') && wordAt(p - 2)) {
            return false;
        }
        return !((b == ',' || b == ':') && digitAt(p - 2));
    }

    /** The byte after a number does not continue it; {@code address} lets ":8080" or "/path" follow it. */
    private boolean numberEnd(int q, boolean address) {
        if (q >= to) {
            return true;
        }
        final byte[] d = data;
        int b = d[q];
        if ((CLASS[b & 0xff] & WORD) != 0 || b == '_' || b == '@') {
            return false;
        }
        if ((b == ':' || b == '/') && address) {
            return true;
        }
        return !((b == '.' || b == '-' || b == '/' || b == ',' || b == ':') && wordAt(q + 1));
    }

    private int glen(int g) {
        return ge[g] - gs[g];
    }

    /** The end of the chain of groups from {@code a} joined by separator {@code kind}. */
    private int chainEnd(int a, byte kind) {
        int b = a;
        while (b + 1 < groups && sep[b + 1] == kind) {
            b++;
        }
        return b;
    }

    private boolean windowOk(int a, int b, boolean startOk, boolean port) {
        return (a > 0 || startOk) && (b < groups - 1 || numberEnd(ge[b], port));
    }

    /** Groups a..b are set apart from the rest of the run by spaces or parentheses (not joined by . - /). */
    private boolean spaced(int a, int b) {
        return (a == 0 || sep[a] == SEP_SPACE || sep[a] == SEP_PHONE)
                && (b == groups - 1 || sep[b + 1] == SEP_SPACE || sep[b + 1] == SEP_PHONE);
    }

    private void claim(int a, int b) {
        for (int g = a; g <= b; g++) {
            claimed[g] = true;
        }
    }

    private int value(int g) {
        int v = 0;
        for (int i = gs[g]; i < ge[g]; i++) {
            v = v * 10 + data[i] - '0';
        }
        return v;
    }

    /** Copies the digits of groups {@code a..b} into {@link #digits} as values; the count (at most 64). */
    private int collect(int a, int b) {
        int n = 0;
        for (int g = a; g <= b; g++) {
            for (int i = gs[g]; i < ge[g] && n < digits.length; i++) {
                digits[n++] = (byte) (data[i] - '0');
            }
        }
        return n;
    }

    private boolean ipv4Run(boolean startOk) {
        boolean any = false;
        for (int a = 0; a < groups; ) {
            int b = a + 1 < groups && sep[a + 1] == SEP_DOT ? chainEnd(a, SEP_DOT) : a;
            if (b - a == 3 && windowOk(a, b, startOk, true)) {
                boolean ok = true;
                for (int g = a; g <= b && ok; g++) {
                    int len = glen(g);
                    ok = len <= 3 && (len == 1 || data[gs[g]] != '0') && value(g) <= 255;
                }
                if (ok) {
                    claim(a, b);
                    any = true;
                    if (!BuiltInHints.VERSION.before(data, contextFloor, gs[a]) && !loopbackOrUnspecified(a, b)) {
                        report(IP, boosted(IP, C_IP, false), gs[a], ge[b]);
                    }
                }
            }
            a = b > a ? b : b + 1; // the last group of a chain may start the next
        }
        return any;
    }

    private boolean datesRun(boolean startOk) {
        boolean any = false;
        for (int a = 0; a < groups; ) {
            byte kind = a + 1 < groups ? sep[a + 1] : SEP_NONE;
            int b = kind == SEP_DASH || kind == SEP_SLASH || kind == SEP_DOT ? chainEnd(a, kind) : a;
            if (b - a == 2 && !claimed[a] && windowOk(a, b, startOk, false) && date(a, kind)) {
                claim(a, b);
                any = true;
                int start = gs[a];
                if (on(DOB) && (hinted(DOB) || BuiltInHints.DOB.before(data, contextFloor, start))) {
                    report(DOB, C_DOB + (hinted(DOB) ? HINT_BOOST : 0), start, ge[b]);
                }
            }
            a = b > a ? b : b + 1; // the last group of a chain may start the next
        }
        return any;
    }

    /** Groups a, a+1, a+2 form a birth date: y-m-d, d/m/y, m/d/y, d.m.y (two-digit years allowed after d/m). */
    private boolean date(int a, byte kind) {
        int l0 = glen(a);
        int l1 = glen(a + 1);
        int l2 = glen(a + 2);
        int v0 = value(a);
        int v1 = value(a + 1);
        int v2 = value(a + 2);
        if (l0 == 4 && l1 <= 2 && l2 <= 2) {
            return BuiltInChecks.birthDate(v0, v1, v2);
        }
        if (l0 <= 2 && l1 <= 2 && (l2 == 4 || l2 == 2)) {
            int year = l2 == 4 ? v2 : BuiltInChecks.fullYear(v2);
            if (BuiltInChecks.birthDate(year, v1, v0)) {
                return true;
            }
            return kind != SEP_DOT && BuiltInChecks.birthDate(year, v0, v1);
        }
        return false;
    }

    private boolean ssnRun(boolean startOk) {
        boolean any = false;
        // Nine bare digits standing alone or between spaces (or parentheses).
        for (int g = 0; g < groups; g++) {
            if (glen(g) == 9 && spaced(g, g) && windowOk(g, g, startOk, false)) {
                collect(g, g);
                if (bareSsn(gs[g], ge[g])) {
                    claimed[g] = true;
                    any = true;
                }
            }
        }
        if (groups == 1) {
            return any;
        }
        boolean international = gs[0] > from && data[gs[0] - 1] == '+';
        for (int a = 0; a < groups; ) {
            byte kind = a + 1 < groups ? sep[a + 1] : SEP_NONE;
            int b = kind == SEP_DASH || kind == SEP_SPACE ? chainEnd(a, kind) : a;
            if (kind == SEP_DASH && b - a == 2) {
                any |= ssnWindow(a, startOk, kind);
            } else if (kind == SEP_SPACE && !international) {
                // space-separated: a 3-2-4 window anywhere in the chain ("12 123 45 6789")
                for (int x = a; x + 2 <= b; x++) {
                    if (glen(x) == 3 && glen(x + 1) == 2 && glen(x + 2) == 4 && ssnWindow(x, startOk, kind)) {
                        any = true;
                        x += 2;
                    }
                }
            }
            a = b > a ? b : b + 1; // the last group of a chain may start the next
        }
        return any;
    }

    private boolean ssnWindow(int a, boolean startOk, byte kind) {
        int b = a + 2;
        if (claimed[a] || glen(a) != 3 || glen(a + 1) != 2 || glen(b) != 4 || !windowOk(a, b, startOk, false)
                || !spaced(a, b)) {
            return false;
        }
        collect(a, b);
        double base = kind == SEP_DASH ? C_SSN_DASHED : C_SSN_SPACED;
        if (BuiltInChecks.itin(digits)) {
            claim(a, b);
            boolean context = BuiltInHints.ITIN.before(data, contextFloor, gs[a]);
            report(ITIN, boosted(ITIN, base, context), gs[a], ge[b]);
            return true;
        }
        if (BuiltInChecks.ssn(digits)) {
            claim(a, b);
            boolean context = BuiltInHints.SSN.before(data, contextFloor, gs[a]);
            report(SSN, boosted(SSN, base, context), gs[a], ge[b]);
            return true;
        }
        if (kind == SEP_DASH) {
            claim(a, b); // AAA-GG-SSSS is the SSN's own format: an invalid SSN is no phone number either
        }
        return false;
    }

    /** Nine bare digits: an SSN or ITIN only with a context word or field hint. */
    private boolean bareSsn(int s, int e) {
        if (BuiltInChecks.itin(digits)) {
            if (hinted(ITIN) || hinted(SSN) || BuiltInHints.ITIN.before(data, contextFloor, s)) {
                report(ITIN, C_SSN_BARE, s, e);
                return true;
            }
        } else if (BuiltInChecks.ssn(digits) && (hinted(SSN) || BuiltInHints.SSN.before(data, contextFloor, s))) {
            report(SSN, C_SSN_BARE, s, e);
            return true;
        }
        return false;
    }

    private boolean cardsRun(boolean startOk) {
        boolean any = false;
        // Single groups of 13 to 19 digits, standing alone or between spaces (or parentheses).
        for (int g = 0; g < groups; g++) {
            int len = glen(g);
            if (len >= 13 && len <= 19 && !claimed[g] && spaced(g, g) && windowOk(g, g, startOk, false)) {
                any |= card(g, g);
            }
        }
        for (int a = 0; a < groups; ) {
            byte kind = a + 1 < groups ? sep[a + 1] : SEP_NONE;
            int b = kind == SEP_DASH || kind == SEP_SPACE ? chainEnd(a, kind) : a;
            if (b > a) {
                any |= kind == SEP_DASH ? dashedCard(a, b, startOk) : spacedCards(a, b, startOk);
            }
            a = b > a ? b : b + 1; // the last group of a chain may start the next
        }
        return any;
    }

    /** A dash-grouped card is the whole chain: 4-4-4-4(-1..3), 4-4-4-1..3, 4-6-5 or 4-6-4. */
    private boolean dashedCard(int a, int b, boolean startOk) {
        if (!windowOk(a, b, startOk, false) || claimed[a] || !cardShape(a, b)) {
            return false;
        }
        return card(a, b);
    }

    private boolean cardShape(int a, int b) {
        int count = b - a + 1;
        if (count == 3) {
            return glen(a) == 4 && glen(a + 1) == 6 && (glen(b) == 5 || glen(b) == 4);
        }
        if (count < 4 || count > 5) {
            return false;
        }
        for (int g = a; g < b; g++) {
            if (glen(g) != 4) {
                return false;
            }
        }
        return glen(b) <= 4;
    }

    /**
     * Space-grouped cards inside a chain of space-separated numbers: each maximal sequence of four-digit groups
     * together with a shorter group right after it, if there is one; and 4-6-5 / 4-6-4 when that is the whole
     * chain. Five or more four-digit groups in a row are a longer number, not a card.
     */
    private boolean spacedCards(int a, int b, boolean startOk) {
        boolean any = false;
        if (b - a == 2 && glen(a) == 4 && glen(a + 1) == 6 && (glen(b) == 5 || glen(b) == 4)
                && windowOk(a, b, startOk, false) && !claimed[a]) {
            if (card(a, b)) {
                return true;
            }
        }
        for (int x = a; x <= b; ) {
            if (glen(x) != 4 || claimed[x]) {
                x++;
                continue;
            }
            int y = x;
            while (y + 1 <= b && glen(y + 1) == 4 && !claimed[y + 1]) {
                y++;
            }
            int count = y - x + 1;
            int tail = y + 1 <= b && glen(y + 1) < 4 && !claimed[y + 1] ? y + 1 : -1;
            if (tail >= 0) {
                if (count >= 3 && count <= 4 && windowOk(x, tail, startOk, false)) {
                    any |= card(x, tail); // 4-4-4-1..3 and 4-4-4-4-1..3: the short group belongs to the number
                }
            } else if (count == 4 && windowOk(x, y, startOk, false)) {
                any |= card(x, y);
            }
            x = y + 1;
        }
        return any;
    }

    private boolean card(int a, int b) {
        int n = collect(a, b);
        if (!BuiltInChecks.card(digits, n)) {
            return false;
        }
        claim(a, b);
        report(CARD, boosted(CARD, C_CARD, false), gs[a], ge[b]);
        return true;
    }

    /** Phone numbers span every separator but a two-byte one with a slash ("030/1234567" is a German number). */
    private static boolean phoneSeparator(byte kind) {
        return kind != SEP_OTHER && kind != SEP_NONE;
    }

    private boolean phonesRun(int s) {
        if (!on(PHONE)) {
            return false;
        }
        final byte[] d = data;
        boolean any = false;
        for (int a = 0; a < groups; ) {
            if (claimed[a]) {
                a++;
                continue;
            }
            int b = a;
            while (b + 1 < groups && !claimed[b + 1] && phoneSeparator(sep[b + 1])) {
                b++;
            }
            any |= phone(a, b, s, d) || trimmedPhone(a, b, s, d);
            a = b + 1;
        }
        return any;
    }

    private boolean phone(int a, int b, int s, byte[] d) {
        boolean plus = a == 0 && s > from && d[s - 1] == '+';
        boolean paren = gs[a] > from && d[gs[a] - 1] == '(' && ge[a] < to && d[ge[a]] == ')';
        int start = plus || paren ? gs[a] - 1 : gs[a];
        if (a == 0 && (!numberStart(start) || (start > from && d[start - 1] == '#'))) {
            return false; // "#123-456-7890" is a reference
        }
        if (b == groups - 1 && !numberEnd(ge[b], false)) {
            return false;
        }
        if (!phoneShape(a, b) || BuiltInHints.POSTAL.before(d, contextFloor, start)) {
            return false;
        }
        // Digits and the group lengths, leaving out a "(0)" trunk prefix written inside an international number.
        int n = 0;
        int parts = 0;
        for (int g = a; g <= b; g++) {
            if (plus && g > a && glen(g) == 1 && d[gs[g]] == '0' && d[gs[g] - 1] == '(' && ge[g] < to
                    && d[ge[g]] == ')') {
                continue;
            }
            for (int i = gs[g]; i < ge[g] && n < digits.length; i++) {
                digits[n++] = (byte) (d[i] - '0');
            }
            groupDigits[parts++] = glen(g);
        }
        if (n < 7 || n > 17) {
            return false;
        }
        boolean international = plus;
        int off = 0;
        if (!plus && n >= 9 && digits[0] == 0 && digits[1] == 0 && digits[2] != 0) {
            international = true;
            off = 2;
        } else if (!plus && n >= 11 && digits[0] == 0 && digits[1] == 1 && digits[2] == 1
                && detectors.phones().anyNanpa()) {
            international = true;
            off = 3;
        }
        if (n - off > 15) {
            return false;
        }
        boolean bare = a == b && !plus;
        if (bare && !hinted(PHONE) && !BuiltInHints.PHONE.before(d, contextFloor, start)) {
            return false;
        }
        if (off > 0) {
            System.arraycopy(digits, off, digits, 0, n - off);
            n -= off;
            groupDigits[0] -= off;
        }
        if (detectors.phones().valid(digits, n, international, phoneNumber, groupDigits, parts) < 0) {
            return false;
        }
        double base = bare ? C_PHONE_BARE : international ? C_PHONE_INTERNATIONAL : C_PHONE_NATIONAL;
        claim(a, b);
        report(PHONE, boosted(PHONE, base, !bare && BuiltInHints.PHONE.before(d, contextFloor, start)), start,
                ge[b]);
        return true;
    }

    /**
     * A phone number with other numbers next to it ("call 212 269 0762 42 times", "42 07432 764580",
     * "2024 (713) 880 7483"): the segment without one or two space-separated groups at its end, or at its start.
     * Only short groups (one or two digits) are dropped, or a longer last one when what is left is written as a
     * phone number (a "+", parentheses, dashes or dots), so that a card or account number is not cut into one; a
     * segment may also start at a group after " (". At most six more validations, only for segments of three or
     * more groups that did not validate whole.
     */
    private boolean trimmedPhone(int a, int b, int s, byte[] d) {
        if (b - a < 2) {
            return false;
        }
        boolean plus = a == 0 && s > from && d[s - 1] == '+';
        boolean styled = plus;
        for (int g = a + 1; g <= b && !styled; g++) {
            styled = sep[g] != SEP_SPACE;
        }
        for (int drop = 1; drop <= 2 && b - drop > a; drop++) {
            int g = b - drop + 1;
            if (sep[g] != SEP_SPACE || glen(g) > (styled && drop == 1 ? 4 : 2)) {
                break;
            }
            if (phone(a, b - drop, s, d)) {
                return true;
            }
        }
        for (int x = a + 1; x <= a + 2 && x < b; x++) {
            boolean shortLead = !plus && sep[x] == SEP_SPACE && glen(x - 1) <= 2;
            if ((d[gs[x] - 1] == '(' || shortLead) && phone(x, b, s, d)) {
                return true;
            }
            if (!shortLead) {
                break;
            }
        }
        return false;
    }

    /**
     * Separators a phone number does not use that way: a dotted number is three groups (212.555.0123) or pairs
     * (01.23.45.67.89), never an OID, a version or an IPv4-shaped quad; a slash appears once at most (030/1234567).
     */
    private boolean phoneShape(int a, int b) {
        boolean dotted = true;
        boolean pairs = true;
        int slashes = 0;
        for (int g = a + 1; g <= b; g++) {
            dotted &= sep[g] == SEP_DOT;
            slashes += sep[g] == SEP_SLASH ? 1 : 0;
        }
        for (int g = a; g <= b; g++) {
            pairs &= glen(g) == 2;
        }
        if (slashes > 1 || (b > a && glen(b) < 2)) {
            return false; // no numbering plan ends a number with a one-digit group
        }
        return !(dotted && b > a) || b - a == 2 || pairs;
    }
}
