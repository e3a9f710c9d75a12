package io.mlgate.sts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Issues session credentials and opens their self-contained session tokens. A token is the session's claims
 * (including its secret access key) sealed with AES-256-GCM under the current {@link SessionTokenKeys} key, bound to
 * the access key id; its header names the key, so any replica holding the same keys opens it without shared state.
 * Layout (then base64url without padding): version (1 byte), key id (4), nonce (12), ciphertext and 16-byte tag.
 */
public final class SessionTokens {

    /** Longest token string accepted by {@link #open}. */
    public static final int MAX_TOKEN_CHARS = 8192;
    /** Access key ids of session credentials: {@code ASIA} plus 16 characters of A-Z2-7. */
    public static final String ACCESS_KEY_PREFIX = "ASIA";

    private static final byte VERSION = 1;
    private static final byte CLAIMS_FORMAT = 1;
    private static final int HEADER_BYTES = 5;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    });

    private final SessionTokenKeys keys;

    public SessionTokens(SessionTokenKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Generates fresh credentials for the session described by {@code claims} and seals its token. */
    public IssuedSession issue(SessionClaims.Builder claims) {
        String accessKeyId = newAccessKeyId();
        byte[] secretBytes = new byte[30];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getEncoder().encodeToString(secretBytes);
        SessionClaims built = claims.credentials(accessKeyId, secret).build();
        return new IssuedSession(built, seal(built));
    }

    static String newAccessKeyId() {
        StringBuilder b = new StringBuilder(20).append(ACCESS_KEY_PREFIX);
        for (int i = 0; i < 16; i++) {
            b.append(BASE32[RANDOM.nextInt(32)]);
        }
        return b.toString();
    }

    String seal(SessionClaims claims) {
        SessionTokenKeys.TokenKey key = keys.current();
        byte[] plaintext = encode(claims);
        byte[] out = new byte[HEADER_BYTES + NONCE_BYTES + plaintext.length + TAG_BYTES];
        out[0] = VERSION;
        ByteBuffer.wrap(out, 1, 4).putInt(key.id());
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, HEADER_BYTES, NONCE_BYTES);
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(out, 0, HEADER_BYTES);
            c.updateAAD(claims.accessKeyId().getBytes(StandardCharsets.US_ASCII));
            c.doFinal(plaintext, 0, plaintext.length, out, HEADER_BYTES + NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /**
     * Opens a session token presented with {@code accessKeyId}: VALID with the claims, INVALID if anything about it
     * is wrong (any changed bit, unknown or dropped key, another access key id, malformed), or EXPIRED.
     */
    public TokenCheck open(String accessKeyId, String token, Instant now) {
        if (accessKeyId == null || token == null || accessKeyId.length() != 20
                || !accessKeyId.startsWith(ACCESS_KEY_PREFIX) || token.length() > MAX_TOKEN_CHARS
                || token.length() < 48) {
            return TokenCheck.INVALID;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return TokenCheck.INVALID;
        }
        if (raw.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES + 1 || raw[0] != VERSION) {
            return TokenCheck.INVALID;
        }
        int keyId = ByteBuffer.wrap(raw, 1, 4).getInt();
        SessionTokenKeys.TokenKey key = keys.findOrRefresh(keyId);
        if (key == null) {
            return TokenCheck.INVALID;
        }
        byte[] plaintext;
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BYTES * 8, raw, HEADER_BYTES, NONCE_BYTES));
            c.updateAAD(raw, 0, HEADER_BYTES);
            c.updateAAD(accessKeyId.getBytes(StandardCharsets.US_ASCII));
            plaintext = c.doFinal(raw, HEADER_BYTES + NONCE_BYTES, raw.length - HEADER_BYTES - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            return TokenCheck.INVALID;
        } catch (GeneralSecurityException e) {
            return TokenCheck.INVALID;
        }
        SessionClaims claims;
        try {
            claims = decode(plaintext);
        } catch (RuntimeException e) {
            return TokenCheck.INVALID;
        }
        if (!claims.accessKeyId().equals(accessKeyId)) {
            return TokenCheck.INVALID;
        }
        if (!now.isBefore(claims.expiresAt())) {
            return TokenCheck.EXPIRED;
        }
        return TokenCheck.valid(claims);
    }

    static byte[] encode(SessionClaims c) {
        WireBuffer w = new WireBuffer(512);
        w.u8(CLAIMS_FORMAT).u8(c.kind().code());
        w.string(c.accountId()).string(c.principalArn()).string(c.roleArn().orElse(null))
                .string(c.roleId().orElse(null)).string(c.sessionName().orElse(null))
                .string(c.sourceArn().orElse(null)).string(c.accessKeyId()).string(c.secretAccessKey());
        PackedPolicies p = c.packedPolicies();
        w.varint(p.count()).raw(p.compressed());
        w.varint(c.sessionTags().size());
        c.sessionTags().forEach((k, v) -> w.string(k).string(v));
        w.varint(c.transitiveTagKeys().size());
        c.transitiveTagKeys().forEach(w::string);
        w.varint(c.mfaAuthenticatedAt().map(i -> i.getEpochSecond() + 1).orElse(0L));
        w.string(c.sourceIdentity().orElse(null));
        w.string(c.webIdentityProvider().orElse(null)).string(c.webIdentityProviderArn().orElse(null))
                .string(c.webIdentitySubject().orElse(null)).string(c.webIdentityAudience().orElse(null));
        w.varint(c.webIdentityKeys().size());
        c.webIdentityKeys().forEach((k, values) -> {
            w.string(k).varint(values.size());
            values.forEach(w::string);
        });
        w.varint(c.issuedAt().getEpochSecond()).varint(c.expiresAt().getEpochSecond());
        w.u8(c.roleChained() ? 1 : 0);
        return w.toByteArray();
    }

    static SessionClaims decode(byte[] plaintext) {
        WireBuffer.Reader r = new WireBuffer.Reader(plaintext);
        if (r.u8() != CLAIMS_FORMAT) {
            throw new IllegalArgumentException("unknown claims format");
        }
        SessionKind kind = SessionKind.ofCode(r.u8());
        if (kind == null) {
            throw new IllegalArgumentException("unknown session kind");
        }
        String account = r.string();
        String principal = r.string();
        String roleArn = r.string();
        String roleId = r.string();
        String sessionName = r.string();
        String sourceArn = r.string();
        String accessKeyId = r.string();
        String secret = r.string();
        int policyCount = (int) r.varint();
        byte[] policies = r.raw();
        SessionClaims.Builder b = SessionClaims.builder(kind, account, principal);
        if (roleArn != null) {
            b.role(roleArn, roleId, sessionName);
        } else if (sessionName != null) {
            b.sessionName(sessionName);
        }
        if (sourceArn != null) {
            b.sourceArn(sourceArn);
        }
        b.credentials(accessKeyId, secret);
        b.sessionPolicies(PackedPolicies.fromToken(policies, policyCount));
        int tags = (int) r.varint();
        Map<String, String> tagMap = new LinkedHashMap<>();
        for (int i = 0; i < tags; i++) {
            tagMap.put(r.string(), r.string());
        }
        b.sessionTags(tagMap);
        int transitive = (int) r.varint();
        List<String> keys = new ArrayList<>(transitive);
        for (int i = 0; i < transitive; i++) {
            keys.add(r.string());
        }
        b.transitiveTagKeys(keys);
        long mfa = r.varint();
        if (mfa > 0) {
            b.mfaAuthenticatedAt(Instant.ofEpochSecond(mfa - 1));
        }
        b.sourceIdentity(r.string());
        String issuer = r.string();
        String providerArn = r.string();
        String subject = r.string();
        String audience = r.string();
        int webKeys = (int) r.varint();
        Map<String, List<String>> web = new TreeMap<>();
        for (int i = 0; i < webKeys; i++) {
            String k = r.string();
            int n = (int) r.varint();
            List<String> values = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                values.add(r.string());
            }
            web.put(k, values);
        }
        if (issuer != null) {
            b.webIdentity(issuer, providerArn, subject, audience, web);
        }
        b.validity(Instant.ofEpochSecond(r.varint()), Instant.ofEpochSecond(r.varint()));
        b.roleChained(r.u8() == 1);
        if (!r.atEnd()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "SessionTokens[" + keys + "]";
    }
}
