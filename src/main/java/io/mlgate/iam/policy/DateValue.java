package io.mlgate.iam.policy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parses the date forms accepted by the Date condition operators: W3C ISO 8601 dates/times and epoch seconds. */
final class DateValue {

    private DateValue() {
    }

    /**
     * Returns the instant as epoch milliseconds, or {@link Long#MIN_VALUE} if the text is not a date. Accepted:
     * the W3C profile of ISO 8601 ({@code 2024-05} for the first day of a month, {@code 2024-05-01},
     * {@code 2024-05-01T12:00Z}, {@code 2024-05-01T12:00:00Z}, with fractions or an offset), a date-time without a
     * zone (UTC), and epoch seconds such as {@code 1714564800} or {@code 1714564800.5}. A bare year ({@code 2024})
     * reads as epoch seconds.
     */
    static long parseMillis(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Long.MIN_VALUE;
        }
        if (isEpochSeconds(text)) {
            try {
                return new BigDecimal(text).movePointRight(3).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                return Long.MIN_VALUE;
            }
        }
        try {
            if (text.length() == 7 && text.charAt(4) == '-') {
                return YearMonth.parse(text).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            if (text.indexOf('T') < 0) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            char last = text.charAt(text.length() - 1);
            boolean zoned = last == 'Z' || last == 'z' || hasOffset(text);
            if (zoned) {
                return OffsetDateTime.parse(text.replace('z', 'Z')).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }

    private static boolean isEpochSeconds(String s) {
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (++dots > 1) {
                    return false;
                }
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return s.charAt(0) != '.';
    }

    private static boolean hasOffset(String s) {
        int t = s.indexOf('T');
        return s.indexOf('+', t) > 0 || s.indexOf('-', t) > 0;
    }
}
