package io.mlgate.audit.index;

import java.util.Objects;

/**
 * One LookupEvents filter: events whose attribute {@code key} equals {@code value} exactly (case-sensitive). For
 * {@link LookupKey#RESOURCE_NAME} the value matches a resource's full ARN or its last path or colon part; for
 * {@link LookupKey#READ_ONLY} it is {@code true} or {@code false} (any case).
 */
public record LookupAttribute(LookupKey key, String value) {

    public LookupAttribute {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key == LookupKey.READ_ONLY && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("ReadOnly must be true or false");
        }
    }
}
