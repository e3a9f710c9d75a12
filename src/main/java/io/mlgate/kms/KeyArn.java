package io.mlgate.kms;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARN of a KMS key, {@code arn:aws:kms:<region>:<12-digit account>:key/<uuid>}; {@link #toString()} gives the
 * ARN text.
 */
public record KeyArn(String region, String accountId, UUID keyId) {

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-\\d{1,2}");
    private static final Pattern ARN = Pattern.compile(
            "arn:aws:kms:([a-z0-9-]+):(\\d{12}):key/([0-9a-fA-F-]{36})");

    public KeyArn {
        Objects.requireNonNull(keyId, "keyId");
        requireAccountId(accountId);
        requireRegion(region);
    }

    /** Parses a key ARN; throws {@link IllegalArgumentException} if {@code text} is not one. */
    public static KeyArn parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = ARN.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a KMS key ARN: " + text);
        }
        UUID id = parseKeyId(m.group(3));
        return new KeyArn(m.group(1), m.group(2), id);
    }

    /** Parses a canonical lower- or upper-case UUID key id; throws {@link IllegalArgumentException} otherwise. */
    static UUID parseKeyId(String text) {
        UUID id;
        try {
            id = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a key id: " + text, e);
        }
        if (!id.toString().equalsIgnoreCase(text)) {
            throw new IllegalArgumentException("not a key id: " + text);
        }
        return id;
    }

    static String requireAccountId(String accountId) {
        if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("account id must be 12 digits: " + accountId);
        }
        return accountId;
    }

    static String requireRegion(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
        return region;
    }

    @Override
    public String toString() {
        return "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId;
    }
}
