package io.mlgate.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Finds and removes a partial last line (a record torn by a crash mid-write) from a segment file. Only bytes after
 * the last {@code '\n'} are removed, so a complete record is never truncated.
 */
final class TornTail {

    private static final int CHUNK = 8192;

    private TornTail() {
    }

    /** Offset just after the last {@code '\n'} in the channel (0 if none). */
    static long endOfLastLine(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - CHUNK);
            buf.clear().limit((int) (end - start));
            long pos = start;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException("segment shrank while reading");
                }
                pos += n;
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    /**
     * Truncates {@code file} to the end of its last complete line and fsyncs it if it had a torn tail.
     *
     * @return the number of bytes removed (0 when the file ended with a newline or was empty)
     */
    static long repair(Path file, ChannelOpener opener) throws IOException {
        try (FileChannel ch = opener.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return 0;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            if (last.get(0) == '\n') {
                return 0;
            }
            long keep = endOfLastLine(ch, size);
            ch.truncate(keep);
            ch.force(true);
            return size - keep;
        }
    }
}
