package io.mlgate.audit.index;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The 128-bit key an eventID is indexed by: the UUID's bits when the ID is a canonical lowercase UUID (as mlgate
 * writes them), otherwise the first 16 bytes of its SHA-256 with the UUID version nibble forced to 0 (no canonical
 * UUID has version 0 in mlgate's records, which are version 4).
 */
final class EventIdKey {

    private EventIdKey() {
    }

    /** {high, low}; {0, 0} for a null ID. */
    static long[] of(String eventId) {
        if (eventId == null) {
            return new long[] {0, 0};
        }
        if (eventId.length() == 36 && eventId.charAt(8) == '-') {
            try {
                UUID u = UUID.fromString(eventId);
                if (u.toString().equals(eventId) && u.version() != 0) {
                    return new long[] {u.getMostSignificantBits(), u.getLeastSignificantBits()};
                }
            } catch (IllegalArgumentException e) {
                // not a UUID: hashed below
            }
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(h);
            long high = b.getLong() & ~0xF000L;
            return new long[] {high, b.getLong()};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
