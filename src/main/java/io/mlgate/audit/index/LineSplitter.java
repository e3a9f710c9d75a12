package io.mlgate.audit.index;

import java.io.IOException;
import java.util.Arrays;

/**
 * Cuts a byte stream fed in chunks into newline-terminated lines, reporting each complete line with its offset in
 * the stream; bytes after the last newline stay pending (a line still being written, or a torn tail).
 */
final class LineSplitter {

    /** Receives complete lines (without the newline). */
    interface LineSink {
        void line(byte[] b, int off, int len, long offset) throws IOException;
    }

    private final LineSink sink;
    private byte[] pending = new byte[1024];
    private int pendingLength;
    private long position;
    private long lineStart;

    /** @param startOffset the stream offset of the first byte fed */
    LineSplitter(long startOffset, LineSink sink) {
        this.sink = sink;
        this.position = startOffset;
        this.lineStart = startOffset;
    }

    void feed(byte[] b, int off, int len) throws IOException {
        int from = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                long newlineAt = position + (i - off);
                if (pendingLength == 0) {
                    sink.line(b, from, i - from, lineStart);
                } else {
                    append(b, from, i - from);
                    sink.line(pending, 0, pendingLength, lineStart);
                    pendingLength = 0;
                }
                from = i + 1;
                lineStart = newlineAt + 1;
            }
        }
        append(b, from, end - from);
        position += len;
    }

    /** The stream offset just after the last complete line. */
    long completeEnd() {
        return lineStart;
    }

    private void append(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        if (pendingLength + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + len));
        }
        System.arraycopy(b, off, pending, pendingLength, len);
        pendingLength += len;
    }
}
