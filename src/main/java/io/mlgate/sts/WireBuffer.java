package io.mlgate.sts;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with the compact encoding of token fields: unsigned varints and length-prefixed UTF-8. */
final class WireBuffer {

    private byte[] bytes;
    private int size;

    WireBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    WireBuffer u8(int v) {
        ensure(1);
        bytes[size++] = (byte) v;
        return this;
    }

    WireBuffer varint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative varint");
        }
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
        return this;
    }

    WireBuffer raw(byte[] b) {
        varint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    /** A string; null is written as length 0 with a leading presence byte. */
    WireBuffer string(String s) {
        if (s == null) {
            return u8(0);
        }
        u8(1);
        return raw(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** Reads what {@link WireBuffer} wrote; any inconsistency is an {@link IllegalArgumentException}. */
    static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b) {
            this(b, 0, b.length);
        }

        Reader(byte[] b, int from, int to) {
            this.b = b;
            this.pos = from;
            this.end = to;
        }

        int u8() {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated");
            }
            return b[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        int length() {
            long n = varint();
            if (n > end - pos) {
                throw new IllegalArgumentException("length beyond end");
            }
            return (int) n;
        }

        byte[] raw() {
            int n = length();
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        String string() {
            int present = u8();
            if (present == 0) {
                return null;
            }
            if (present != 1) {
                throw new IllegalArgumentException("bad presence byte");
            }
            int n = length();
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        boolean atEnd() {
            return pos == end;
        }
    }
}
