package io.mlgate.pii.discovery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Splits a byte stream into records without decoding it: lines, or for CSV lines outside quoted cells (RFC 4180: a
 * {@code "} toggles quoting, {@code ""} inside a quoted cell toggles twice, a line break inside quotes belongs to the
 * cell). One pass with a fixed 64 KiB read buffer; a record is appended to the caller's batch as it is read.
 */
final class RecordReader {

    private final InputStream in;
    private final boolean csvQuotes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private boolean eof;

    RecordReader(InputStream in, boolean csvQuotes) {
        this.in = in;
        this.csvQuotes = csvQuotes;
    }

    /**
     * Appends the next record, through its {@code '\n'} (the last record may have none), to {@code out}.
     *
     * @return the record's length; 0 at the end of the stream; -1 when the record grows past {@code max} bytes
     *         without ending (then {@code out} holds its first {@code max} bytes and {@link #rest()} the remainder)
     */
    int next(ByteBuf out, int max) throws IOException {
        int appended = 0;
        boolean quoted = false;
        while (true) {
            if (pos == lim && !fill()) {
                return appended;
            }
            int start = pos;
            int stop = Math.min(lim, start + (max - appended));
            int i = start;
            boolean done = false;
            while (i < stop) {
                byte b = buf[i++];
                if (b == '\n' && !quoted) {
                    done = true;
                    break;
                }
                if (b == '"' && csvQuotes) {
                    quoted = !quoted;
                }
            }
            out.append(buf, start, i - start);
            appended += i - start;
            pos = i;
            if (done) {
                return appended;
            }
            if (appended >= max) {
                return -1;
            }
        }
    }

    /** The bytes not yet returned as records: what is buffered, then the rest of the stream. */
    InputStream rest() {
        return new SequenceInputStream(new ByteArrayInputStream(buf, pos, lim - pos), in);
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }
}
