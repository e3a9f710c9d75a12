package io.mlgate.pii;

/**
 * UTF-8 helpers shared by the scanner's walkers and the custom detectors: strict validation of one sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) and decoding of a code point.
 */
final class Utf8 {

    /** U+FFFD, what an invalid byte decodes to. */
    static final int REPLACEMENT = 0xFFFD;

    private Utf8() {
    }

    /**
     * The length (1 to 4) of the valid UTF-8 sequence starting at {@code data[i]} and ending at or before
     * {@code end}, or -1 when the bytes there are not a valid sequence.
     */
    static int sequenceLength(byte[] data, int i, int end) {
        int b = data[i] & 0xff;
        if (b < 0x80) {
            return 1;
        }
        if (b < 0xC2) {
            return -1; // a continuation byte, or an overlong two-byte lead
        }
        if (b < 0xE0) {
            return i + 1 < end && continuation(data[i + 1]) ? 2 : -1;
        }
        if (b < 0xF0) {
            if (i + 2 >= end) {
                return -1;
            }
            int b1 = data[i + 1] & 0xff;
            boolean ok = b == 0xE0 ? b1 >= 0xA0 && b1 <= 0xBF        // no overlong forms
                    : b == 0xED ? b1 >= 0x80 && b1 <= 0x9F             // no UTF-16 surrogates
                    : b1 >= 0x80 && b1 <= 0xBF;
            return ok && continuation(data[i + 2]) ? 3 : -1;
        }
        if (b < 0xF5) {
            if (i + 3 >= end) {
                return -1;
            }
            int b1 = data[i + 1] & 0xff;
            boolean ok = b == 0xF0 ? b1 >= 0x90 && b1 <= 0xBF        // no overlong forms
                    : b == 0xF4 ? b1 >= 0x80 && b1 <= 0x8F             // nothing above U+10FFFF
                    : b1 >= 0x80 && b1 <= 0xBF;
            return ok && continuation(data[i + 2]) && continuation(data[i + 3]) ? 4 : -1;
        }
        return -1;
    }

    /** The code point of the valid sequence of {@code length} bytes at {@code data[i]}. */
    static int decode(byte[] data, int i, int length) {
        switch (length) {
            case 1:
                return data[i] & 0xff;
            case 2:
                return (data[i] & 0x1f) << 6 | data[i + 1] & 0x3f;
            case 3:
                return (data[i] & 0x0f) << 12 | (data[i + 1] & 0x3f) << 6 | data[i + 2] & 0x3f;
            default:
                return (data[i] & 0x07) << 18 | (data[i + 1] & 0x3f) << 12 | (data[i + 2] & 0x3f) << 6
                        | data[i + 3] & 0x3f;
        }
    }

    /** Writes {@code cp} as UTF-8 at {@code out[at]}; returns the position after it. */
    static int encode(int cp, byte[] out, int at) {
        if (cp < 0x80) {
            out[at++] = (byte) cp;
        } else if (cp < 0x800) {
            out[at++] = (byte) (0xC0 | cp >> 6);
            out[at++] = (byte) (0x80 | cp & 0x3f);
        } else if (cp < 0x10000) {
            out[at++] = (byte) (0xE0 | cp >> 12);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
            out[at++] = (byte) (0x80 | cp & 0x3f);
        } else {
            out[at++] = (byte) (0xF0 | cp >> 18);
            out[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
            out[at++] = (byte) (0x80 | cp & 0x3f);
        }
        return at;
    }

    static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
