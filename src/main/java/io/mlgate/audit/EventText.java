package io.mlgate.audit;

import java.nio.charset.StandardCharsets;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * Text rules shared by the event model: the one JSON factory used to serialize events, lone-surrogate repair and
 * UTF-8-aware truncation.
 */
final class EventText {

    /** Upper bound, in UTF-8 bytes, of {@code userAgent} and {@code errorMessage} (CloudTrail: 1 KB). */
    static final int MAX_SHORT_TEXT_BYTES = 1024;

    /** Thread-safe, shared; slashes stay unescaped so ARNs read as in CloudTrail. */
    static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private EventText() {
    }

    /**
     * Returns {@code s} with every unpaired UTF-16 surrogate replaced by U+FFFD, so it always encodes as UTF-8
     * (a JSON generator rejects lone surrogates, which would turn a hostile header into an audit failure).
     * Allocation-free when the string is already well formed.
     */
    static String wellFormed(String s) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return repair(s);
            }
        }
        return s;
    }

    private static String repair(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Well-formed {@code s}, cut at a code-point boundary so that its UTF-8 form is at most {@code maxBytes}. */
    static String truncateUtf8(String s, int maxBytes) {
        s = wellFormed(s);
        if (s == null || s.length() * 3L <= maxBytes) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > maxBytes) {
                return s.substring(0, i);
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return s;
    }

    /** UTF-8 length of a well-formed string, without encoding it. */
    static int utf8Length(String s) {
        int bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String require(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty string");
        }
        return wellFormed(value);
    }
}
