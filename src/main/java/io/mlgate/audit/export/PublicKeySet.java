package io.mlgate.audit.export;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The public keys of a {@code public-keys.json} (CloudTrail ListPublicKeys shape: {@code PublicKeyList[{Value:
 * base64 DER PKCS#1 RSAPublicKey, ValidityStartTime, ValidityEndTime, Fingerprint}]}) by fingerprint. An entry whose
 * listed fingerprint is not the fingerprint of its key is left out and reported.
 */
final class PublicKeySet {

    private final Map<String, PublicKey> keys;
    private final List<String> rejected;

    private PublicKeySet(Map<String, PublicKey> keys, List<String> rejected) {
        this.keys = keys;
        this.rejected = rejected;
    }

    /**
     * @throws IOException if the bytes are not a ListPublicKeys document
     */
    static PublicKeySet parse(byte[] json) throws IOException {
        JsonNode doc;
        try {
            doc = TrailJson.read(json);
        } catch (JacksonException e) {
            throw new IOException("public keys file is not JSON");
        }
        JsonNode list = doc.get("PublicKeyList");
        if (list == null || !list.isArray()) {
            throw new IOException("public keys file lacks PublicKeyList");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        List<String> rejected = new ArrayList<>();
        for (JsonNode entry : list) {
            String listed = TrailJson.text(entry, "Fingerprint");
            String value = TrailJson.text(entry, "Value");
            PublicKey key;
            try {
                RSAPublicKey pkcs1 = RSAPublicKey.getInstance(Base64.getDecoder().decode(value));
                key = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(pkcs1.getModulus(), pkcs1.getPublicExponent()));
            } catch (GeneralSecurityException | RuntimeException e) {
                rejected.add("public key " + listed + " is not a DER PKCS#1 RSA public key");
                continue;
            }
            String actual = BundleSigningKey.fingerprint(key);
            if (!actual.equals(listed)) {
                rejected.add("public key listed as " + listed + " has fingerprint " + actual);
                continue;
            }
            keys.put(actual, key);
        }
        return new PublicKeySet(keys, List.copyOf(rejected));
    }

    Optional<PublicKey> get(String fingerprint) {
        return Optional.ofNullable(fingerprint == null ? null : keys.get(fingerprint));
    }

    /** Entries left out, one message each. */
    List<String> rejected() {
        return rejected;
    }
}
