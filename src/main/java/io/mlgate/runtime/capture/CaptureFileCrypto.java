package io.mlgate.runtime.capture;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptography shared by {@link CaptureFileSealer} and {@link CaptureFileReader}. From the file's 32-byte data
 * key, HKDF-SHA256 derives two keys with different labels: the frame key (AES-256-GCM) and the commitment key
 * (HMAC-SHA256 over the header, so a wrong data key is recognised before any frame). A frame is
 * <pre>
 * ciphertext length L (u32, tag included) | type (1: record, 2: end of file) | nonce (12, random) | ciphertext (L)
 * </pre>
 * and its associated data is the header's SHA-256, the frame's index (u64: records before it) and its type, so a
 * frame cannot be moved to another file or position, or turned into the end marker.
 */
final class CaptureFileCrypto {

    static final byte RECORD = 1;
    static final byte END = 2;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    /** Length, type and nonce. */
    static final int FRAME_HEADER_BYTES = 4 + 1 + NONCE_BYTES;
    /** The largest ciphertext of one frame (a record of up to 64 MiB). */
    static final int MAX_CIPHERTEXT_BYTES = 64 * 1024 * 1024 + TAG_BYTES;

    private static final byte[] FRAME_LABEL = "mlgate capture file v1 frames".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMIT_LABEL = "mlgate capture file v1 commitment".getBytes(StandardCharsets.US_ASCII);

    private CaptureFileCrypto() {
    }

    /** The frame key derived from a data key. */
    static FrameKey frameKey(byte[] dataKey) {
        return new FrameKey(hkdf(dataKey, FRAME_LABEL));
    }

    /** The key commitment of a header prefix under a data key. */
    static byte[] commitment(byte[] dataKey, byte[] headerPrefix) {
        byte[] key = hkdf(dataKey, COMMIT_LABEL);
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(spec);
            return mac.doFinal(headerPrefix);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The associated data of frame {@code index} of {@code type} in the file whose header hashes to this. */
    static byte[] aad(byte[] headerHash, long index, byte type) {
        return ByteBuffer.allocate(headerHash.length + 9).put(headerHash).putLong(index).put(type).array();
    }

    private static byte[] hkdf(byte[] dataKey, byte[] label) {
        if (dataKey.length != 32) {
            throw new IllegalArgumentException("capture data keys are 32 bytes");
        }
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(dataKey, null, label));
        byte[] out = new byte[32];
        generator.generateBytes(out, 0, out.length);
        return out;
    }

    /**
     * An AES key whose bytes this code owns and wipes on {@link #destroy()} (the JDK's {@code SecretKeySpec} cannot
     * be destroyed); the cipher receives a copy through {@link #getEncoded()} at each init.
     */
    static final class FrameKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final transient byte[] bytes;
        private transient boolean destroyed;

        FrameKey(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public synchronized byte[] getEncoded() {
            if (destroyed) {
                throw new IllegalStateException("the capture file key is destroyed");
            }
            return bytes.clone();
        }

        @Override
        public synchronized void destroy() {
            Arrays.fill(bytes, (byte) 0);
            destroyed = true;
        }

        @Override
        public synchronized boolean isDestroyed() {
            return destroyed;
        }

        @Override
        public String toString() {
            return "FrameKey[<redacted>]";
        }
    }
}
