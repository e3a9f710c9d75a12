package io.mlgate.sts.mfa;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords: HOTP (RFC 4226) over the number of 30-second steps since the epoch.
 * Virtual MFA devices use HMAC-SHA1 and 6 digits; other algorithms and lengths exist for the RFC test vectors.
 */
public final class Totp {

    /** Seconds per time step. */
    public static final int STEP_SECONDS = 30;

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp() {
    }

    /** The time step containing {@code time}. */
    public static long step(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit HMAC-SHA1 code for a step (what authenticator apps show). */
    public static String code(byte[] seed, long step) {
        return code(seed, step, 6, "HmacSHA1");
    }

    /**
     * The code for a step.
     *
     * @param digits    1..8
     * @param algorithm {@code HmacSHA1}, {@code HmacSHA256} or {@code HmacSHA512}
     */
    public static String code(byte[] seed, long step, int digits, String algorithm) {
        Objects.requireNonNull(seed, "seed");
        if (digits < 1 || digits > 8) {
            throw new IllegalArgumentException("digits must be 1..8");
        }
        byte[] counter = new byte[8];
        long v = step;
        for (int i = 7; i >= 0; i--) {
            counter[i] = (byte) v;
            v >>>= 8;
        }
        byte[] hash;
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(seed, algorithm));
            hash = mac.doFinal(counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unsupported TOTP algorithm " + algorithm, e);
        }
        int offset = hash[hash.length - 1] & 0x0F;
        int binary = ((hash[offset] & 0x7F) << 24) | ((hash[offset + 1] & 0xFF) << 16)
                | ((hash[offset + 2] & 0xFF) << 8) | (hash[offset + 3] & 0xFF);
        String s = Integer.toString(binary % POWERS[digits]);
        return "0".repeat(digits - s.length()) + s;
    }

    /** Constant-time comparison of two codes. */
    static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                b.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
