package io.mlgate.audit.api;

import io.mlgate.audit.index.LookupAttribute;
import io.mlgate.audit.index.LookupKey;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/** A validated LookupEvents request (CloudTrail 2013-11-01 model, with CloudTrail's error codes). */
record LookupEventsRequest(Optional<LookupAttribute> attribute, BigDecimal startTime, BigDecimal endTime,
                           String eventCategory, int maxResults, String nextToken) {

    static final int MAX_RESULTS = 50;
    static final int MAX_ATTRIBUTE_VALUE = 2000;
    /** The latest time the API accepts: 9999-12-31T23:59:59Z. */
    static final BigDecimal LATEST = BigDecimal.valueOf(253_402_300_799L);

    static LookupEventsRequest parse(JsonNode body) throws JsonServiceException {
        Optional<LookupAttribute> attribute = attribute(body.get("LookupAttributes"));
        BigDecimal start = time(body, "StartTime");
        BigDecimal end = time(body, "EndTime");
        if (start != null && end != null && start.compareTo(end) > 0) {
            throw CloudTrailErrors.invalidTimeRange("Start time must be earlier than or equal to end time.");
        }
        String category = string(body, "EventCategory");
        if (category != null && !category.equals("insight")) {
            throw CloudTrailErrors.invalidEventCategory(category);
        }
        int maxResults = MAX_RESULTS;
        JsonNode m = body.get("MaxResults");
        if (m != null && !m.isNull()) {
            if (!m.isIntegralNumber()) {
                throw CloudTrailErrors.serialization("MaxResults must be an integer.");
            }
            if (!m.canConvertToLong() || m.longValue() < 1 || m.longValue() > MAX_RESULTS) {
                throw CloudTrailErrors.invalidMaxResults(m.asString());
            }
            maxResults = m.intValue();
        }
        return new LookupEventsRequest(attribute, start, end, category, maxResults, string(body, "NextToken"));
    }

    /** First event second included (StartTime rounded up), or MIN_VALUE. */
    long fromSecond() {
        return startTime == null ? Long.MIN_VALUE : startTime.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Last event second included (EndTime rounded down), or MAX_VALUE. */
    long toSecond() {
        return endTime == null ? Long.MAX_VALUE : endTime.setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    /** A digest of the parameters a NextToken is bound to (everything but MaxResults and the token itself). */
    byte[] binding() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF("LookupEvents/1");
            out.writeUTF(attribute.map(a -> a.key().wireName()).orElse(""));
            out.writeUTF(attribute.map(LookupAttribute::value).orElse(""));
            out.writeUTF(startTime == null ? "-" : startTime.stripTrailingZeros().toPlainString());
            out.writeUTF(endTime == null ? "-" : endTime.stripTrailingZeros().toPlainString());
            out.writeUTF(eventCategory == null ? "-" : eventCategory);
            out.flush();
            return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<LookupAttribute> attribute(JsonNode list) throws JsonServiceException {
        if (list == null || list.isNull()) {
            return Optional.empty();
        }
        if (!list.isArray()) {
            throw CloudTrailErrors.serialization("LookupAttributes must be a list.");
        }
        if (list.size() > 1) {
            throw CloudTrailErrors.invalidLookupAttributes("You can specify at most one lookup attribute.");
        }
        if (list.isEmpty()) {
            return Optional.empty();
        }
        JsonNode a = list.get(0);
        if (!a.isObject()) {
            throw CloudTrailErrors.serialization("A lookup attribute must be a structure.");
        }
        JsonNode k = a.get("AttributeKey");
        JsonNode v = a.get("AttributeValue");
        if (k == null || k.isNull()) {
            throw CloudTrailErrors.invalidLookupAttributes("The lookup attribute key is missing.");
        }
        if (v == null || v.isNull()) {
            throw CloudTrailErrors.invalidLookupAttributes("The lookup attribute value is missing.");
        }
        if (!k.isString() || !v.isString()) {
            throw CloudTrailErrors.serialization("AttributeKey and AttributeValue must be strings.");
        }
        Optional<LookupKey> key = LookupKey.ofWireName(k.stringValue());
        if (key.isEmpty()) {
            throw CloudTrailErrors.invalidLookupAttributes("Lookup attribute key is not valid.");
        }
        String value = v.stringValue();
        if (value.isEmpty() || weightedLength(value) > MAX_ATTRIBUTE_VALUE) {
            throw CloudTrailErrors.invalidLookupAttributes("Lookup attribute value is not valid: it must be 1 to "
                    + MAX_ATTRIBUTE_VALUE + " characters long ('_', ' ', ',' and newline count as two).");
        }
        if (key.get() == LookupKey.READ_ONLY && !value.equalsIgnoreCase("true")
                && !value.equalsIgnoreCase("false")) {
            throw CloudTrailErrors.invalidLookupAttributes(
                    "Lookup attribute value is not valid: ReadOnly must be true or false.");
        }
        return Optional.of(new LookupAttribute(key.get(), value));
    }

    /** The length CloudTrail limits: '_', ' ', ',' and '\n' count twice. */
    static int weightedLength(String value) {
        int n = value.length();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '_' || c == ' ' || c == ',' || c == '\n') {
                n++;
            }
        }
        return n;
    }

    /** A timestamp member in epoch seconds (fractions allowed), within 1970-01-01 .. 9999-12-31. */
    static BigDecimal time(JsonNode body, String member) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw CloudTrailErrors.serialization(member + " must be a timestamp in epoch seconds.");
        }
        BigDecimal v;
        try {
            v = n.decimalValue();
        } catch (NumberFormatException | ArithmeticException e) {
            throw CloudTrailErrors.invalidTimeRange(member + " is outside the range of valid times.");
        }
        if (v.signum() < 0 || v.compareTo(LATEST) > 0) {
            throw CloudTrailErrors.invalidTimeRange(member + " is outside the range of valid times.");
        }
        return v;
    }

    static String string(JsonNode body, String member) throws JsonServiceException {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw CloudTrailErrors.serialization(member + " must be a string.");
        }
        return n.stringValue();
    }
}
