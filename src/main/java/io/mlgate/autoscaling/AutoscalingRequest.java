package io.mlgate.autoscaling;

import io.mlgate.protocol.json.JsonServiceException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Typed, model-checked access to the members of one JSON object of an Application Auto Scaling request (the body or
 * a nested structure). Constraint violations are {@code ValidationException} worded as the service words them; wrong
 * JSON types are {@code SerializationException}; members mlgate does not implement are refused by name rather than
 * silently ignored.
 */
final class AutoscalingRequest {

    private final JsonNode node;
    private final String path;

    private AutoscalingRequest(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The request body; members outside {@code supported} are refused. */
    static AutoscalingRequest body(JsonNode body, Set<String> supported) throws JsonServiceException {
        AutoscalingRequest r = new AutoscalingRequest(body, "");
        r.only(supported);
        return r;
    }

    /** The structure member {@code member}, or null if absent; members outside {@code supported} are refused. */
    AutoscalingRequest structure(String member, Set<String> supported) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw AutoscalingErrors.serialization("Member " + pathOf(member) + " must be a structure.");
        }
        AutoscalingRequest r = new AutoscalingRequest(n, pathOf(member) + ".");
        r.only(supported);
        return r;
    }

    private void only(Set<String> supported) throws JsonServiceException {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!supported.contains(e.getKey()) && !e.getValue().isNull()) {
                throw AutoscalingErrors.validation("The member " + path + camel(e.getKey())
                        + " is not supported by mlgate.");
            }
        }
    }

    String pathOf(String member) {
        return path + camel(member);
    }

    boolean has(String member) {
        JsonNode n = node.get(member);
        return n != null && !n.isNull();
    }

    /** A string member of {@code min..max} characters, printable (no control characters but tab/CR/LF). */
    String string(String member, boolean required, int min, int max) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!n.isString()) {
            throw AutoscalingErrors.serialization("Member " + pathOf(member) + " must be a string.");
        }
        String v = n.stringValue();
        checkString(v, pathOf(member), min, max);
        return v;
    }

    static void checkString(String v, String at, int min, int max) throws JsonServiceException {
        if (v.length() > max) {
            throw AutoscalingErrors.constraint("'" + v.substring(0, Math.min(v.length(), 64)) + "...'", at,
                    "Member must have length less than or equal to " + max);
        }
        if (v.length() < min) {
            throw AutoscalingErrors.constraint("'" + v + "'", at,
                    "Member must have length greater than or equal to " + min);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') {
                throw AutoscalingErrors.validation("1 validation error detected: Value at '" + at
                        + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                        + "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*");
            }
        }
    }

    /** A string member that must be one of {@code allowed} (the model's enum, in the model's order). */
    String enumValue(String member, boolean required, List<String> allowed) throws JsonServiceException {
        String v = string(member, required, 0, 1600);
        if (v != null && !allowed.contains(v)) {
            throw AutoscalingErrors.constraint("'" + v + "'", pathOf(member),
                    "Member must satisfy enum value set: " + allowed);
        }
        return v;
    }

    Integer integer(String member) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw AutoscalingErrors.serialization("Member " + pathOf(member) + " must be an integer.");
        }
        return n.intValue();
    }

    /** An integer member within {@code min..max}; null if absent. */
    Integer integer(String member, int min, int max) throws JsonServiceException {
        Integer v = integer(member);
        if (v != null && v < min) {
            throw AutoscalingErrors.constraint("'" + v + "'", pathOf(member),
                    "Member must have value greater than or equal to " + min);
        }
        if (v != null && v > max) {
            throw AutoscalingErrors.constraint("'" + v + "'", pathOf(member),
                    "Member must have value less than or equal to " + max);
        }
        return v;
    }

    Double number(String member, boolean required) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!n.isNumber()) {
            throw AutoscalingErrors.serialization("Member " + pathOf(member) + " must be a number.");
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw AutoscalingErrors.serialization("Member " + pathOf(member) + " is out of range.");
        }
        return v;
    }

    Boolean bool(String member) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw AutoscalingErrors.serialization("Member " + pathOf(member) + " must be a boolean.");
        }
        return n.booleanValue();
    }

    /** A list of strings of {@code 1..maxLength} characters each, at most {@code maxSize} of them; null if absent. */
    List<String> strings(String member, int maxSize, int maxLength) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw AutoscalingErrors.serialization("Member " + pathOf(member) + " must be a list.");
        }
        if (n.size() > maxSize) {
            throw AutoscalingErrors.validation("1 validation error detected: Value at '" + pathOf(member)
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + maxSize);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isString()) {
                throw AutoscalingErrors.serialization("Member " + pathOf(member) + " must hold strings.");
            }
            checkString(e.stringValue(), pathOf(member) + "." + (i + 1) + ".member", 1, maxLength);
            out.add(e.stringValue());
        }
        return out;
    }

    JsonServiceException missing(String member) {
        return AutoscalingErrors.constraint("null", pathOf(member), "Member must not be null");
    }

    static String camel(String member) {
        return member.isEmpty() ? member : Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }
}
