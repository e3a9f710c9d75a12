package io.mlgate.gateway;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RequestTimeTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong();

        @Override public ZoneId getZone() { return ZoneId.of("UTC"); }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
        @Override public long millis() { return millis.get(); }
    }

    @Test
    void formatsTheSecondForHttpAndForPolicies() {
        ManualClock clock = new ManualClock();
        clock.millis.set(Instant.parse("2026-11-26T12:34:56.789Z").toEpochMilli());
        RequestTime.Second second = new RequestTime(clock).now();
        assertThat(second.httpDate()).isEqualTo("Thu, 26 Nov 2026 12:34:56 GMT");
        assertThat(second.iso()).isEqualTo("2026-11-26T12:34:56Z");
        assertThat(second.epoch()).isEqualTo(Long.toString(Instant.parse("2026-11-26T12:34:56Z").getEpochSecond()));
    }

    @Test
    void formatsOncePerSecondAndMovesOnWithTheClock() {
        ManualClock clock = new ManualClock();
        clock.millis.set(1_000_000_000_000L);
        RequestTime time = new RequestTime(clock);
        RequestTime.Second first = time.now();
        clock.millis.addAndGet(999);
        assertThat(time.now()).isSameAs(first);
        clock.millis.addAndGet(1);
        assertThat(time.now()).isNotSameAs(first);
        assertThat(time.now().epochSecond()).isEqualTo(first.epochSecond() + 1);
    }
}
