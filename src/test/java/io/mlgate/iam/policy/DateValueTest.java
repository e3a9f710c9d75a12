package io.mlgate.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The date forms of the Date condition operators: the W3C profile of ISO 8601 and epoch seconds [OPS]. */
class DateValueTest {

    private static final long JUNE_1_2024 = 1717200000000L;

    @Test
    void w3cFormsDownToTheMonth() {
        assertThat(DateValue.parseMillis("2024-06")).isEqualTo(JUNE_1_2024);
        assertThat(DateValue.parseMillis("2024-06-01")).isEqualTo(JUNE_1_2024);
        assertThat(DateValue.parseMillis("2024-06-01T00:00Z")).isEqualTo(JUNE_1_2024);
        assertThat(DateValue.parseMillis("2024-06-01T02:00:00+02:00")).isEqualTo(JUNE_1_2024);
        assertThat(DateValue.parseMillis("2024-06-01T00:00:00.5Z")).isEqualTo(JUNE_1_2024 + 500);
        assertThat(DateValue.parseMillis("1717200000")).isEqualTo(JUNE_1_2024);
    }

    @Test
    void notDates() {
        assertThat(DateValue.parseMillis("2024-13")).isEqualTo(Long.MIN_VALUE);
        assertThat(DateValue.parseMillis("2024-6")).isEqualTo(Long.MIN_VALUE);
        assertThat(DateValue.parseMillis("yesterday")).isEqualTo(Long.MIN_VALUE);
        assertThat(DateValue.parseMillis("")).isEqualTo(Long.MIN_VALUE);
    }
}
