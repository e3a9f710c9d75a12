package io.mlgate.audit.integrity;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A strict reader of a series of gzip members (RFC 1952): inflates every member in turn, checks each CRC-32 and
 * length, and fails on a truncated member or on any byte after the last member that does not start a new one
 * (unlike {@link java.util.zip.GZIPInputStream}, which ignores trailing garbage).
 */
final class GzipMembers extends InputStream {

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long memberBytes;
    private boolean inMember;
    private boolean eof;
    private int members;

    GzipMembers(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!eof) {
            if (!inMember && !startMember()) {
                eof = true;
                break;
            }
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new IOException("corrupt deflate data: " + e.getMessage());
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.finished()) {
                pos = lim - inflater.getRemaining();
                finishMember();
            } else if (inflater.needsDictionary()) {
                throw new IOException("corrupt deflate data: preset dictionary");
            } else if (inflater.needsInput()) {
                if (!fill()) {
                    throw new EOFException("truncated gzip member");
                }
                inflater.setInput(buf, pos, lim - pos);
                pos = lim;
            }
        }
        return -1;
    }

    private boolean startMember() throws IOException {
        int b0 = nextByte();
        if (b0 < 0) {
            if (members == 0) {
                throw new EOFException("empty file, not in gzip format");
            }
            return false;
        }
        if (b0 != 0x1f || nextByte() != 0x8b) {
            throw new IOException(members == 0 ? "not in gzip format"
                    : "unexpected data after end of compressed stream");
        }
        if (requireByte() != 8) {
            throw new IOException("unsupported gzip compression method");
        }
        int flags = requireByte();
        for (int i = 0; i < 6; i++) {
            requireByte();
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = requireByte() | requireByte() << 8;
            for (int i = 0; i < xlen; i++) {
                requireByte();
            }
        }
        if ((flags & FNAME) != 0) {
            while (requireByte() != 0) {
                // skip the file name
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (requireByte() != 0) {
                // skip the comment
            }
        }
        if ((flags & FHCRC) != 0) {
            requireByte();
            requireByte();
        }
        inflater.reset();
        crc.reset();
        memberBytes = 0;
        inMember = true;
        members++;
        if (pos < lim) {
            inflater.setInput(buf, pos, lim - pos);
            pos = lim;
        }
        return true;
    }

    private void finishMember() throws IOException {
        long storedCrc = readIntLe();
        long storedSize = readIntLe();
        if (storedCrc != crc.getValue() || storedSize != (memberBytes & 0xffffffffL)) {
            throw new IOException("gzip member " + members + " fails its CRC-32 or length check");
        }
        inMember = false;
    }

    private long readIntLe() throws IOException {
        return (long) requireByte() | (long) requireByte() << 8 | (long) requireByte() << 16
                | (long) requireByte() << 24;
    }

    private int requireByte() throws IOException {
        int b = nextByte();
        if (b < 0) {
            throw new EOFException("truncated gzip member");
        }
        return b;
    }

    private int nextByte() throws IOException {
        if (pos >= lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Refills the buffer once everything in it has been consumed. */
    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        lim = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
