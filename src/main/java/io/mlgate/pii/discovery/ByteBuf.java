package io.mlgate.pii.discovery;

import java.util.Arrays;

/** A growable byte array (not thread-safe): the batch a discovery job fills with records before scanning them. */
final class ByteBuf {

    private byte[] bytes;
    private int size;

    ByteBuf(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    void clear() {
        size = 0;
    }

    void append(byte[] src, int from, int length) {
        if (length > bytes.length - size) {
            long wanted = Math.max((long) bytes.length * 2, (long) size + length);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("buffer over 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
        System.arraycopy(src, from, bytes, size, length);
        size += length;
    }

    /** A copy of {@code [from, to)}. */
    byte[] copy(int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }
}
