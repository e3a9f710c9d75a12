package io.mlgate.audit.api;

import io.mlgate.audit.index.EventPosition;
import io.mlgate.protocol.json.JsonServiceException;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * LookupEvents {@code NextToken}s: the position where the next page starts, authenticated with HMAC-SHA256 under a
 * key drawn at random per service instance (tokens do not survive a restart) and bound to the request's filter
 * parameters, so a token cannot be forged, altered or replayed with other parameters.
 */
final class PageTokens {

    private static final byte VERSION = 1;
    private static final int BODY = 1 + 8 + 8 + 4;
    private static final int TAG = 16;

    private final SecretKeySpec key;

    PageTokens(SecureRandom random) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    /** @param binding a digest of the request parameters the token is valid for */
    String issue(EventPosition position, byte[] binding) {
        ByteBuffer b = ByteBuffer.allocate(BODY + TAG);
        b.put(VERSION).putLong(position.eventSecond()).putLong(position.segmentSequence()).putInt(position.ordinal());
        b.put(tag(b.array(), binding));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The position a token names, if it was issued by this instance for the same parameters. */
    EventPosition open(String token, byte[] binding) throws JsonServiceException {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw CloudTrailErrors.invalidNextToken();
        }
        if (raw.length != BODY + TAG || raw[0] != VERSION) {
            throw CloudTrailErrors.invalidNextToken();
        }
        byte[] expected = tag(raw, binding);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, BODY, BODY + TAG))) {
            throw CloudTrailErrors.invalidNextToken();
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 1, BODY - 1);
        return new EventPosition(b.getLong(), b.getLong(), b.getInt());
    }

    private byte[] tag(byte[] body, byte[] binding) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(body, 0, BODY);
            mac.update(binding);
            return Arrays.copyOf(mac.doFinal(), TAG);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
