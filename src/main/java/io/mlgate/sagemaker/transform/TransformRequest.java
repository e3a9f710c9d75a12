package io.mlgate.sagemaker.transform;

import io.mlgate.protocol.json.JsonServiceException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Typed, model-checked access to the members of one JSON object of a transform-job request, with SageMaker's wording
 * ({@code 1 validation error detected: Value 'v' at 'path' failed to satisfy constraint: ...}); wrong JSON types are
 * {@code SerializationException}. Members outside the supported set are refused rather than silently ignored. (The
 * same rules as the hosting control plane's request reader, kept separate so the two families evolve apart.)
 */
final class TransformRequest {

    private final JsonNode node;
    private final String path;

    private TransformRequest(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static TransformRequest body(JsonNode body, Set<String> supported) throws JsonServiceException {
        TransformRequest r = new TransformRequest(body, "");
        r.only(supported);
        return r;
    }

    /** A nested structure member; null if absent. */
    TransformRequest structure(String member, boolean required, Set<String> supported) throws JsonServiceException {
        JsonNode value = node.get(member);
        if (value == null || value.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!value.isObject()) {
            throw serialization("Member " + pathOf(member) + " must be a structure.");
        }
        TransformRequest r = new TransformRequest(value, pathOf(member) + ".");
        r.only(supported);
        return r;
    }

    private void only(Set<String> supported) throws JsonServiceException {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!supported.contains(e.getKey()) && !e.getValue().isNull()) {
                throw validation("The member " + path + camel(e.getKey()) + " is not supported by mlgate.");
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

    String string(String member, boolean required, int min, int max, Pattern pattern, String patternText)
            throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!n.isString()) {
            throw serialization("Member " + pathOf(member) + " must be a string.");
        }
        String v = n.stringValue();
        checkString(v, pathOf(member), min, max, pattern, patternText, true);
        return v;
    }

    static void checkString(String v, String at, int min, int max, Pattern pattern, String patternText,
                            boolean showValue) throws JsonServiceException {
        String shown = showValue ? "Value '" + v + "' at" : "Value at";
        if (v.length() > max) {
            throw validation("1 validation error detected: " + shown + " '" + at
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
        }
        if (v.length() < min) {
            throw validation("1 validation error detected: " + shown + " '" + at
                    + "' failed to satisfy constraint: Member must have length greater than or equal to " + min);
        }
        if (pattern != null && !pattern.matcher(v).matches()) {
            throw validation("1 validation error detected: " + shown + " '" + at
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + patternText);
        }
    }

    String enumValue(String member, boolean required, Set<String> allowed) throws JsonServiceException {
        String v = string(member, required, 0, 256, null, null);
        if (v != null && !allowed.contains(v)) {
            throw constraint("'" + v + "'", pathOf(member),
                    "Member must satisfy enum value set: " + allowed.stream().sorted().toList());
        }
        return v;
    }

    Integer integer(String member, boolean required, int min, int max) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw serialization("Member " + pathOf(member) + " must be an integer.");
        }
        int v = n.intValue();
        if (v < min) {
            throw constraint("'" + v + "'", pathOf(member), "Member must have value greater than or equal to " + min);
        }
        if (v > max) {
            throw constraint("'" + v + "'", pathOf(member), "Member must have value less than or equal to " + max);
        }
        return v;
    }

    /** A timestamp in epoch seconds (fractions allowed), as the JSON 1.1 protocol sends them; null if absent. */
    Instant timestamp(String member) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw serialization("Member " + pathOf(member) + " must be a timestamp in epoch seconds.");
        }
        BigDecimal seconds = n.decimalValue();
        try {
            return Instant.ofEpochMilli(seconds.movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact());
        } catch (ArithmeticException | DateTimeException tooLarge) {
            throw serialization("Member " + pathOf(member) + " is out of range.");
        }
    }

    /**
     * A string-to-string map member (at most {@code maxEntries}); values are checked without being shown, since
     * they may be secrets. Empty if absent.
     */
    Map<String, String> map(String member, int maxEntries, int maxKey, Pattern keyPattern, String keyPatternText,
                            int maxValue) throws JsonServiceException {
        JsonNode n = node.get(member);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        String at = pathOf(member);
        if (!n.isObject()) {
            throw serialization("Member " + at + " must be a map.");
        }
        if (n.size() > maxEntries) {
            throw validation("1 validation error detected: Value at '" + at
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + maxEntries);
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            checkString(e.getKey(), at, 0, maxKey, keyPattern, keyPatternText, true);
            if (!e.getValue().isString()) {
                throw serialization("The values of " + at + " must be strings.");
            }
            checkString(e.getValue().stringValue(), at + "." + e.getKey(), 0, maxValue, null, null, false);
            out.put(e.getKey(), e.getValue().stringValue());
        }
        return out;
    }

    /** The elements of a list member; null if absent. */
    Iterable<JsonNode> list(String member, int min, int max) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw serialization("Member " + pathOf(member) + " must be a list.");
        }
        if (n.size() < min || n.size() > max) {
            throw validation("1 validation error detected: Value at '" + pathOf(member)
                    + "' failed to satisfy constraint: Member must have length " + (n.size() < min
                    ? "greater than or equal to " + min : "less than or equal to " + max));
        }
        return n;
    }

    JsonServiceException missing(String member) {
        return constraint("null", pathOf(member), "Member must not be null");
    }

    static String camel(String member) {
        return member.isEmpty() ? member : Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }

    // ------------------------------------------------------------------ SageMaker's errors (all 400)

    static JsonServiceException validation(String message) {
        return JsonServiceException.validation(message);
    }

    static JsonServiceException constraint(String shownValue, String path, String constraint) {
        return validation("1 validation error detected: Value " + shownValue + " at '" + path
                + "' failed to satisfy constraint: " + constraint);
    }

    static JsonServiceException serialization(String message) {
        return new JsonServiceException("SerializationException", 400, message);
    }

    static JsonServiceException resourceInUse(String message) {
        return new JsonServiceException("ResourceInUse", 400, message);
    }

    static JsonServiceException limitExceeded(String message) {
        return new JsonServiceException("ResourceLimitExceeded", 400, message);
    }
}
