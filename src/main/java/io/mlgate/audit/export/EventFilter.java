package io.mlgate.audit.export;

import java.util.Locale;
import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * One {@code KEY=VALUE} condition on a CloudTrail record, with CloudTrail LookupEvents' attribute keys plus
 * {@code EventCategory}. Values compare exactly (case-sensitive), except {@code ReadOnly} ({@code true|false}) and
 * {@code EventCategory} ({@code Management|Data}), which are case-insensitive and kept in canonical form.
 */
public record EventFilter(Key key, String value) {

    /** The attribute a filter tests. */
    public enum Key {
        /** {@code eventName}. */
        EVENT_NAME("EventName"),
        /** {@code eventSource}. */
        EVENT_SOURCE("EventSource"),
        /**
         * {@code userIdentity.userName}; without one, the session name of an AssumedRole or FederatedUser ARN (as
         * CloudTrail's Username).
         */
        USERNAME("Username"),
        /** {@code userIdentity.accessKeyId}. */
        ACCESS_KEY_ID("AccessKeyId"),
        /** Any {@code resources[].ARN}, or the name at the end of that ARN (after its last '/', else last ':'). */
        RESOURCE_NAME("ResourceName"),
        /** Any {@code resources[].type}. */
        RESOURCE_TYPE("ResourceType"),
        /** {@code readOnly}; a record without {@code readOnly} matches neither value. */
        READ_ONLY("ReadOnly"),
        /** {@code eventID}. */
        EVENT_ID("EventId"),
        /** {@code eventCategory}: Management or Data. */
        EVENT_CATEGORY("EventCategory");

        private final String wireName;

        Key(String wireName) {
            this.wireName = wireName;
        }

        /** The key as written on the command line and in the manifest, e.g. {@code EventName}. */
        public String wireName() {
            return wireName;
        }

        static Key fromWireName(String name) {
            for (Key k : values()) {
                if (k.wireName.equalsIgnoreCase(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown filter key '" + name + "' (expected one of EventName, "
                    + "EventSource, Username, AccessKeyId, ResourceName, ResourceType, ReadOnly, EventId, "
                    + "EventCategory)");
        }
    }

    /** Validates and canonicalises the value (ReadOnly: true|false; EventCategory: Management|Data). */
    public EventFilter {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("filter " + key.wireName + " needs a non-empty value");
        }
        if (key == Key.READ_ONLY) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("ReadOnly filter value must be true or false");
            }
            value = v;
        } else if (key == Key.EVENT_CATEGORY) {
            if (value.equalsIgnoreCase("management")) {
                value = "Management";
            } else if (value.equalsIgnoreCase("data")) {
                value = "Data";
            } else {
                throw new IllegalArgumentException("EventCategory filter value must be Management or Data");
            }
        }
    }

    /**
     * Parses {@code KEY=VALUE} (the key case-insensitive; the value is everything after the first '=').
     *
     * @throws IllegalArgumentException for a missing '=', an unknown key or an invalid value
     */
    public static EventFilter parse(String text) {
        Objects.requireNonNull(text, "text");
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("filter must be KEY=VALUE: " + text);
        }
        return new EventFilter(Key.fromWireName(text.substring(0, eq).trim()), text.substring(eq + 1));
    }

    /** True when the record satisfies this condition. */
    public boolean matches(JsonNode record) {
        return switch (key) {
            case EVENT_NAME -> value.equals(text(record.get("eventName")));
            case EVENT_SOURCE -> value.equals(text(record.get("eventSource")));
            case USERNAME -> value.equals(username(record.path("userIdentity")));
            case ACCESS_KEY_ID -> value.equals(text(record.path("userIdentity").get("accessKeyId")));
            case EVENT_ID -> value.equals(text(record.get("eventID")));
            case EVENT_CATEGORY -> value.equalsIgnoreCase(String.valueOf(text(record.get("eventCategory"))));
            case READ_ONLY -> {
                JsonNode r = record.get("readOnly");
                yield r != null && r.isBoolean() && Boolean.toString(r.booleanValue()).equals(value);
            }
            case RESOURCE_TYPE -> {
                for (JsonNode res : record.path("resources")) {
                    if (value.equals(text(res.get("type")))) {
                        yield true;
                    }
                }
                yield false;
            }
            case RESOURCE_NAME -> {
                for (JsonNode res : record.path("resources")) {
                    String arn = text(res.get("ARN"));
                    if (arn != null && (value.equals(arn) || value.equals(resourceName(arn)))) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    /** The CloudTrail Username of a userIdentity: userName, else the session part of an assumed-role/federated ARN. */
    static String username(JsonNode identity) {
        String userName = text(identity.get("userName"));
        if (userName != null) {
            return userName;
        }
        String arn = text(identity.get("arn"));
        String type = text(identity.get("type"));
        if (arn != null && ("AssumedRole".equals(type) || "FederatedUser".equals(type))) {
            int slash = arn.lastIndexOf('/');
            return slash >= 0 ? arn.substring(slash + 1) : null;
        }
        return null;
    }

    /** The name at the end of an ARN: after its last '/', or else after its last ':'. */
    static String resourceName(String arn) {
        int slash = arn.lastIndexOf('/');
        if (slash >= 0) {
            return arn.substring(slash + 1);
        }
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    static String text(JsonNode n) {
        return n != null && n.isString() ? n.stringValue() : null;
    }

    /** {@code KEY=VALUE}, as accepted by {@link #parse} and written to the manifest. */
    @Override
    public String toString() {
        return key.wireName + "=" + value;
    }
}
