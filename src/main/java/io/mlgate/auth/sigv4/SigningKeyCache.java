package io.mlgate.auth.sigv4;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A small bounded cache of derived SigV4 signing keys, keyed by credential scope (access key id, date, region,
 * service). Each entry remembers the key material it was derived from, so a rotated secret is never served stale.
 */
final class SigningKeyCache {

    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    SigningKeyCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /**
     * The signing key for {@code scopeKey} (the {@code AKID/date/region/service/aws4_request} credential string),
     * derived from {@code secret} on a miss or when the cached entry came from different key material.
     */
    byte[] signingKey(String scopeKey, SigningSecret secret, String date, String region, String service) {
        Entry e = entries.get(scopeKey);
        if (e != null && secret.sameKeyAs(e.aws4Key)) {
            return e.signingKey;
        }
        byte[] derived = SigV4Digests.deriveSigningKey(secret.aws4Key(), date, region, service);
        if (entries.size() >= maxEntries) {
            entries.clear(); // crude but bounded; a day's worth of scopes refills it quickly
        }
        entries.put(scopeKey, new Entry(secret.aws4Key().clone(), derived));
        return derived;
    }

    int size() {
        return entries.size();
    }

    /** No toString/equals: holds key material. */
    private static final class Entry {
        final byte[] aws4Key;
        final byte[] signingKey;

        Entry(byte[] aws4Key, byte[] signingKey) {
            this.aws4Key = aws4Key;
            this.signingKey = signingKey;
        }
    }
}
