package io.mlgate.protocol.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads JSON 1.1 request bodies strictly: one JSON object (an empty body is {@code {}}), duplicate keys refused,
 * nothing after the object; anything else is AWS's {@code SerializationException}. Writes response bodies.
 */
public final class JsonBodies {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonBodies() {}

    public static JsonNode read(byte[] body) throws JsonServiceException {
        if (body.length == 0) {
            return MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new JsonServiceException("SerializationException", 400,
                    "The request body is not valid JSON" + location(e) + ".");
        }
        if (node == null || node.isMissingNode()) {
            return MAPPER.createObjectNode();
        }
        if (!node.isObject()) {
            throw new JsonServiceException("SerializationException", 400, "The request body must be a JSON object.");
        }
        return node;
    }

    public static byte[] write(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /** A new empty object to build a response in. */
    public static tools.jackson.databind.node.ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }
}
