package io.mlgate.kms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.mlgate.kms.ArtifactIntegrityException.Reason;

/**
 * Segmented AES-256-GCM: the stream is cut into segments of {@code segmentSize} ciphertext bytes (plaintext
 * {@code segmentSize - 16}), each sealed with nonce = 7-byte prefix || 4-byte big-endian segment index || last flag
 * (1 for the final segment, else 0). Reordering, swapping, truncation at a boundary and appended data all break
 * authentication; the key is per artifact, so segments cannot move between artifacts.
 */
final class StreamingAead {

    static final int TAG_BYTES = 16;
    static final int NONCE_PREFIX_BYTES = 7;
    private static final int NONCE_BYTES = 12;
    private static final long MAX_SEGMENTS = 1L << 32;

    private final SecretKeySpec key;
    private final byte[] noncePrefix;
    private final int segmentSize;

    StreamingAead(byte[] segmentKey, byte[] noncePrefix, int segmentSize) {
        if (noncePrefix.length != NONCE_PREFIX_BYTES) {
            throw new IllegalArgumentException("nonce prefix must be " + NONCE_PREFIX_BYTES + " bytes");
        }
        if (segmentSize <= TAG_BYTES) {
            throw new IllegalArgumentException("segment size too small: " + segmentSize);
        }
        this.key = new SecretKeySpec(segmentKey, "AES");
        this.noncePrefix = noncePrefix.clone();
        this.segmentSize = segmentSize;
    }

    int plaintextSegmentSize() {
        return segmentSize - TAG_BYTES;
    }

    /** Encrypts all of {@code in} to {@code out}, holding at most two segments in memory. */
    void encrypt(InputStream in, OutputStream out) throws IOException {
        int plainSize = plaintextSegmentSize();
        byte[] current = new byte[plainSize];
        byte[] next = new byte[plainSize];
        byte[] sealed = new byte[segmentSize];
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            int currentLength = in.readNBytes(current, 0, plainSize);
            long index = 0;
            while (true) {
                int nextLength = currentLength < plainSize ? 0 : in.readNBytes(next, 0, plainSize);
                boolean last = nextLength == 0;
                if (index >= MAX_SEGMENTS) {
                    throw new IllegalArgumentException("plaintext too large for the segment index");
                }
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(index, last)));
                int n = cipher.doFinal(current, 0, currentLength, sealed, 0);
                out.write(sealed, 0, n);
                if (last) {
                    return;
                }
                byte[] swap = current;
                current = next;
                next = swap;
                currentLength = nextLength;
                index++;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        } finally {
            Arrays.fill(current, (byte) 0);
            Arrays.fill(next, (byte) 0);
        }
    }

    /**
     * Decrypts every segment of {@code source} and returns the whole plaintext, or throws
     * {@link ArtifactIntegrityException} without releasing any of it.
     */
    byte[] decrypt(InputStream source, int maxPlaintextBytes) throws IOException {
        PushbackInputStream in = new PushbackInputStream(source, 1);
        byte[] segment = new byte[segmentSize];
        PlaintextBuffer plaintext = new PlaintextBuffer(maxPlaintextBytes);
        boolean done = false;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            for (long index = 0; ; index++) {
                if (index >= MAX_SEGMENTS) {
                    throw new ArtifactIntegrityException(Reason.MALFORMED, "artifact has too many segments");
                }
                int length = in.readNBytes(segment, 0, segmentSize);
                boolean last;
                if (length < segmentSize) {
                    last = true;
                } else {
                    int peek = in.read();
                    last = peek < 0;
                    if (!last) {
                        in.unread(peek);
                    }
                }
                if (length < TAG_BYTES) {
                    throw new ArtifactIntegrityException(Reason.TRUNCATED, index == 0 && length == 0
                            ? "artifact is truncated: it has a header but no segments"
                            : "artifact is truncated: segment " + index + " is shorter than its tag");
                }
                int plainLength = length - TAG_BYTES;
                plaintext.ensureRoom(plainLength);
                try {
                    open(cipher, segment, length, index, last, plaintext);
                } catch (AEADBadTagException e) {
                    throw diagnose(cipher, segment, length, index, last);
                }
                if (last) {
                    done = true;
                    return plaintext.toExactArray();
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        } finally {
            Arrays.fill(segment, (byte) 0);
            if (!done) {
                plaintext.wipe();
            }
        }
    }

    private void open(Cipher cipher, byte[] segment, int length, long index, boolean last, PlaintextBuffer into)
            throws GeneralSecurityException {
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(index, last)));
        int n = cipher.doFinal(segment, 0, length, into.array(), into.size());
        into.advance(n);
    }

    /** A segment failed: tell a cut-off or extended stream apart from a modified one by trying the other flag. */
    private ArtifactIntegrityException diagnose(Cipher cipher, byte[] segment, int length, long index, boolean last)
            throws GeneralSecurityException {
        boolean authenticWithOtherFlag;
        byte[] scratch = new byte[length];
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(index, !last)));
            cipher.doFinal(segment, 0, length, scratch, 0);
            authenticWithOtherFlag = true;
        } catch (AEADBadTagException e) {
            authenticWithOtherFlag = false;
        } finally {
            Arrays.fill(scratch, (byte) 0);
        }
        if (authenticWithOtherFlag && last) {
            return new ArtifactIntegrityException(Reason.TRUNCATED,
                    "artifact is truncated: it ends after segment " + index + ", which is not the final segment");
        }
        if (authenticWithOtherFlag) {
            return new ArtifactIntegrityException(Reason.TRAILING_DATA,
                    "artifact has data appended after its final segment " + index);
        }
        return new ArtifactIntegrityException(Reason.SEGMENT_AUTHENTICATION, "segment " + index
                + " failed authentication" + (last && length < segmentSize
                ? " (it was modified, or the artifact is truncated inside it)" : ""));
    }

    private byte[] nonce(long index, boolean last) {
        byte[] nonce = Arrays.copyOf(noncePrefix, NONCE_BYTES);
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }

    /** Growable plaintext accumulator with a hard bound; wiped on failure and after copying out. */
    private static final class PlaintextBuffer {
        private final int max;
        private byte[] data = new byte[0];
        private int size;

        PlaintextBuffer(int max) {
            this.max = max;
        }

        /** Makes room for {@code more} bytes plus the tag the cipher may need while decrypting in place. */
        void ensureRoom(int more) {
            long needed = (long) size + more;
            if (needed > max) {
                throw new ArtifactIntegrityException(Reason.TOO_LARGE,
                        "artifact plaintext exceeds the limit of " + max + " bytes");
            }
            long withTag = needed + TAG_BYTES;
            if (withTag > data.length) {
                long grown = Math.max(withTag, Math.min((long) data.length * 2, (long) max + TAG_BYTES));
                grown = Math.max(grown, Math.min(64 * 1024, (long) max + TAG_BYTES));
                byte[] bigger = Arrays.copyOf(data, (int) Math.min(grown, Integer.MAX_VALUE - 8));
                Arrays.fill(data, (byte) 0);
                data = bigger;
            }
        }

        byte[] array() {
            return data;
        }

        int size() {
            return size;
        }

        void advance(int n) {
            size += n;
        }

        byte[] toExactArray() {
            if (data.length == size) {
                return data;
            }
            byte[] exact = Arrays.copyOf(data, size);
            Arrays.fill(data, (byte) 0);
            data = exact;
            return exact;
        }

        void wipe() {
            Arrays.fill(data, (byte) 0);
        }
    }
}
