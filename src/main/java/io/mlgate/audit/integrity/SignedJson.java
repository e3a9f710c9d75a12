package io.mlgate.audit.integrity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON documents that carry their own signature ({@code head.json}, {@code retention.json}): the signature is
 * SHA256withRSA over the canonical bytes of the document without its {@code signature} member (members sorted by
 * name at every level, no whitespace), by the key named in {@code digestPublicKeyFingerprint}.
 */
final class SignedJson {

    static final String SIGNATURE = "signature";
    static final String FINGERPRINT = "digestPublicKeyFingerprint";
    static final String ALGORITHM = "signatureAlgorithm";

    /** Outcome of a verification: {@code problem} null when the signature holds. */
    record Verdict(ProblemType problem, String detail) {
        boolean ok() {
            return problem == null;
        }
    }

    private SignedJson() {
    }

    /** Adds fingerprint, algorithm and signature members to {@code doc} and returns its file bytes. */
    static byte[] sign(ObjectNode doc, SigningKey key) {
        doc.remove(SIGNATURE);
        doc.put(FINGERPRINT, key.fingerprint());
        doc.put(ALGORITHM, TrailFiles.SIGNATURE_ALGORITHM);
        doc.put(SIGNATURE, TrailFiles.hex(key.sign(canonical(doc))));
        return TrailFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    /** Verifies {@code doc}, signed at {@code signedTime}, against the published {@code keys}. */
    static Verdict verify(ObjectNode doc, PublicKeyList keys, Instant signedTime) {
        JsonNode sig = doc.get(SIGNATURE);
        JsonNode fp = doc.get(FINGERPRINT);
        if (sig == null || !sig.isString() || fp == null || !fp.isString()
                || !TrailFiles.SIGNATURE_ALGORITHM.equals(doc.path(ALGORITHM).asString(""))) {
            return new Verdict(ProblemType.INVALID_FORMAT, "lacks signature, signatureAlgorithm "
                    + TrailFiles.SIGNATURE_ALGORITHM + " or digestPublicKeyFingerprint");
        }
        AuditPublicKey key = keys.find(fp.stringValue()).orElse(null);
        if (key == null) {
            return new Verdict(ProblemType.UNKNOWN_KEY, "signed by key " + fp.stringValue()
                    + ", which is not published");
        }
        if (!key.validAt(signedTime)) {
            return new Verdict(ProblemType.UNKNOWN_KEY, "signed at " + signedTime + " by key " + key.fingerprint()
                    + ", outside its validity");
        }
        byte[] signature;
        try {
            signature = TrailFiles.unhex(sig.stringValue());
        } catch (IllegalArgumentException e) {
            return new Verdict(ProblemType.BAD_SIGNATURE, "the signature is not hex");
        }
        if (!SigningKey.verify(key.toPublicKey(), canonical(doc), signature)) {
            return new Verdict(ProblemType.BAD_SIGNATURE, "signature verification failed");
        }
        return new Verdict(null, null);
    }

    /** Canonical bytes of {@code doc} without its top-level signature member. */
    static byte[] canonical(ObjectNode doc) {
        ObjectNode copy = doc.deepCopy();
        copy.remove(SIGNATURE);
        return TrailFiles.JSON.writeValueAsBytes(sorted(copy));
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>(n.propertyNames());
            Collections.sort(names);
            ObjectNode out = TrailFiles.JSON.createObjectNode();
            for (String name : names) {
                out.set(name, sorted(n.get(name)));
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = TrailFiles.JSON.createArrayNode();
            n.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return n;
    }
}
