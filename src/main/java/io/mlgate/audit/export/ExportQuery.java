package io.mlgate.audit.export;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * What to export: records whose {@code eventTime} lies in {@code [from, to]} (both inclusive, second precision, as
 * CloudTrail times are) and that satisfy every filter (AND), rendered in {@code format}.
 */
public record ExportQuery(Instant from, Instant to, List<EventFilter> filters, ExportFormat format) {

    /**
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     */
    public ExportQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(format, "format");
        from = from.truncatedTo(ChronoUnit.SECONDS);
        to = to.truncatedTo(ChronoUnit.SECONDS);
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("the range start " + from + " is after its end " + to);
        }
        filters = List.copyOf(filters);
    }

    /** True when a log file whose records span {@code [oldest, newest]} may hold records of this range. */
    public boolean overlaps(Instant oldest, Instant newest) {
        return !oldest.isAfter(to) && !newest.isBefore(from);
    }

    /** True when the record's time is in range and every filter matches. */
    public boolean matches(JsonNode record, Instant eventTime) {
        if (eventTime.isBefore(from) || eventTime.isAfter(to)) {
            return false;
        }
        for (EventFilter f : filters) {
            if (!f.matches(record)) {
                return false;
            }
        }
        return true;
    }
}
