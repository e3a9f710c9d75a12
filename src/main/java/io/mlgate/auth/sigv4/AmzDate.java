package io.mlgate.auth.sigv4;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The SigV4 basic ISO-8601 timestamp {@code yyyyMMdd'T'HHmmss'Z'}, parsed and formatted without regex or formatter. */
final class AmzDate {

    /** Returned by {@link #parse} for malformed input. */
    static final long INVALID = Long.MIN_VALUE;

    private AmzDate() {
    }

    /** Epoch seconds of an X-Amz-Date value, or {@link #INVALID}. */
    static long parse(String s) {
        if (s == null || s.length() != 16 || s.charAt(8) != 'T' || s.charAt(15) != 'Z') {
            return INVALID;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 4, 6);
        int day = digits(s, 6, 8);
        int hour = digits(s, 9, 11);
        int minute = digits(s, 11, 13);
        int second = digits(s, 13, 15);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return INVALID;
        }
        if (day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return INVALID;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return epochDay * 86_400L + hour * 3_600L + minute * 60L + second;
    }

    /** Epoch seconds of an RFC 1123 {@code Date} header value, or {@link #INVALID}. */
    static long parseHttpDate(String s) {
        if (s == null) {
            return INVALID;
        }
        try {
            return ZonedDateTime.parse(s.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            return INVALID;
        }
    }

    static String format(long epochSeconds) {
        long epochDay = Math.floorDiv(epochSeconds, 86_400L);
        int secs = (int) Math.floorMod(epochSeconds, 86_400L);
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        char[] out = new char[16];
        put(out, 0, d.getYear(), 4);
        put(out, 4, d.getMonthValue(), 2);
        put(out, 6, d.getDayOfMonth(), 2);
        out[8] = 'T';
        put(out, 9, secs / 3600, 2);
        put(out, 11, secs / 60 % 60, 2);
        put(out, 13, secs % 60, 2);
        out[15] = 'Z';
        return new String(out);
    }

    static LocalDate dateOf(long epochSeconds) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochSeconds, 86_400L));
    }


    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
