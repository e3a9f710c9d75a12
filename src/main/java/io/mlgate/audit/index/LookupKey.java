package io.mlgate.audit.index;

import java.util.Optional;

/** The attributes LookupEvents can filter on (CloudTrail's {@code LookupAttributeKey}). */
public enum LookupKey {
    EVENT_ID("EventId"),
    EVENT_NAME("EventName"),
    READ_ONLY("ReadOnly"),
    USERNAME("Username"),
    RESOURCE_TYPE("ResourceType"),
    RESOURCE_NAME("ResourceName"),
    EVENT_SOURCE("EventSource"),
    ACCESS_KEY_ID("AccessKeyId");

    private final String wireName;

    LookupKey(String wireName) {
        this.wireName = wireName;
    }

    /** The {@code AttributeKey} string, e.g. {@code EventName}. */
    public String wireName() {
        return wireName;
    }

    /** The key with this exact wire name. */
    public static Optional<LookupKey> ofWireName(String name) {
        for (LookupKey k : values()) {
            if (k.wireName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
