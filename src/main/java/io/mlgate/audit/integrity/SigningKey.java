package io.mlgate.audit.integrity;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;

/**
 * One digest signing key able to sign: SHA256withRSA (PKCS#1 v1.5) with a private key that never leaves this object.
 * Obtained from {@link AuditSigningKeys#current()}.
 */
public final class SigningKey {

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String fingerprint;
    private final Instant validityStartTime;

    SigningKey(PrivateKey privateKey, RSAPublicKey publicKey, Instant validityStartTime) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.fingerprint = AuditPublicKey.fingerprint(publicKey);
        this.validityStartTime = validityStartTime;
    }

    /** The fingerprint digests name in {@code digestPublicKeyFingerprint}. */
    public String fingerprint() {
        return fingerprint;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    public Instant validityStartTime() {
        return validityStartTime;
    }

    /** The SHA256withRSA signature of {@code data}. */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(TrailFiles.SIGNATURE_ALGORITHM);
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA signing failed", e);
        }
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** Whether {@code signature} is a valid SHA256withRSA signature of {@code data} under {@code key}. */
    static boolean verify(RSAPublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(TrailFiles.SIGNATURE_ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + fingerprint + " from " + validityStartTime + "]";
    }
}
