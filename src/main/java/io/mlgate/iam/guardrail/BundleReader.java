package io.mlgate.iam.guardrail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A strict, bounded reader of the gzip-compressed tar files {@code opa build} writes (ustar headers). Only regular
 * files are kept, and directory entries skipped; links, devices, PAX and GNU extension headers are refused, as are
 * absolute paths (beyond the single leading {@code /} OPA writes), {@code ..} or empty segments, backslashes,
 * duplicate names, checksum mismatches, entries over {@link #MAX_ENTRY_BYTES}, contents over {@link #MAX_TOTAL_BYTES}
 * in all, more than {@link #MAX_ENTRIES} entries and a missing end-of-archive marker.
 */
final class BundleReader {

    static final int MAX_ENTRY_BYTES = 32 << 20;
    static final long MAX_TOTAL_BYTES = 64L << 20;
    static final int MAX_ENTRIES = 1000;
    private static final int BLOCK = 512;

    private BundleReader() {
    }

    /** Thrown for an archive that is not read; the message says why (without the file name). */
    static final class BundleException extends Exception {
        BundleException(String message) {
            super(message);
        }
    }

    /** The archive's regular files by normalized path (no leading slash), in archive order. */
    static Map<String, byte[]> read(InputStream compressed) throws BundleException, IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        int entries = 0;
        InputStream in;
        try {
            in = new GZIPInputStream(compressed, 8192);
        } catch (java.util.zip.ZipException e) {
            throw new BundleException("not a gzip file");
        }
        byte[] header = new byte[BLOCK];
        try {
            while (true) {
                if (!readBlock(in, header)) {
                    throw new BundleException("the archive ends without its end marker");
                }
                if (allZero(header)) {
                    return files; // end of archive (a second zero block may follow; nothing after it is read)
                }
                if (++entries > MAX_ENTRIES) {
                    throw new BundleException("more than " + MAX_ENTRIES + " entries");
                }
                checkChecksum(header);
                String magic = new String(header, 257, 5, StandardCharsets.US_ASCII);
                if (!"ustar".equals(magic)) {
                    throw new BundleException("an entry header is not in ustar format");
                }
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                if (type == '5') {
                    if (size != 0) {
                        throw new BundleException("the directory entry " + safe(name) + " has contents");
                    }
                    continue;
                }
                if (type != '0' && type != '\0') {
                    throw new BundleException("the entry " + safe(name) + " is not a regular file (type "
                            + (Character.isLetterOrDigit(type) ? String.valueOf(type) : Integer.toString(type))
                            + ")");
                }
                String path = normalize(name);
                if (size > MAX_ENTRY_BYTES) {
                    throw new BundleException("the entry " + path + " is larger than " + MAX_ENTRY_BYTES + " bytes");
                }
                total += size;
                if (total > MAX_TOTAL_BYTES) {
                    throw new BundleException("the contents are larger than " + MAX_TOTAL_BYTES + " bytes");
                }
                byte[] content = new byte[(int) size];
                readFully(in, content, content.length);
                int padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
                if (padding > 0) {
                    readFully(in, header, padding);
                }
                if (files.put(path, content) != null) {
                    throw new BundleException("the entry " + path + " appears twice");
                }
            }
        } catch (EOFException e) {
            throw new BundleException("the archive is truncated");
        } catch (java.util.zip.ZipException e) {
            throw new BundleException("the gzip data is corrupt");
        }
    }

    /** Strips OPA's single leading slash and refuses anything that could point outside the bundle. */
    static String normalize(String name) throws BundleException {
        String path = name.startsWith("/") ? name.substring(1) : name;
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf(':') >= 0) {
            throw new BundleException("the entry name " + safe(name) + " is not a safe relative path");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new BundleException("the entry name " + safe(name) + " is not a safe relative path");
            }
        }
        return path;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = 0;
        while (n < BLOCK) {
            int r = in.read(block, n, BLOCK - n);
            if (r < 0) {
                if (n == 0) {
                    return false;
                }
                throw new EOFException();
            }
            n += r;
        }
        return true;
    }

    private static void readFully(InputStream in, byte[] buffer, int length) throws IOException {
        int n = 0;
        while (n < length) {
            int r = in.read(buffer, n, length - n);
            if (r < 0) {
                throw new EOFException();
            }
            n += r;
        }
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkChecksum(byte[] header) throws BundleException {
        long expected = octal(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != expected) {
            throw new BundleException("an entry header's checksum does not match");
        }
    }

    private static String text(byte[] header, int offset, int length) throws BundleException {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        String s = new String(header, offset, end - offset, StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new BundleException("an entry name holds control characters");
            }
        }
        return s;
    }

    /** An octal number field (NUL or space terminated); base-256 (GNU) sizes are refused. */
    private static long octal(byte[] header, int offset, int length) throws BundleException {
        if ((header[offset] & 0x80) != 0) {
            throw new BundleException("an entry header uses a base-256 number");
        }
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && header[i] == ' ') {
            i++;
        }
        int digits = 0;
        for (; i < end; i++) {
            byte b = header[i];
            if (b == 0 || b == ' ') {
                break;
            }
            if (b < '0' || b > '7') {
                throw new BundleException("an entry header holds a malformed number");
            }
            value = (value << 3) + (b - '0');
            digits++;
        }
        if (digits == 0) {
            throw new BundleException("an entry header holds a malformed number");
        }
        return value;
    }

    /** A name fit for a message: bounded, and only printable ASCII. */
    private static String safe(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), 120) + 2).append('"');
        for (int i = 0; i < name.length() && i < 120; i++) {
            char c = name.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.append('"').toString();
    }
}
