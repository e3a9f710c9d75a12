package io.mlgate.sagemaker.transform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Splits a file into records by line (SageMaker's SplitType Line), keeping the byte offset after every line so a job
 * can resume exactly there. A record is the bytes before {@code \n} (a trailing {@code \r} removed); the last line
 * needs no line end, and a final line end does not make an empty record. A line longer than the limit is consumed
 * without being held in memory and comes back as {@link Line#tooLong()}. Not thread-safe.
 */
public final class LineReader {

    /** One line: its record bytes (null if too long), its length in bytes, and the offset just after its line end. */
    public record Line(byte[] bytes, long length, long endOffset) {
        public boolean tooLong() {
            return bytes == null;
        }
    }

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private long position;

    /** Reads {@code channel} from {@code offset} (which must be the start of a line). */
    public LineReader(FileChannel channel, long offset) throws IOException {
        this.channel = channel;
        this.position = offset;
        channel.position(offset);
        buffer.limit(0);
    }

    /** The offset just after the last line returned. */
    public long position() {
        return position;
    }

    /**
     * The next line, or null at the end of the file.
     *
     * @param maxBytes the longest record held in memory
     */
    public Line next(long maxBytes) throws IOException {
        byte[] out = new byte[(int) Math.max(1, Math.min(256, maxBytes + 1))];
        int size = 0;
        long length = 0;
        boolean any = false;
        while (true) {
            if (!buffer.hasRemaining()) {
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n <= 0) {
                    if (!any) {
                        return null;
                    }
                    return finish(out, size, length, maxBytes);
                }
            }
            any = true;
            byte b = buffer.get();
            position++;
            if (b == '\n') {
                return finish(out, size, length, maxBytes);
            }
            length++;
            if (length <= maxBytes + 1) { // one more byte kept: it may be the '\r' of a CRLF
                if (size == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min((long) out.length * 2, maxBytes + 1));
                }
                out[size++] = b;
            }
        }
    }

    private Line finish(byte[] out, int size, long length, long maxBytes) {
        if (length <= maxBytes + 1 && size > 0 && out[size - 1] == '\r') {
            size--;
            length--;
        }
        if (length > maxBytes) {
            return new Line(null, length, position);
        }
        return new Line(Arrays.copyOf(out, size), length, position);
    }
}
