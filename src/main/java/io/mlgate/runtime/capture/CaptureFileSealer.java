package io.mlgate.runtime.capture;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts one capture file as it is appended to: built from the file's data key (which it wipes at once, keeping
 * only the derived frame key), it gives the {@link #header()} to write first, then one frame per record
 * ({@link #seal}) and, when the file is closed cleanly, an end frame ({@link #end()}). Each record is its own
 * AES-256-GCM frame with a fresh random nonce (see {@link CaptureFileCrypto} for the layout), so the file can be
 * appended to, read while it is open, and a frame torn by a crash loses only that frame. {@link #close()} wipes the
 * frame key. Not thread-safe: one writer thread owns it.
 */
public final class CaptureFileSealer implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final CaptureFileHeader header;
    private final byte[] headerHash;
    private final CaptureFileCrypto.FrameKey key;
    private final Cipher cipher;
    private long records;
    private boolean ended;

    private CaptureFileSealer(CaptureFileHeader header, CaptureFileCrypto.FrameKey key) {
        this.header = header;
        this.headerHash = header.hash();
        this.key = key;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            key.destroy();
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * A sealer for a new file. The data key's plaintext is wiped before this returns, whatever happens.
     *
     * @param key     the data key KMS generated for the file
     * @param context the encryption context it was generated under
     */
    public static CaptureFileSealer create(CaptureKeys.FileKey key, Map<String, String> context) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(context, "context");
        try {
            byte[] wrapped = key.wrapped();
            byte[] prefix = CaptureFileHeader.prefixOf(key.keyArn(), wrapped, context);
            byte[] commitment = CaptureFileCrypto.commitment(key.plaintext(), prefix);
            CaptureFileHeader header = CaptureFileHeader.of(key.keyArn(), wrapped, context, prefix, commitment);
            return new CaptureFileSealer(header, CaptureFileCrypto.frameKey(key.plaintext()));
        } finally {
            key.wipe();
        }
    }

    /** The header, to be written at the start of the file. */
    public byte[] header() {
        return header.encoded();
    }

    /** Records sealed so far. */
    public long records() {
        return records;
    }

    /** The size of the frame {@link #seal} makes of a record of {@code plaintextBytes}. */
    public static int frameBytes(int plaintextBytes) {
        return CaptureFileCrypto.FRAME_HEADER_BYTES + plaintextBytes + CaptureFileCrypto.TAG_BYTES;
    }

    /**
     * The next record's frame.
     *
     * @throws IllegalArgumentException if the record is larger than a frame may be
     * @throws IllegalStateException    after {@link #end()} or {@link #close()}
     */
    public byte[] seal(byte[] record) {
        if (record.length + CaptureFileCrypto.TAG_BYTES > CaptureFileCrypto.MAX_CIPHERTEXT_BYTES) {
            throw new IllegalArgumentException("a capture record is larger than 64 MiB");
        }
        byte[] frame = frame(CaptureFileCrypto.RECORD, record);
        records++;
        return frame;
    }

    /** The end frame: written last when the file is closed cleanly; nothing may follow it. */
    public byte[] end() {
        byte[] frame = frame(CaptureFileCrypto.END, new byte[0]);
        ended = true;
        return frame;
    }

    private byte[] frame(byte type, byte[] plaintext) {
        if (ended || key.isDestroyed()) {
            throw new IllegalStateException("the capture file is closed");
        }
        byte[] nonce = new byte[CaptureFileCrypto.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        int length = plaintext.length + CaptureFileCrypto.TAG_BYTES;
        ByteBuffer out = ByteBuffer.allocate(CaptureFileCrypto.FRAME_HEADER_BYTES + length);
        out.putInt(length).put(type).put(nonce);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(CaptureFileCrypto.TAG_BYTES * 8, nonce));
            cipher.updateAAD(CaptureFileCrypto.aad(headerHash, records, type));
            int n = cipher.doFinal(plaintext, 0, plaintext.length, out.array(), CaptureFileCrypto.FRAME_HEADER_BYTES);
            if (n != length) {
                throw new IllegalStateException("unexpected AES-GCM output length");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        return out.array();
    }

    /** Wipes the frame key; later frames are refused. */
    @Override
    public void close() {
        key.destroy();
    }

    @Override
    public String toString() {
        return "CaptureFileSealer[" + header + ", " + records + " records]";
    }
}
