package io.mlgate.protocol.json;

import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Strict readers for the fields of mlgate's own persisted JSON state files (the SageMaker control plane, transform
 * jobs, autoscaling): a missing field or a value of the wrong type is an {@link IllegalArgumentException} naming the
 * field, which the state loaders turn into "the state file is damaged" instead of guessing a default.
 */
public final class StoredJson {
    private StoredJson() {
    }

    public static Iterable<JsonNode> array(JsonNode n, String field) {
        JsonNode a = n.get(field);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("missing array " + field);
        }
        return a;
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException("missing text " + field);
        }
        return v.stringValue();
    }

    /** The text, or null when the field is absent or JSON null. */
    public static String nullableText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : text(n, field);
    }

    public static int integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("missing integer " + field);
        }
        return v.intValue();
    }

    public static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("missing number " + field);
        }
        return v.decimalValue().doubleValue();
    }

    public static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("missing boolean " + field);
        }
        return v.booleanValue();
    }

    /** An ISO-8601 instant written as text. */
    public static Instant instant(JsonNode n, String field) {
        try {
            return Instant.parse(text(n, field));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad time " + field);
        }
    }
}
