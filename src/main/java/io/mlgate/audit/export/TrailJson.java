package io.mlgate.audit.export;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON reading and writing rules of the export: one mapper whose output does not depend on the JDK (decimal
 * numbers are kept as {@code BigDecimal} with their digits, not re-rendered from doubles), duplicate members and
 * trailing tokens rejected, slashes and non-ASCII written unescaped; plus SHA-256 and hex helpers.
 */
final class TrailJson {

    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
                    .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final HexFormat HEX = HexFormat.of();

    private TrailJson() {
    }

    static JsonNode read(byte[] bytes) {
        return MAPPER.readTree(bytes);
    }

    static JsonNode read(byte[] bytes, int off, int len) {
        return MAPPER.readTree(bytes, off, len);
    }

    /** A node as compact JSON bytes (no trailing newline). */
    static byte[] write(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        MAPPER.writeValue(out, node);
        return out.toByteArray();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return hex(sha256().digest(bytes));
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static byte[] unhex(String hex) {
        return HEX.parseHex(hex);
    }

    /** The text of a string member, or null when absent, null or not a string. */
    static String text(JsonNode parent, String name) {
        JsonNode n = parent == null ? null : parent.get(name);
        return n != null && n.isString() ? n.stringValue() : null;
    }
}
