package io.mlgate.audit.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A segment still being written (or waiting to be compressed), {@code events-...jsonl}: indexed in memory and caught
 * up at each lookup from the last indexed offset to the end of the last complete line. When its compressed file
 * appears, {@link #handOver} passes the in-memory index on to seed the sidecar of that file.
 */
final class ActiveSegment {

    final long seq;
    final String logName;
    final Path log;

    private ColumnBuffer buffer = new ColumnBuffer();
    private long indexedEnd;
    private CRC32C crc = new CRC32C();
    private volatile FileChannel channel;
    private boolean handedOver;

    ActiveSegment(long seq, String logName, Path log) {
        this.seq = seq;
        this.logName = logName;
        this.log = log;
    }

    /** Indexes the complete lines appended since the last call; null when the file is gone. */
    synchronized Columns catchUp() throws IOException {
        if (handedOver) {
            return null;
        }
        if (channel != null && !channel.isOpen()) {
            channel = null; // closed by an interrupted reader: open it again
        }
        if (channel == null) {
            try {
                channel = FileChannel.open(log, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
        long size = channel.size();
        if (size < indexedEnd) {
            // the file was cut (torn-tail recovery removes only incomplete lines; anything else): index it again
            buffer = new ColumnBuffer();
            indexedEnd = 0;
            crc = new CRC32C();
        }
        if (size > indexedEnd) {
            ColumnBuffer buf = buffer;
            CRC32C c = crc;
            LineSplitter lines = new LineSplitter(indexedEnd, (b, off, len, offset) -> {
                c.update(b, off, len);
                c.update('\n');
                ClosedSegment.index(buf, b, off, len, offset);
            });
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(256 * 1024, size - indexedEnd));
            long pos = indexedEnd;
            while (pos < size) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), size - pos));
                int r = channel.read(chunk, pos);
                if (r <= 0) {
                    break;
                }
                lines.feed(chunk.array(), 0, r);
                pos += r;
            }
            indexedEnd = lines.completeEnd();
        }
        return buffer.snapshot();
    }

    /** Reads {@code length} bytes of the file at {@code offset}. */
    byte[] read(long offset, int length) throws IOException {
        FileChannel ch = channel;
        if (ch == null) {
            throw new SegmentGoneException(logName);
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        try {
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new SegmentGoneException(logName);
                }
            }
        } catch (ClosedChannelException e) {
            throw new SegmentGoneException(logName);
        }
        return b.array();
    }

    /** Stops tailing and returns what was indexed, to seed the compressed file's sidecar. */
    synchronized ClosedSegment.Seed handOver() {
        handedOver = true;
        close();
        return new ClosedSegment.Seed(buffer.copy(), indexedEnd, (int) crc.getValue());
    }

    synchronized void close() {
        FileChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do: the channel was only read
            }
        }
    }
}
