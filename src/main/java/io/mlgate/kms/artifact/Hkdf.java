package io.mlgate.kms.artifact;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869) on the JDK's HmacSHA256. */
final class Hkdf {

    private Hkdf() {
    }

    static byte[] sha256(byte[] inputKeyMaterial, byte[] salt, byte[] info, int length) {
        if (length > 255 * 32) {
            throw new IllegalArgumentException("HKDF output too long");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(inputKeyMaterial);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            Arrays.fill(prk, (byte) 0);
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            for (int i = 1, done = 0; done < length; i++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) i);
                Arrays.fill(block, (byte) 0);
                block = mac.doFinal();
                int n = Math.min(block.length, length - done);
                System.arraycopy(block, 0, out, done, n);
                done += n;
            }
            Arrays.fill(block, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
