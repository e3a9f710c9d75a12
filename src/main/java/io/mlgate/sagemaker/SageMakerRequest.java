package io.mlgate.sagemaker;

import io.mlgate.protocol.json.JsonServiceException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Typed, model-checked access to the members of one JSON object of a SageMaker request (the body or a nested
 * structure); violations are SageMaker's {@code ValidationException} with its wording, wrong JSON types are
 * {@code SerializationException}. Members outside the supported set are refused rather than silently ignored.
 */
final class SageMakerRequest {

    private final JsonNode node;
    private final String path;

    private SageMakerRequest(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The request body, with only {@code supported} members allowed. */
    static SageMakerRequest body(JsonNode body, Set<String> supported) throws JsonServiceException {
        SageMakerRequest r = new SageMakerRequest(body, "");
        r.only(supported);
        return r;
    }

    /** A nested structure given as {@code value}, at {@code path} (e.g. {@code primaryContainer}). */
    static SageMakerRequest structure(JsonNode value, String path, Set<String> supported)
            throws JsonServiceException {
        if (!value.isObject()) {
            throw SageMakerErrors.serialization("Member " + path + " must be a structure.");
        }
        SageMakerRequest r = new SageMakerRequest(value, path + ".");
        r.only(supported);
        return r;
    }

    private void only(Set<String> supported) throws JsonServiceException {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!supported.contains(e.getKey()) && !e.getValue().isNull()) {
                throw SageMakerErrors.validation("The member " + path + camel(e.getKey())
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

    JsonNode raw(String member) {
        return node.get(member);
    }

    String string(String member, boolean required, int min, int max) throws JsonServiceException {
        return string(member, required, min, max, null, null);
    }

    /**
     * @param pattern     matched against the whole value, or null
     * @param patternText the pattern as SageMaker shows it in its message
     */
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
            throw SageMakerErrors.serialization("Member " + pathOf(member) + " must be a string.");
        }
        String v = n.stringValue();
        checkString(v, pathOf(member), min, max, pattern, patternText, true);
        return v;
    }

    static void checkString(String v, String at, int min, int max, Pattern pattern, String patternText,
                            boolean showValue) throws JsonServiceException {
        String shown = showValue ? "'" + v + "'" : "at";
        if (v.length() > max) {
            throw showValue ? SageMakerErrors.constraint(shown, at,
                    "Member must have length less than or equal to " + max)
                    : SageMakerErrors.validation("1 validation error detected: Value at '" + at
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
        }
        if (v.length() < min) {
            throw showValue ? SageMakerErrors.constraint(shown, at,
                    "Member must have length greater than or equal to " + min)
                    : SageMakerErrors.validation("1 validation error detected: Value at '" + at
                    + "' failed to satisfy constraint: Member must have length greater than or equal to " + min);
        }
        if (pattern != null && !pattern.matcher(v).matches()) {
            throw showValue ? SageMakerErrors.constraint(shown, at,
                    "Member must satisfy regular expression pattern: " + patternText)
                    : SageMakerErrors.validation("1 validation error detected: Value at '" + at
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + patternText);
        }
    }

    String enumValue(String member, boolean required, Set<String> allowed) throws JsonServiceException {
        String v = string(member, required, 0, 256);
        if (v != null && !allowed.contains(v)) {
            throw SageMakerErrors.constraint("'" + v + "'", pathOf(member),
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
            throw SageMakerErrors.serialization("Member " + pathOf(member) + " must be an integer.");
        }
        int v = n.intValue();
        if (v < min) {
            throw SageMakerErrors.constraint("'" + v + "'", pathOf(member),
                    "Member must have value greater than or equal to " + min);
        }
        if (v > max) {
            throw SageMakerErrors.constraint("'" + v + "'", pathOf(member),
                    "Member must have value less than or equal to " + max);
        }
        return v;
    }

    /** A float member at least {@code min}; null if absent. */
    Double number(String member, double min) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw SageMakerErrors.serialization("Member " + pathOf(member) + " must be a number.");
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v) || v > Float.MAX_VALUE) {
            throw SageMakerErrors.serialization("Member " + pathOf(member) + " is out of range.");
        }
        if (v < min) {
            throw SageMakerErrors.constraint("'" + n.asString() + "'", pathOf(member),
                    "Member must have value greater than or equal to " + (min == Math.rint(min)
                    ? String.valueOf((long) min) : String.valueOf(min)));
        }
        return v;
    }

    boolean bool(String member) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw SageMakerErrors.serialization("Member " + pathOf(member) + " must be a boolean.");
        }
        return n.booleanValue();
    }

    /** A timestamp in epoch seconds (fractions allowed), as the JSON 1.1 protocol sends them; null if absent. */
    Instant timestamp(String member) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw SageMakerErrors.serialization("Member " + pathOf(member)
                    + " must be a timestamp in epoch seconds.");
        }
        BigDecimal seconds = n.decimalValue();
        try {
            return Instant.ofEpochMilli(seconds.movePointRight(3).longValueExact());
        } catch (ArithmeticException e) {
            try {
                return Instant.ofEpochMilli(seconds.movePointRight(3).setScale(0, java.math.RoundingMode.FLOOR)
                        .longValueExact());
            } catch (ArithmeticException | java.time.DateTimeException tooLarge) {
                throw SageMakerErrors.serialization("Member " + pathOf(member) + " is out of range.");
            }
        }
    }

    /** The elements of a list member; null if absent. */
    List<JsonNode> list(String member, boolean required, int min, int max) throws JsonServiceException {
        JsonNode n = node.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw missing(member);
            }
            return null;
        }
        if (!n.isArray()) {
            throw SageMakerErrors.serialization("Member " + pathOf(member) + " must be a list.");
        }
        if (n.size() < min) {
            throw SageMakerErrors.validation("1 validation error detected: Value at '" + pathOf(member)
                    + "' failed to satisfy constraint: Member must have length greater than or equal to " + min);
        }
        if (n.size() > max) {
            throw SageMakerErrors.validation("1 validation error detected: Value at '" + pathOf(member)
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }

    /** The path of element {@code index} (0-based) of a list member, as SageMaker names it. */
    String elementPath(String member, int index) {
        return pathOf(member) + "." + (index + 1) + ".member";
    }

    JsonServiceException missing(String member) {
        return SageMakerErrors.constraint("null", pathOf(member), "Member must not be null");
    }

    static String camel(String member) {
        return member.isEmpty() ? member : Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }
}
