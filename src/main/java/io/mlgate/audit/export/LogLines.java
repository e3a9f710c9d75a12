package io.mlgate.audit.export;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream of log bytes into lines without holding more than the longest line in memory. Each non-empty line
 * is handed over without its {@code '\n'}; a last line without one is handed over too.
 */
final class LogLines {

    /** Receives one line: {@code buf[off, off + len)}; the buffer is reused after the call returns. */
    @FunctionalInterface
    interface LineHandler {
        void line(byte[] buf, int off, int len) throws IOException;
    }

    private LogLines() {
    }

    static void forEach(InputStream in, LineHandler handler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        byte[] line = new byte[8 * 1024];
        int lineLen = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    int part = i - from;
                    if (lineLen == 0) {
                        if (part > 0) {
                            handler.line(chunk, from, part);
                        }
                    } else {
                        line = append(line, lineLen, chunk, from, part);
                        lineLen += part;
                        handler.line(line, 0, lineLen);
                        lineLen = 0;
                    }
                    from = i + 1;
                }
            }
            int rest = n - from;
            if (rest > 0) {
                line = append(line, lineLen, chunk, from, rest);
                lineLen += rest;
            }
        }
        if (lineLen > 0) {
            handler.line(line, 0, lineLen);
        }
    }

    private static byte[] append(byte[] line, int lineLen, byte[] src, int off, int len) {
        if (lineLen + len > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + len));
        }
        System.arraycopy(src, off, line, lineLen, len);
        return line;
    }
}
