package io.mlgate.runtime.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Reads an encrypted capture file ({@link CaptureFileHeader}, frames of {@link CaptureFileSealer}): gets the data key
 * through {@link CaptureFileKeys} (KMS Decrypt), checks the key commitment, then authenticates and decrypts each
 * frame in order and hands its record to a sink.
 *
 * <p>What a crash can leave is tolerated, what only tampering can produce is an error
 * ({@link CaptureFileException}):
 * <ul>
 *   <li>a file shorter than its header (created, header not yet durable): no records, {@code tornTail};</li>
 *   <li>an incomplete last frame, a last frame that fails authentication, or a zero-filled tail (what a file system
 *       may leave after a crash): the records before it are returned, {@code tornTail};</li>
 *   <li>a frame that fails authentication with more data after it, a wrong data key, anything after the end frame,
 *       or a header whose context differs from the expected one: an error.</li>
 * </ul>
 * A file still being written is read up to its size when the read starts (its last frame may be reported torn).
 * {@code sealed} tells whether the file ends with its end frame, i.e. was closed cleanly: removing whole frames from
 * the end of a file that is not sealed cannot be detected.
 */
public final class CaptureFileReader {

    /** What a file held: its header (null if torn before the header was complete), records, and how it ends. */
    public record Contents(CaptureFileHeader header, long records, boolean sealed, boolean tornTail) {
    }

    /** Receives each record's plaintext (one JSON line, newline included); the array is the receiver's. */
    @FunctionalInterface
    public interface RecordSink {
        void accept(byte[] record) throws IOException;
    }

    private CaptureFileReader() {
    }

    /**
     * Reads the header only, without any key; empty contents of a file torn before its header was complete.
     *
     * @throws CaptureFileException if the file is not a capture file
     */
    public static CaptureFileHeader header(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch, ch.size());
        }
    }

    /**
     * Reads every record of the file.
     *
     * @param expectedContext if not null, the encryption context the header must carry (where the file lies)
     * @throws CaptureFileException if the file cannot be trusted
     * @throws io.mlgate.kms.artifact.KeyServiceException if KMS refuses the data key
     */
    public static Contents read(Path file, Map<String, String> expectedContext, CaptureFileKeys keys,
                                RecordSink sink) throws IOException {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(sink, "sink");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            CaptureFileHeader header = readHeader(file, ch, size);
            if (header == null) {
                return new Contents(null, 0, false, true);
            }
            if (expectedContext != null && !header.context().equals(new java.util.TreeMap<>(expectedContext))) {
                throw new CaptureFileException(file + ": its encryption context " + header.context()
                        + " does not name the endpoint, variant and file it lies in " + expectedContext);
            }
            byte[] dataKey = keys.dataKey(header);
            CaptureFileCrypto.FrameKey frameKey;
            try {
                if (dataKey == null || dataKey.length != 32 || !MessageDigest.isEqual(header.commitment(),
                        CaptureFileCrypto.commitment(dataKey, header.commitmentInput()))) {
                    throw new CaptureFileException(file + ": the data key does not belong to this file (a wrong "
                            + "key, or an altered header)");
                }
                frameKey = CaptureFileCrypto.frameKey(dataKey);
            } finally {
                if (dataKey != null) {
                    Arrays.fill(dataKey, (byte) 0);
                }
            }
            try {
                return frames(file, ch, size, header, frameKey, sink);
            } finally {
                frameKey.destroy();
            }
        }
    }

    private static CaptureFileHeader readHeader(Path file, FileChannel ch, long size) throws IOException {
        byte[] prefix = new byte[CaptureFileHeader.PREFIX_BYTES];
        int n = (int) Math.min(size, prefix.length);
        readFully(ch, 0, prefix, n);
        if (n < prefix.length) {
            byte[] expected = Arrays.copyOf(CaptureFileHeader.MAGIC, CaptureFileHeader.MAGIC.length + 1);
            expected[CaptureFileHeader.MAGIC.length] = (byte) CaptureFileHeader.VERSION;
            if (Arrays.equals(prefix, 0, Math.min(n, expected.length), expected, 0, Math.min(n, expected.length))) {
                return null; // torn while being created
            }
            throw new CaptureFileException(file + " is not an mlgate capture file");
        }
        int body = CaptureFileHeader.bodyLength(prefix);
        if (body < 0) {
            throw new CaptureFileException(file + " is not an mlgate capture file of version "
                    + CaptureFileHeader.VERSION);
        }
        if (size < CaptureFileHeader.PREFIX_BYTES + (long) body) {
            return null;
        }
        byte[] encoded = new byte[CaptureFileHeader.PREFIX_BYTES + body];
        readFully(ch, 0, encoded, encoded.length);
        try {
            return CaptureFileHeader.parse(encoded);
        } catch (IllegalArgumentException e) {
            throw new CaptureFileException(file + ": malformed header (" + e.getMessage() + ")");
        }
    }

    private static Contents frames(Path file, FileChannel ch, long size, CaptureFileHeader header,
                                   CaptureFileCrypto.FrameKey key, RecordSink sink) throws IOException {
        Cipher cipher;
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
        byte[] hash = header.hash();
        long pos = header.length();
        long records = 0;
        boolean sealed = false;
        byte[] frameHeader = new byte[CaptureFileCrypto.FRAME_HEADER_BYTES];
        while (pos < size) {
            if (sealed) {
                throw new CaptureFileException(file + ": data after the end frame at offset " + pos);
            }
            if (size - pos < frameHeader.length) {
                return new Contents(header, records, false, true); // a partial frame header: an interrupted append
            }
            readFully(ch, pos, frameHeader, frameHeader.length);
            ByteBuffer fh = ByteBuffer.wrap(frameHeader);
            long length = Integer.toUnsignedLong(fh.getInt());
            byte type = fh.get();
            if (length < CaptureFileCrypto.TAG_BYTES || length > CaptureFileCrypto.MAX_CIPHERTEXT_BYTES
                    || (type != CaptureFileCrypto.RECORD && type != CaptureFileCrypto.END)) {
                if (zeros(ch, pos, size)) {
                    return new Contents(header, records, false, true); // zero-filled tail after a crash
                }
                throw new CaptureFileException(file + ": malformed frame " + records + " at offset " + pos);
            }
            long end = pos + frameHeader.length + length;
            if (end > size) {
                return new Contents(header, records, false, true); // incomplete last frame
            }
            byte[] nonce = Arrays.copyOfRange(frameHeader, 5, 5 + CaptureFileCrypto.NONCE_BYTES);
            byte[] ciphertext = new byte[(int) length];
            readFully(ch, pos + frameHeader.length, ciphertext, ciphertext.length);
            byte[] plaintext;
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(CaptureFileCrypto.TAG_BYTES * 8, nonce));
                cipher.updateAAD(CaptureFileCrypto.aad(hash, records, type));
                plaintext = cipher.doFinal(ciphertext);
            } catch (AEADBadTagException e) {
                if (end == size) {
                    return new Contents(header, records, false, true); // the last frame, torn by a crash
                }
                throw new CaptureFileException(file + ": frame " + records + " at offset " + pos
                        + " fails authentication (the file was altered)");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            }
            if (type == CaptureFileCrypto.END) {
                if (plaintext.length != 0) {
                    throw new CaptureFileException(file + ": malformed end frame at offset " + pos);
                }
                sealed = true;
            } else {
                records++;
                sink.accept(plaintext);
            }
            pos = end;
        }
        return new Contents(header, records, sealed, false);
    }

    /** Whether every byte from {@code pos} to {@code size} is zero. */
    private static boolean zeros(FileChannel ch, long pos, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long at = pos;
        while (at < size) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), size - at));
            int n = ch.read(buffer, at);
            if (n <= 0) {
                return true; // the file shrank: nothing more to read
            }
            for (int i = 0; i < n; i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            at += n;
        }
        return true;
    }

    private static void readFully(FileChannel ch, long pos, byte[] into, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
        long at = pos;
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, at);
            if (n < 0) {
                throw new CaptureFileException("unexpected end of file at offset " + at);
            }
            at += n;
        }
    }
}
