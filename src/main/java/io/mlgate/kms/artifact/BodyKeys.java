package io.mlgate.kms.artifact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys one artifact derives from its data key: the header tag key and the body's AES-256-GCM key and nonce
 * prefix. Segment {@code i} of {@code n} is sealed with nonce = prefix(7) || u32 i || (i == n-1 ? 1 : 0).
 */
final class BodyKeys implements AutoCloseable {

    static final int GCM_TAG_BYTES = 16;
    private static final int PREFIX_BYTES = 7;
    private static final byte[] HEADER_LABEL = "mlgate/model-artifact/v1/header-tag".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY_LABEL = "mlgate/model-artifact/v1/body".getBytes(StandardCharsets.US_ASCII);

    private final byte[] headerKey;
    private final byte[] bodyKeyBytes;
    private final SecretKeySpec bodyKey;
    private final byte[] noncePrefix;
    private final Cipher cipher;
    private final byte[] nonce = new byte[12];

    /** Derives the keys of the artifact whose header authenticates {@code bound}, from {@code dataKey}. */
    BodyKeys(byte[] dataKey, byte[] headerNonce, byte[] bound) {
        headerKey = Hkdf.sha256(dataKey, headerNonce, HEADER_LABEL, 32);
        byte[] info = concat(BODY_LABEL, sha256(bound));
        byte[] material = Hkdf.sha256(dataKey, headerNonce, info, 32 + PREFIX_BYTES);
        bodyKeyBytes = Arrays.copyOf(material, 32);
        noncePrefix = Arrays.copyOfRange(material, 32, 32 + PREFIX_BYTES);
        Arrays.fill(material, (byte) 0);
        bodyKey = new SecretKeySpec(bodyKeyBytes, "AES");
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** HMAC-SHA256 of the header's bound bytes under the header key. */
    byte[] headerTag(byte[] bound) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(headerKey, "HmacSHA256"));
            return mac.doFinal(bound);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Seals {@code length} plaintext bytes as segment {@code index}; returns the sealed length. */
    int seal(long index, boolean last, byte[] in, int offset, int length, byte[] out) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, bodyKey, new GCMParameterSpec(GCM_TAG_BYTES * 8, nonce(index, last)));
            return cipher.doFinal(in, offset, length, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /**
     * Opens sealed segment {@code index} ({@code sealedLength} bytes of {@code in}) into {@code out} at
     * {@code outOffset}; returns false, having written nothing readable, if it does not authenticate there.
     */
    boolean open(long index, boolean last, byte[] in, int sealedLength, byte[] out, int outOffset) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, bodyKey, new GCMParameterSpec(GCM_TAG_BYTES * 8, nonce(index, last)));
            cipher.doFinal(in, 0, sealedLength, out, outOffset);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private byte[] nonce(long index, boolean last) {
        System.arraycopy(noncePrefix, 0, nonce, 0, PREFIX_BYTES);
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }

    static boolean tagsEqual(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Wipes the derived key bytes this object holds (the JDK's own key copies cannot be wiped). */
    @Override
    public void close() {
        Arrays.fill(headerKey, (byte) 0);
        Arrays.fill(bodyKeyBytes, (byte) 0);
        Arrays.fill(noncePrefix, (byte) 0);
    }
}
