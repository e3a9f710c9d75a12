package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Rewrites the spans of a {@link ScanResult} in the payload it came from ({@link RedactionMethod}), keeping the
 * payload well-formed in its format: redacted JSON is still valid JSON with the same structure (a finding that is a
 * whole JSON number becomes a string), redacted CSV keeps its rows and columns. Thread-safe; the tokenization key
 * is held only in this object.
 *
 * <p>Every replacement is ASCII without quotes, backslashes, commas or control characters, and the scanner's spans
 * never cut a UTF-8 character or a JSON escape (a finding in an escaped string or a quoted CSV cell with {@code ""}
 * covers the whole content), so splicing replacements in keeps strings strings and cells cells. The output is
 * allocated once, at its exact size; a payload with nothing to redact is returned as is. In JSON, a finding outside
 * any string (the scanner reports a number as a whole token) is replaced by a JSON string.
 *
 * <p>MASK and TOKENIZE work on the value as the format means it: a JSON string's escapes and a CSV cell's
 * {@code ""} are decoded first, so {@code "a\u0040b.com"} and {@code "a@b.com"} give the same token.
 */
public final class Redactor {

    /** The shortest tokenization key, in bytes (HMAC-SHA256's block-size guidance: at least the output size). */
    public static final int MIN_KEY_BYTES = 32;
    /** The time {@link #redactText} gives a log line's scan. */
    static final long LOG_SCAN_NANOS = 100_000_000L;

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".getBytes(StandardCharsets.US_ASCII);
    /** Base32 characters of a token: 26 × 5 = 130 bits of the HMAC. */
    static final int TOKEN_CHARS = 26;
    private static final int MAX_OUTPUT = Integer.MAX_VALUE - 16;

    private final ThreadLocal<Mac> macs;

    /**
     * @param tokenizationKey the HMAC-SHA256 key for {@link RedactionMethod#TOKENIZE} (at least 32 bytes)
     * @throws IllegalArgumentException when the key is missing or shorter than {@value #MIN_KEY_BYTES} bytes
     */
    public Redactor(byte[] tokenizationKey) {
        if (tokenizationKey == null || tokenizationKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the tokenization key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        SecretKeySpec key = new SecretKeySpec(tokenizationKey, ALGORITHM); // a copy: the caller may wipe its own
        newMac(key); // fails now, not on the first token, if HMAC-SHA256 is unavailable
        this.macs = ThreadLocal.withInitial(() -> newMac(key));
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /**
     * The redacted payload, or {@code payload} itself when there is nothing to redact.
     *
     * @throws IllegalArgumentException when the result's spans do not fit the payload (another payload's result)
     */
    public byte[] redact(byte[] payload, ScanResult result, RedactionMethod method) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(method, "method");
        List<Finding> findings = result.findings();
        if (findings.isEmpty()) {
            return payload;
        }
        PayloadFormat format = result.format();
        Value value = new Value();
        long size = payload.length;
        int previousEnd = 0;
        // in JSON, a finding outside any string is a whole number: its replacement is written as a string
        boolean[] quoted = format == PayloadFormat.JSON ? new boolean[findings.size()] : null;
        JsonStrings strings = quoted == null ? null : new JsonStrings(payload);
        for (int k = 0; k < findings.size(); k++) {
            Finding f = findings.get(k);
            if (f.start() < previousEnd || f.end() > payload.length) {
                throw new IllegalArgumentException("the scan result's spans do not fit this payload");
            }
            previousEnd = f.end();
            if (strings != null) {
                quoted[k] = !strings.inStringAt(f.start());
                strings.skipTo(f.end());
            }
            size += replacementLength(payload, f, format, method, value) - f.length()
                    + (quoted != null && quoted[k] ? 2 : 0);
        }
        if (size > MAX_OUTPUT) {
            throw new IllegalArgumentException("the redacted payload would be too large");
        }
        byte[] out = new byte[(int) size];
        byte[] digest = method == RedactionMethod.TOKENIZE ? new byte[32] : null;
        int o = 0;
        int from = 0;
        for (int k = 0; k < findings.size(); k++) {
            Finding f = findings.get(k);
            int gap = f.start() - from;
            System.arraycopy(payload, from, out, o, gap);
            o += gap;
            boolean quote = quoted != null && quoted[k];
            if (quote) {
                out[o++] = '"';
            }
            o = writeReplacement(payload, f, format, method, value, out, o, digest);
            if (quote) {
                out[o++] = '"';
            }
            from = f.end();
        }
        System.arraycopy(payload, from, out, o, payload.length - from);
        o += payload.length - from;
        if (o != out.length) {
            throw new IllegalStateException("redaction size mismatch");
        }
        return out;
    }

    /**
     * Redacts a piece of text (a log message): every finding replaced by its type in brackets. A scan that fails
     * or takes longer than {@value #LOG_SCAN_NANOS} ns withholds the whole text (fail closed).
     */
    public String redactText(PiiScanner scanner, String text) {
        try {
            return redactTextOrFail(scanner, text, System.nanoTime() + LOG_SCAN_NANOS);
        } catch (PiiScanException e) {
            return "[text withheld: PII scan " + e.reason() + "]";
        }
    }

    /**
     * Redacts a piece of text as {@link #redactText} does, but a scan that fails throws, for callers that withhold
     * more than the text (a whole log line).
     *
     * @throws PiiScanException when the scan fails or passes {@code deadlineNanos}
     */
    public String redactTextOrFail(PiiScanner scanner, String text, long deadlineNanos) {
        Objects.requireNonNull(scanner, "scanner");
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ScanResult result = scanner.scan(bytes, PayloadFormat.TEXT, deadlineNanos);
        if (!result.detected()) {
            return text;
        }
        return new String(redact(bytes, result, RedactionMethod.REPLACE), StandardCharsets.UTF_8);
    }

    private static int replacementLength(byte[] payload, Finding f, PayloadFormat format, RedactionMethod method,
            Value value) {
        String type = f.type().name();
        switch (method) {
            case REPLACE:
                return type.length() + 2;
            case TOKENIZE:
                return type.length() + 7 + TOKEN_CHARS; // [TYPE:tok_...]
            default:
                value.of(payload, f, format);
                return value.characters();
        }
    }

    private int writeReplacement(byte[] payload, Finding f, PayloadFormat format, RedactionMethod method,
            Value value, byte[] out, int o, byte[] digest) {
        String type = f.type().name();
        switch (method) {
            case REPLACE:
                out[o++] = '[';
                o = ascii(type, out, o);
                out[o++] = ']';
                return o;
            case TOKENIZE: {
                value.of(payload, f, format);
                Mac mac = macs.get();
                for (int i = 0; i < type.length(); i++) {
                    mac.update((byte) type.charAt(i));
                }
                mac.update((byte) 0);
                mac.update(value.data, value.from, value.to - value.from);
                try {
                    mac.doFinal(digest, 0);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HMAC failed", e);
                }
                out[o++] = '[';
                o = ascii(type, out, o);
                o = ascii(":tok_", out, o);
                for (int j = 0; j < TOKEN_CHARS; j++) {
                    int bit = j * 5;
                    int window = (digest[bit >> 3] & 0xff) << 8 | digest[(bit >> 3) + 1] & 0xff;
                    out[o++] = BASE32[window >> 11 - (bit & 7) & 31];
                }
                out[o++] = ']';
                return o;
            }
            default:
                value.of(payload, f, format);
                return value.mask(out, o);
        }
    }

    private static int ascii(String s, byte[] out, int o) {
        for (int i = 0; i < s.length(); i++) {
            out[o++] = (byte) s.charAt(i);
        }
        return o;
    }

    /**
     * Whether a position of a JSON payload is inside a string, found by one forward pass over the bytes (quotes
     * toggle, a backslash in a string skips the next byte). The scanner only reports JSON for payloads it parsed,
     * and a result narrowed to some of its findings (a policy's types) still belongs to the same bytes, so the
     * answer needs nothing but the payload.
     */
    private static final class JsonStrings {
        private final byte[] p;
        private int pos;
        private boolean inString;

        JsonStrings(byte[] payload) {
            this.p = payload;
        }

        boolean inStringAt(int at) {
            skipTo(at);
            return inString;
        }

        void skipTo(int to) {
            int i = pos;
            boolean in = inString;
            while (i < to) {
                byte b = p[i];
                if (b == '"') {
                    in = !in;
                } else if (b == '\\' && in) {
                    i++;
                }
                i++;
            }
            pos = i;
            inString = in;
        }
    }

    /**
     * The value of a finding as its format means it: the span itself, or its decoded form when it is a JSON string
     * with escapes or a CSV cell with {@code ""}.
     */
    private static final class Value {
        byte[] data;
        int from;
        int to;

        void of(byte[] payload, Finding f, PayloadFormat format) {
            data = payload;
            from = f.start();
            to = f.end();
            if (format == PayloadFormat.JSON && contains(payload, from, to, (byte) '\\')) {
                decodeJson(payload, f.start(), f.end());
            } else if (format == PayloadFormat.CSV && contains(payload, from, to, (byte) '"')) {
                byte[] d = new byte[to - from];
                int n = 0;
                for (int i = from; i < to; i++) {
                    d[n++] = payload[i];
                    if (payload[i] == '"' && i + 1 < to && payload[i + 1] == '"') {
                        i++;
                    }
                }
                data = d;
                from = 0;
                to = n;
            }
        }

        private void decodeJson(byte[] p, int start, int end) {
            byte[] d = new byte[end - start];
            int n = 0;
            int i = start;
            while (i < end) {
                byte b = p[i];
                if (b != '\\' || i + 1 >= end) {
                    d[n++] = b;
                    i++;
                    continue;
                }
                byte e = p[i + 1];
                if (e == 'u' && i + 5 < end && hex4(p, i + 2) >= 0) {
                    int cp = hex4(p, i + 2);
                    i += 6;
                    if (Character.isHighSurrogate((char) cp) && i + 5 < end && p[i] == '\\' && p[i + 1] == 'u'
                            && hex4(p, i + 2) >= 0 && Character.isLowSurrogate((char) hex4(p, i + 2))) {
                        cp = Character.toCodePoint((char) cp, (char) hex4(p, i + 2));
                        i += 6;
                    }
                    if (cp >= 0xD800 && cp <= 0xDFFF) {
                        cp = Utf8.REPLACEMENT;
                    }
                    n = Utf8.encode(cp, d, n);
                    continue;
                }
                i += 2;
                switch (e) {
                    case 'b':
                        d[n++] = '\b';
                        break;
                    case 'f':
                        d[n++] = '\f';
                        break;
                    case 'n':
                        d[n++] = '\n';
                        break;
                    case 'r':
                        d[n++] = '\r';
                        break;
                    case 't':
                        d[n++] = '\t';
                        break;
                    default:
                        d[n++] = e;
                }
            }
            data = d;
            from = 0;
            to = n;
        }

        private static int hex4(byte[] p, int i) {
            int v = 0;
            for (int k = 0; k < 4; k++) {
                int c = p[i + k];
                int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (h < 0) {
                    return -1;
                }
                v = v << 4 | h;
            }
            return v;
        }

        /** Characters (code points; an invalid byte counts as one). */
        int characters() {
            int count = 0;
            for (int i = from; i < to; i += step(i)) {
                count++;
            }
            return count;
        }

        /**
         * Writes the MASK form: {@code *} per character, except the last four ASCII letters or digits when the
         * value has at least 12 characters.
         */
        int mask(byte[] out, int o) {
            int keepFrom = to;
            if (characters() >= 12) {
                int alnum = 0;
                for (int i = to - 1; i >= from && alnum < 4; i--) {
                    if (alnum(data[i])) {
                        alnum++;
                        keepFrom = i;
                    }
                }
            }
            for (int i = from; i < to; i += step(i)) {
                out[o++] = i >= keepFrom && alnum(data[i]) ? data[i] : (byte) '*';
            }
            return o;
        }

        private int step(int i) {
            int len = Utf8.sequenceLength(data, i, to);
            return len < 0 ? 1 : len;
        }

        private static boolean alnum(byte b) {
            return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
        }

        private static boolean contains(byte[] d, int from, int to, byte b) {
            for (int i = from; i < to; i++) {
                if (d[i] == b) {
                    return true;
                }
            }
            return false;
        }
    }
}
