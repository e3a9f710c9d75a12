package io.mlgate.audit.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.mlgate.kms.AtomicFileWriter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code public-keys.json} document: every published digest signing key, in CloudTrail's ListPublicKeys shape
 * ({@code {"PublicKeyList":[{Value, ValidityStartTime, ValidityEndTime, Fingerprint}]}}, times in epoch seconds).
 */
public final class PublicKeyList {

    /** File name in the audit folder. */
    public static final String FILE = TrailFiles.PUBLIC_KEYS;

    private final List<AuditPublicKey> keys;

    public PublicKeyList(List<AuditPublicKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public List<AuditPublicKey> keys() {
        return keys;
    }

    /** The key with this fingerprint, if published. */
    public Optional<AuditPublicKey> find(String fingerprint) {
        return keys.stream().filter(k -> k.fingerprint().equals(fingerprint)).findFirst();
    }

    /** The document's JSON bytes (pretty-printed). */
    public byte[] toJson() {
        ObjectNode root = TrailFiles.JSON.createObjectNode();
        ArrayNode list = root.putArray("PublicKeyList");
        for (AuditPublicKey k : keys) {
            ObjectNode n = list.addObject();
            n.put("Value", k.value());
            n.put("ValidityStartTime", k.validityStartTime().getEpochSecond());
            if (k.validityEndTime() == null) {
                n.putNull("ValidityEndTime");
            } else {
                n.put("ValidityEndTime", k.validityEndTime().getEpochSecond());
            }
            n.put("Fingerprint", k.fingerprint());
        }
        return TrailFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * Parses a ListPublicKeys document. Each entry's fingerprint must be the fingerprint of its value.
     *
     * @throws IllegalArgumentException if the document is malformed
     */
    public static PublicKeyList parse(byte[] json) {
        JsonNode root;
        try {
            root = TrailFiles.JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.path("PublicKeyList").isArray()) {
            throw new IllegalArgumentException("no PublicKeyList array");
        }
        List<AuditPublicKey> out = new ArrayList<>();
        for (JsonNode n : root.path("PublicKeyList")) {
            if (!n.path("Value").isString() || !n.path("Fingerprint").isString()
                    || !n.path("ValidityStartTime").isIntegralNumber()
                    || !(n.path("ValidityEndTime").isNull() || n.path("ValidityEndTime").isIntegralNumber())) {
                throw new IllegalArgumentException("a PublicKeyList entry lacks Value, Fingerprint or validity times");
            }
            Instant end = n.path("ValidityEndTime").isNull() ? null
                    : Instant.ofEpochSecond(n.path("ValidityEndTime").asLong());
            AuditPublicKey key = new AuditPublicKey(n.path("Value").stringValue(),
                    Instant.ofEpochSecond(n.path("ValidityStartTime").asLong()), end,
                    n.path("Fingerprint").stringValue());
            if (!AuditPublicKey.fingerprint(key.toPublicKey()).equals(key.fingerprint())) {
                throw new IllegalArgumentException("the fingerprint " + key.fingerprint()
                        + " is not the fingerprint of its Value");
            }
            out.add(key);
        }
        return new PublicKeyList(out);
    }

    /** Reads and parses {@code file}. */
    public static PublicKeyList read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    /** Writes the document to {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFileWriter.replace(file, toJson());
    }

    @Override
    public String toString() {
        return "PublicKeyList" + keys.stream().map(AuditPublicKey::fingerprint).toList();
    }
}
