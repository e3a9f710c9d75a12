package io.mlgate.audit.index;

import java.util.Objects;
import java.util.Optional;

/**
 * What a lookup selects: at most one attribute filter, an inclusive range of event seconds (empty when
 * {@code fromSecond > toSecond}), and whether data events (eventCategory {@code Data}, e.g. InvokeEndpoint) are
 * included.
 */
public record EventQuery(Optional<LookupAttribute> attribute, long fromSecond, long toSecond,
                         boolean includeDataEvents) {

    public EventQuery {
        Objects.requireNonNull(attribute, "attribute");
    }

    /** Every event, data events included. */
    public static EventQuery all() {
        return new EventQuery(Optional.empty(), Long.MIN_VALUE, Long.MAX_VALUE, true);
    }

    public EventQuery withAttribute(LookupAttribute a) {
        return new EventQuery(Optional.of(a), fromSecond, toSecond, includeDataEvents);
    }

    public EventQuery between(long from, long to) {
        return new EventQuery(attribute, from, to, includeDataEvents);
    }

    public EventQuery includingDataEvents(boolean include) {
        return new EventQuery(attribute, fromSecond, toSecond, include);
    }
}
