package io.mlgate.audit.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * SHA256withRSA (RSA PKCS#1 v1.5 with SHA-256) signing and verification, and the {@code .sig} file shape shared by
 * digests and the manifest: {@code {"signature":"<hex>","signatureAlgorithm":"SHA256withRSA"}}.
 */
final class RsaSignatures {

    static final String ALGORITHM = "SHA256withRSA";

    private RsaSignatures() {
    }

    static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the audit signing key (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    static boolean verify(PublicKey key, byte[] data, String hexSignature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(TrailJson.unhex(hexSignature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The bytes of a {@code .sig} file. */
    static byte[] sigFile(byte[] signature) {
        return ("{\"signature\":\"" + TrailJson.hex(signature) + "\",\"signatureAlgorithm\":\"" + ALGORITHM
                + "\"}\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The hex signature of a {@code .sig} file.
     *
     * @throws IOException if the file is not that shape or names another algorithm
     */
    static String readSigFile(byte[] bytes) throws IOException {
        JsonNode n;
        try {
            n = TrailJson.read(bytes);
        } catch (JacksonException e) {
            throw new IOException("not a JSON signature file");
        }
        String sig = TrailJson.text(n, "signature");
        String alg = TrailJson.text(n, "signatureAlgorithm");
        if (sig == null || !sig.matches("[0-9a-fA-F]+")) {
            throw new IOException("signature file lacks a hex signature");
        }
        if (!ALGORITHM.equals(alg)) {
            throw new IOException("unsupported signature algorithm " + alg);
        }
        return sig.toLowerCase(java.util.Locale.ROOT);
    }
}
