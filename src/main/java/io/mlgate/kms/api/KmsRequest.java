package io.mlgate.kms.api;

import io.mlgate.protocol.json.JsonServiceException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/** Typed, model-checked access to the members of one KMS request body; violations are KMS's validation errors. */
final class KmsRequest {

    private final JsonNode body;

    KmsRequest(JsonNode body) {
        this.body = body;
    }

    boolean has(String member) {
        JsonNode n = body.get(member);
        return n != null && !n.isNull();
    }

    String string(String member, int min, int max, boolean required) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!n.isString()) {
            throw KmsErrors.serialization("Member " + member + " must be a string.");
        }
        String v = n.stringValue();
        if (v.length() < min || v.length() > max) {
            throw KmsErrors.validation("1 validation error detected: Value at '" + camel(member)
                    + "' failed to satisfy constraint: Member must have length between " + min + " and " + max);
        }
        return v;
    }

    String enumValue(String member, Set<String> allowed, boolean required) throws JsonServiceException {
        String v = string(member, 1, 256, required);
        if (v != null && !allowed.contains(v)) {
            throw KmsErrors.validation("1 validation error detected: Value '" + v + "' at '" + camel(member)
                    + "' failed to satisfy constraint: Member must satisfy enum value set: " + allowed);
        }
        return v;
    }

    Integer integer(String member, int min, int max) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw KmsErrors.serialization("Member " + member + " must be an integer.");
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw KmsErrors.validation("1 validation error detected: Value '" + v + "' at '" + camel(member)
                    + "' failed to satisfy constraint: Member must have value " + (v < min
                    ? "greater than or equal to " + min : "less than or equal to " + max));
        }
        return v;
    }

    boolean bool(String member) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw KmsErrors.serialization("Member " + member + " must be a boolean.");
        }
        return n.booleanValue();
    }

    byte[] blob(String member, int min, int max, boolean required) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!n.isString()) {
            throw KmsErrors.serialization("Member " + member + " must be a base64-encoded string.");
        }
        byte[] v;
        try {
            v = Base64.getMimeDecoder().decode(n.stringValue());
        } catch (IllegalArgumentException e) {
            throw KmsErrors.serialization("Member " + member + " is not valid base64.");
        }
        if (v.length < min || v.length > max) {
            throw KmsErrors.validation("1 validation error detected: Value at '" + camel(member)
                    + "' failed to satisfy constraint: Member must have length between " + min + " and " + max);
        }
        return v;
    }

    Instant timestamp(String member) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw KmsErrors.serialization("Member " + member + " must be a timestamp in epoch seconds.");
        }
        BigDecimal seconds = n.decimalValue();
        return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
    }

    /** A string-to-string map (an encryption context); empty if absent. */
    Map<String, String> map(String member) throws JsonServiceException {
        return map(body.get(member), member);
    }

    static Map<String, String> map(JsonNode n, String member) throws JsonServiceException {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw KmsErrors.serialization("Member " + member + " must be a map of strings.");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isString()) {
                throw KmsErrors.serialization("Member " + member + " must be a map of strings.");
            }
            out.put(e.getKey(), e.getValue().stringValue());
        }
        return out;
    }

    List<String> strings(String member, int maxItems, int maxLength, boolean required) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return List.of();
        }
        if (!n.isArray()) {
            throw KmsErrors.serialization("Member " + member + " must be a list of strings.");
        }
        if (n.size() > maxItems) {
            throw KmsErrors.validation("1 validation error detected: Value at '" + camel(member)
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + maxItems);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isString() || item.stringValue().isEmpty() || item.stringValue().length() > maxLength) {
                throw KmsErrors.validation("1 validation error detected: Value at '" + camel(member)
                        + "' failed to satisfy constraint: Member must contain strings of length 1 to " + maxLength);
            }
            out.add(item.stringValue());
        }
        return out;
    }

    /** {@code Tags: [{TagKey, TagValue}]} in order; TagException for a malformed or duplicate tag. */
    Map<String, String> tags(String member, boolean required) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return Map.of();
        }
        if (!n.isArray()) {
            throw KmsErrors.serialization("Member " + member + " must be a list of tags.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode t : n) {
            JsonNode k = t.get("TagKey");
            JsonNode v = t.get("TagValue");
            if (k == null || !k.isString() || v == null || !v.isString()) {
                throw KmsErrors.validation("1 validation error detected: a tag needs a TagKey and a TagValue");
            }
            String key = k.stringValue();
            String value = v.stringValue();
            if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
                throw KmsErrors.of("TagException", "Tag keys must be 1 to 128 characters and tag values 0 to 256.");
            }
            if (key.startsWith("aws:")) {
                throw KmsErrors.of("TagException", "Tag keys beginning with 'aws:' are reserved.");
            }
            if (out.put(key, value) != null) {
                throw KmsErrors.of("TagException", "Duplicate tag keys are not allowed.");
            }
        }
        return out;
    }

    JsonNode node(String member) {
        return body.get(member);
    }

    private static JsonServiceException missing(String member) {
        return KmsErrors.validation("1 validation error detected: Value null at '" + camel(member)
                + "' failed to satisfy constraint: Member must not be null");
    }

    static String camel(String member) {
        return Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }
}
