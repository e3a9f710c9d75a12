package io.mlgate.iam.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives AWS-style unique ids ({@code AIDA...} users, {@code AGPA...} groups, {@code AROA...} roles,
 * {@code ANPA...} managed policies: prefix plus 17 characters of A-Z2-7) deterministically from an entity's ARN, so
 * ids are stable across restarts and replicas.
 */
public final class UniqueIds {

    public static final String USER_PREFIX = "AIDA";
    public static final String GROUP_PREFIX = "AGPA";
    public static final String ROLE_PREFIX = "AROA";
    public static final String POLICY_PREFIX = "ANPA";

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int LENGTH = 17;

    private UniqueIds() {
    }

    /** The unique id for {@code arn} with the given four-letter prefix. */
    public static String derive(String prefix, String arn) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(("mlgate-unique-id:" + arn).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        StringBuilder sb = new StringBuilder(prefix.length() + LENGTH).append(prefix);
        long bits = 0;
        int available = 0;
        int i = 0;
        while (sb.length() < prefix.length() + LENGTH) {
            if (available < 5) {
                bits = (bits << 8) | (hash[i++] & 0xFF);
                available += 8;
            }
            available -= 5;
            sb.append(ALPHABET[(int) ((bits >> available) & 31)]);
        }
        return sb.toString();
    }
}
