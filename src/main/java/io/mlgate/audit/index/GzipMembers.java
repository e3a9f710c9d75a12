package io.mlgate.audit.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a log file stored as a series of gzip members (RFC 1952): a sequential scan that reports where every member
 * starts (compressed and uncompressed offsets) and streams the uncompressed bytes, and random access that inflates
 * only the member holding a wanted range. A single-member file is the one-member case.
 */
final class GzipMembers {

    /** A log file is not valid gzip (bad header, CRC or length, or truncated). */
    static final class FormatException extends IOException {
        FormatException(String message) {
            super(message);
        }
    }

    /** Receives the scan. */
    interface Sink {
        void member(long compressedOffset, long uncompressedOffset);

        void data(byte[] b, int off, int len) throws IOException;
    }

    private static final int FTEXT_MASK = 0xE0; // reserved bits must be zero
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final FileChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private long inStart; // file position of in[0]
    private boolean eof;

    private GzipMembers(FileChannel channel, long position) {
        this.channel = channel;
        this.inStart = position;
        in.limit(0);
    }

    /**
     * Scans the whole file. Members are reported in order; the data of a member follows its {@code member} call.
     *
     * @return the total uncompressed length
     * @throws FormatException at the first malformed byte (everything before it was already reported)
     */
    static long scan(FileChannel channel, Sink sink) throws IOException {
        GzipMembers g = new GzipMembers(channel, 0);
        Inflater inflater = new Inflater(true);
        byte[] out = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        long uncompressed = 0;
        try {
            while (g.fill(1)) {
                long memberStart = g.position();
                g.header();
                sink.member(memberStart, uncompressed);
                inflater.reset();
                crc.reset();
                long size = 0;
                while (!inflater.finished()) {
                    if (inflater.needsInput()) {
                        if (!g.fill(1)) {
                            throw new FormatException("truncated gzip member at " + memberStart);
                        }
                        inflater.setInput(g.in.array(), g.in.position(), g.in.remaining());
                    }
                    int n;
                    try {
                        n = inflater.inflate(out);
                    } catch (DataFormatException e) {
                        throw new FormatException("corrupt deflate data in member at " + memberStart);
                    }
                    g.consumedByInflater(inflater);
                    if (n > 0) {
                        crc.update(out, 0, n);
                        size += n;
                        sink.data(out, 0, n);
                    } else if (inflater.needsDictionary()) {
                        throw new FormatException("gzip member needs a preset dictionary");
                    }
                }
                g.trailer(crc.getValue(), size, memberStart);
                uncompressed += size;
            }
        } finally {
            inflater.end();
        }
        return uncompressed;
    }

    /**
     * Inflates the member starting at {@code compressedOffset} and returns its bytes
     * {@code [skip, skip + length)} (offsets inside the member's uncompressed data).
     */
    static byte[] read(FileChannel channel, long compressedOffset, long skip, int length) throws IOException {
        GzipMembers g = new GzipMembers(channel, compressedOffset);
        if (!g.fill(1)) {
            throw new FormatException("no gzip member at " + compressedOffset);
        }
        g.header();
        Inflater inflater = new Inflater(true);
        byte[] result = new byte[length];
        int got = 0;
        long position = 0;
        byte[] out = new byte[(int) Math.min(64 * 1024, Math.max(1024, skip + length))];
        try {
            while (got < length) {
                if (inflater.finished()) {
                    throw new FormatException("member at " + compressedOffset + " ends before the record");
                }
                if (inflater.needsInput()) {
                    if (!g.fill(1)) {
                        throw new FormatException("truncated gzip member at " + compressedOffset);
                    }
                    inflater.setInput(g.in.array(), g.in.position(), g.in.remaining());
                }
                int n;
                try {
                    n = inflater.inflate(out);
                } catch (DataFormatException e) {
                    throw new FormatException("corrupt deflate data in member at " + compressedOffset);
                }
                g.consumedByInflater(inflater);
                long end = position + n;
                if (end > skip) {
                    int from = (int) Math.max(0, skip - position);
                    int take = (int) Math.min(n - from, length - got);
                    System.arraycopy(out, from, result, got, take);
                    got += take;
                }
                position = end;
            }
        } finally {
            inflater.end();
        }
        return result;
    }

    private long position() {
        return inStart + in.position();
    }

    /** Ensures {@code n} bytes are buffered; false at end of file with nothing buffered. */
    private boolean fill(int n) throws IOException {
        while (in.remaining() < n && !eof) {
            long unreadStart = inStart + in.position();
            in.compact();
            inStart = unreadStart;
            if (channel.read(in, inStart + in.position()) < 0) {
                eof = true;
            }
            in.flip();
        }
        if (in.remaining() >= n) {
            return true;
        }
        if (in.remaining() == 0) {
            return false;
        }
        throw new FormatException("truncated gzip file at " + position());
    }

    private int u8() throws IOException {
        if (!fill(1)) {
            throw new FormatException("truncated gzip header");
        }
        return in.get() & 0xFF;
    }

    private void header() throws IOException {
        long at = position();
        fill(10);
        if (u8() != 0x1f || u8() != 0x8b) {
            throw new FormatException("not a gzip member at " + at);
        }
        if (u8() != 8) {
            throw new FormatException("gzip member at " + at + " does not use deflate");
        }
        int flags = u8();
        if ((flags & FTEXT_MASK) != 0) {
            throw new FormatException("reserved gzip flags set at " + at);
        }
        for (int i = 0; i < 6; i++) {
            u8(); // MTIME, XFL, OS
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = u8() | (u8() << 8);
            for (int i = 0; i < xlen; i++) {
                u8();
            }
        }
        if ((flags & FNAME) != 0) {
            while (u8() != 0) {
                // skip the file name
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (u8() != 0) {
                // skip the comment
            }
        }
        if ((flags & FHCRC) != 0) {
            u8();
            u8();
        }
    }

    private void consumedByInflater(Inflater inflater) {
        in.position(in.limit() - inflater.getRemaining());
    }

    private void trailer(long crc, long size, long memberStart) throws IOException {
        if (!fill(8)) {
            throw new FormatException("truncated gzip trailer of member at " + memberStart);
        }
        long storedCrc = (u8() | (u8() << 8) | (u8() << 16) | ((long) u8() << 24));
        long storedSize = (u8() | (u8() << 8) | (u8() << 16) | ((long) u8() << 24));
        if (storedCrc != crc || storedSize != (size & 0xFFFFFFFFL)) {
            throw new FormatException("CRC or length mismatch in gzip member at " + memberStart);
        }
    }
}
