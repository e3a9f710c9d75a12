package io.mlgate.audit.integrity;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The public half of one digest signing key as CloudTrail's ListPublicKeys publishes it: the base64 DER PKCS#1
 * RSAPublicKey, its validity window (end {@code null} for the current key) and its fingerprint.
 */
public record AuditPublicKey(String value, Instant validityStartTime, Instant validityEndTime, String fingerprint) {

    public AuditPublicKey {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(validityStartTime, "validityStartTime");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (validityEndTime != null && validityEndTime.isBefore(validityStartTime)) {
            throw new IllegalArgumentException("key " + fingerprint + " ends before it starts");
        }
    }

    /** The published form of {@code key}, valid from {@code start} to {@code end} (null: still current). */
    public static AuditPublicKey of(RSAPublicKey key, Instant start, Instant end) {
        try {
            byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(key.getEncoded()).parsePublicKey().getEncoded("DER");
            return new AuditPublicKey(Base64.getEncoder().encodeToString(pkcs1), start, end, fingerprint(key));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an RSA public key", e);
        }
    }

    /** The fingerprint of {@code key}: the first 32 hex digits of the SHA-256 of its DER SubjectPublicKeyInfo. */
    public static String fingerprint(PublicKey key) {
        return TrailFiles.sha256Hex(key.getEncoded()).substring(0, 32);
    }

    /**
     * The JCA key decoded from {@link #value()}.
     *
     * @throws IllegalArgumentException if the value is not a base64 DER PKCS#1 RSA public key
     */
    public RSAPublicKey toPublicKey() {
        try {
            org.bouncycastle.asn1.pkcs.RSAPublicKey asn1 =
                    org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(Base64.getDecoder().decode(value));
            BigInteger modulus = asn1.getModulus();
            BigInteger exponent = asn1.getPublicExponent();
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("key " + fingerprint + " is not a DER PKCS#1 RSA public key", e);
        }
    }

    /** Whether {@code t} lies in the validity window (both ends inclusive, at second precision). */
    public boolean validAt(Instant t) {
        return !t.isBefore(validityStartTime) && (validityEndTime == null || !t.isAfter(validityEndTime));
    }
}
