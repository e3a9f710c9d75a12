package io.mlgate.gateway;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The current second in the forms the request path needs (HTTP {@code Date}, ISO-8601 for aws:CurrentTime, epoch
 * seconds for aws:EpochTime), formatted once per second instead of once per request.
 */
public final class RequestTime {

    /** One second's texts. */
    public record Second(long epochSecond, String httpDate, String iso, String epoch) {}

    private final Clock clock;
    private volatile Second current = new Second(Long.MIN_VALUE, "", "", "");

    public RequestTime(Clock clock) {
        this.clock = clock;
    }

    public Second now() {
        long epochSecond = Math.floorDiv(clock.millis(), 1000L);
        Second second = current;
        if (second.epochSecond != epochSecond) {
            Instant instant = Instant.ofEpochSecond(epochSecond);
            second = new Second(epochSecond,
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC)),
                    DateTimeFormatter.ISO_INSTANT.format(instant), Long.toString(epochSecond));
            current = second;
        }
        return second;
    }
}
