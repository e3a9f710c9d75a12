package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One pass over a CSV payload (RFC 4180: fields separated by commas, records by CRLF or LF, a field in double quotes
 * may hold commas, line breaks and {@code ""} for a quote), handing each cell to the {@link ScanSession} as a region
 * in place. A quoted cell with {@code ""} is decoded into the scratch buffer and a finding in it covers the whole
 * cell content. {@link #walk} answers false when the payload is not CSV (an unterminated quote, a quote inside an
 * unquoted field, text after a closing quote, invalid UTF-8): the scanner then scans it as text. Records may have
 * different numbers of fields; a CR not followed by LF is an ordinary character.
 *
 * <p>Header rule: the first record is a header when (1) every one of its cells looks like a column name: 1 to 64
 * bytes, starting with an ASCII letter or {@code _}, then only ASCII letters, digits and {@code _ - . ( ) / #} or
 * spaces, and (2) a second record exists and at least one of its cells does not look like a column name (a number,
 * an address, an empty cell...). A data row of plain words followed by another such row is therefore not taken for a
 * header; InvokeEndpoint's headerless rows of numbers never are. The header's cells are still scanned (without a
 * hint); a header cell in which something is found is not used as a label (its column is labelled "column N").
 * Cells are hinted with their header, or {@code "column N"} (1-based) without one; {@link Finding#field} is the same
 * label.
 */
final class CsvWalker {

    static final int MAX_HEADER_BYTES = 64;
    private static final String[] COLUMN = new String[257];

    static {
        for (int i = 1; i < COLUMN.length; i++) {
            COLUMN[i] = "column " + i;
        }
    }

    private final ScanSession session;
    private final byte[] p;
    private final int n;

    /** Set by {@link #cell}: the content span, whether it was quoted with {@code ""} inside, where the next begins. */
    private int cellStart;
    private int cellEnd;
    private boolean doubledQuotes;
    private boolean recordEnd;
    private int next;
    private int lastWork;

    CsvWalker(ScanSession session, byte[] payload) {
        this.session = session;
        this.p = payload;
        this.n = payload.length;
    }

    static String column(int oneBased) {
        return oneBased < COLUMN.length ? COLUMN[oneBased] : "column " + oneBased;
    }

    boolean walk() {
        Boolean header = hasHeader();
        if (header == null) {
            return false;
        }
        lastWork = 0; // the header decision read the first records; the pass below reads them again
        String[] hints = null;
        String[] labels = null;
        int pos = 0;
        if (header) {
            hints = new String[8];
            labels = new String[8];
            int col = 0;
            do {
                if (!cell(pos)) {
                    return false;
                }
                col++;
                if (col > hints.length) {
                    hints = Arrays.copyOf(hints, hints.length * 2);
                    labels = Arrays.copyOf(labels, labels.length * 2);
                }
                int before = session.count();
                String name = scanCell(null, column(col));
                hints[col - 1] = name;
                labels[col - 1] = session.count() > before ? column(col) : name;
                pos = next;
            } while (!recordEnd);
            hints = Arrays.copyOf(hints, col);
            labels = Arrays.copyOf(labels, col);
        }
        int col = 0;
        while (pos < n) {
            if (!cell(pos)) {
                return false;
            }
            col++;
            if (hints != null && col <= hints.length) {
                scanCell(hints[col - 1], labels[col - 1]);
            } else {
                String c = column(col);
                scanCell(c, c);
            }
            if (recordEnd) {
                col = 0;
            }
            pos = next;
        }
        return true;
    }

    /**
     * Scans the cell {@link #cell} just read; returns its decoded text when {@code hint} is null (a header cell),
     * else null.
     */
    private String scanCell(String hint, String label) {
        String text = null;
        if (doubledQuotes) {
            byte[] buf = session.scratch(cellEnd - cellStart);
            int len = 0;
            for (int i = cellStart; i < cellEnd; i++) {
                buf[len++] = p[i];
                if (p[i] == '"') {
                    i++; // the second quote of ""
                }
            }
            session.region(buf, 0, len, hint, label, cellStart, cellEnd, false);
            if (hint == null) {
                text = new String(buf, 0, len, StandardCharsets.UTF_8);
            }
        } else {
            session.region(p, cellStart, cellEnd, hint, label, -1, 0, false);
            if (hint == null) {
                text = new String(p, cellStart, cellEnd - cellStart, StandardCharsets.UTF_8);
            }
        }
        return text;
    }

    /** The header decision (class javadoc); {@code null} when the first records are not CSV. */
    private Boolean hasHeader() {
        int pos = 0;
        boolean allNames = true;
        do {
            if (!cell(pos)) {
                return null;
            }
            allNames &= looksLikeName();
            pos = next;
        } while (!recordEnd);
        if (!allNames || pos >= n) {
            return false;
        }
        boolean secondDiffers = false;
        do {
            if (!cell(pos)) {
                return null;
            }
            secondDiffers |= !looksLikeName();
            pos = next;
        } while (!recordEnd);
        return secondDiffers;
    }

    private boolean looksLikeName() {
        int len = cellEnd - cellStart;
        if (doubledQuotes || len < 1 || len > MAX_HEADER_BYTES) {
            return false;
        }
        byte first = p[cellStart];
        if (!(letter(first) || first == '_')) {
            return false;
        }
        for (int i = cellStart + 1; i < cellEnd; i++) {
            byte b = p[i];
            if (!(letter(b) || b >= '0' && b <= '9' || b == '_' || b == '-' || b == '.' || b == ' ' || b == '('
                    || b == ')' || b == '/' || b == '#')) {
                return false;
            }
        }
        return true;
    }

    private static boolean letter(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
    }

    /** Reads the cell starting at {@code pos}; false when the payload is not CSV there. */
    private boolean cell(int pos) {
        doubledQuotes = false;
        int i = pos;
        if (i < n && p[i] == '"') {
            i++;
            cellStart = i;
            while (true) {
                while (i < n && p[i] != '"') {
                    if (p[i] < 0) {
                        int len = Utf8.sequenceLength(p, i, n);
                        if (len < 0) {
                            return false;
                        }
                        i += len;
                    } else {
                        i++;
                    }
                    if (i - lastWork >= ScanSession.CHECK_INTERVAL) {
                        session.work(i - lastWork);
                        lastWork = i;
                    }
                }
                if (i >= n) {
                    return false; // unterminated quote
                }
                if (i + 1 < n && p[i + 1] == '"') {
                    doubledQuotes = true;
                    i += 2;
                    continue;
                }
                cellEnd = i;
                i++;
                break;
            }
            if (i == n) {
                recordEnd = true;
                next = n;
            } else if (p[i] == ',') {
                recordEnd = false;
                next = i + 1;
            } else if (p[i] == '\n') {
                recordEnd = true;
                next = i + 1;
            } else if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
                recordEnd = true;
                next = i + 2;
            } else {
                return false; // text after the closing quote
            }
            return true;
        }
        cellStart = i;
        while (i < n) {
            byte b = p[i];
            if (b == ',') {
                cellEnd = i;
                recordEnd = false;
                next = i + 1;
                return true;
            }
            if (b == '\n') {
                cellEnd = i > cellStart && p[i - 1] == '\r' ? i - 1 : i;
                recordEnd = true;
                next = i + 1;
                return true;
            }
            if (b == '"') {
                return false; // a quote inside an unquoted field
            }
            if (b < 0) {
                int len = Utf8.sequenceLength(p, i, n);
                if (len < 0) {
                    return false;
                }
                i += len;
            } else {
                i++;
            }
            if (i - lastWork >= ScanSession.CHECK_INTERVAL) {
                session.work(i - lastWork);
                lastWork = i;
            }
        }
        cellEnd = n;
        recordEnd = true;
        next = n;
        return true;
    }
}
