package io.mlgate.audit.export;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The audit signing key a bundle's manifest is signed with: an RSA private key and the fingerprint under which its
 * public half is published in {@code public-keys.json} (first 32 hex digits of the SHA-256 of the public key's DER
 * SubjectPublicKeyInfo). {@link #toString()} never shows key material.
 */
public record BundleSigningKey(Signer signer, String fingerprint) {

    /** Produces SHA256withRSA signatures with the private key, wherever that key is kept. */
    @FunctionalInterface
    public interface Signer {
        byte[] sign(byte[] data);
    }

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{32}");

    /**
     * @throws IllegalArgumentException if the fingerprint is not 32 lowercase hex digits
     */
    public BundleSigningKey {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (!FINGERPRINT.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("a key fingerprint is 32 lowercase hex digits");
        }
    }

    /**
     * A signing key held in memory as an RSA private key.
     *
     * @throws IllegalArgumentException if the key is not RSA or the fingerprint is not 32 lowercase hex digits
     */
    public BundleSigningKey(PrivateKey privateKey, String fingerprint) {
        this(rsaSigner(privateKey), fingerprint);
    }

    private static Signer rsaSigner(PrivateKey privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (!"RSA".equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("the audit signing key must be RSA, not " + privateKey.getAlgorithm());
        }
        return data -> RsaSignatures.sign(privateKey, data);
    }

    /** The SHA256withRSA signature of {@code data}. */
    public byte[] sign(byte[] data) {
        return signer.sign(data);
    }

    /**
     * The signing key for an RSA private key that carries its public exponent (every JDK-generated or PKCS#8-loaded
     * RSA key does), with the fingerprint computed from its public half.
     *
     * @throws IllegalArgumentException if the key is not an {@link RSAPrivateCrtKey}
     */
    public static BundleSigningKey of(PrivateKey privateKey) {
        if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("the audit signing key must be an RSA private key with CRT parameters");
        }
        try {
            PublicKey pub = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new BundleSigningKey(privateKey, fingerprint(pub));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot derive the public half of the signing key", e);
        }
    }

    /** The fingerprint of a public key: the first 32 hex digits of the SHA-256 of its DER SubjectPublicKeyInfo. */
    public static String fingerprint(PublicKey publicKey) {
        byte[] digest = TrailJson.sha256().digest(publicKey.getEncoded());
        return TrailJson.hex(Arrays.copyOf(digest, 16));
    }

    @Override
    public String toString() {
        return "BundleSigningKey[" + fingerprint + "]";
    }
}
