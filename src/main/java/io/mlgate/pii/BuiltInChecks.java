package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The validity rules of the built-in detectors, as pure functions over digits and bytes: Luhn and the card issuer
 * table, the IBAN length table and mod-97, the SSN and ITIN rules, calendar dates, and the character statistics of
 * secret-key candidates. Called only on candidates (a few per kilobyte at most), never per byte.
 */
final class BuiltInChecks {

    private BuiltInChecks() {
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Payment cards

    /** Luhn (mod 10) over {@code d[0, n)}, digits as values 0 to 9. */
    static boolean luhn(byte[] d, int n) {
        int sum = 0;
        boolean twice = false;
        for (int i = n - 1; i >= 0; i--) {
            int v = d[i];
            if (twice) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /**
     * Whether {@code d[0, n)} starts with a known issuer prefix and has a length that issuer uses: Visa 4 (13, 16,
     * 19); Mastercard 51-55 and 2221-2720 (16); American Express 34, 37 (15); Discover 6011, 644-649, 65 (16-19);
     * JCB 3528-3589 (16-19); Diners Club 300-305, 36, 38, 39 (14-19); UnionPay 62 (16-19); Mir 2200-2204 (16);
     * Maestro 5018, 5020, 5038, 5893, 6304, 6759, 6761-6763 (13-19).
     */
    static boolean cardIssuer(byte[] d, int n) {
        if (n < 13 || n > 19) {
            return false;
        }
        int p1 = d[0];
        int p2 = p1 * 10 + d[1];
        int p3 = p2 * 10 + d[2];
        int p4 = p3 * 10 + d[3];
        if (p1 == 4) {
            return n == 13 || n == 16 || n == 19;
        }
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720) || (p4 >= 2200 && p4 <= 2204)) {
            return n == 16;
        }
        if (p2 == 34 || p2 == 37) {
            return n == 15;
        }
        if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p4 >= 3528 && p4 <= 3589) || p2 == 62) {
            return n >= 16;
        }
        if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) {
            return n >= 14;
        }
        return p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759
                || (p4 >= 6761 && p4 <= 6763);
    }

    static boolean card(byte[] d, int n) {
        return n >= 13 && n <= 19 && cardIssuer(d, n) && luhn(d, n);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // US SSN and ITIN

    /**
     * SSA rules for {@code AAA-GG-SSSS}: area not 000, 666 or 900-999; group not 00; serial not 0000; and not one
     * of the numbers known to have been published and voided (078-05-1120, the Woolworth wallet card; 219-09-9999,
     * an SSA advertisement).
     */
    static boolean ssn(byte[] d) {
        int area = d[0] * 100 + d[1] * 10 + d[2];
        int group = d[3] * 10 + d[4];
        int serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8];
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }

    /** IRS rules for {@code 9XX-GG-XXXX}: first digit 9, group 50-65, 70-88, 90-92 or 94-99. */
    static boolean itin(byte[] d) {
        if (d[0] != 9) {
            return false;
        }
        int g = d[3] * 10 + d[4];
        return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || g >= 94;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // IBAN

    /**
     * IBAN lengths of the SWIFT IBAN registry (ISO 13616), release 2024/2025: 89 country codes. Territories that
     * use another country's prefix (Åland: FI; the French overseas departments: FR; Jersey, Guernsey, Isle of Man:
     * GB) need no entry of their own.
     */
    private static final String IBAN_REGISTRY =
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 "
            + "EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 "
            + "IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 "
            + "NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 "
            + "SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30";

    private static final byte[] IBAN_LENGTH = new byte[26 * 26];

    static {
        for (String entry : IBAN_REGISTRY.split(" ")) {
            IBAN_LENGTH[(entry.charAt(0) - 'A') * 26 + entry.charAt(1) - 'A'] =
                    (byte) Integer.parseInt(entry.substring(2));
        }
    }

    /** The number of countries in the table (for tests and docs). */
    static int ibanCountries() {
        int n = 0;
        for (byte b : IBAN_LENGTH) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }

    /** The IBAN length of the country {@code c1 c2} (upper case ASCII), or 0 when it has no IBAN. */
    static int ibanLength(int c1, int c2) {
        if (c1 < 'A' || c1 > 'Z' || c2 < 'A' || c2 > 'Z') {
            return 0;
        }
        return IBAN_LENGTH[(c1 - 'A') * 26 + c2 - 'A'];
    }

    /**
     * ISO 7064 mod 97-10 over the IBAN in {@code data[start, end)} with single spaces between groups allowed: the
     * first four characters moved to the end, letters as 10 to 35, the remainder must be 1. Check digits 00, 01
     * and 99 never occur in a correctly computed IBAN and are refused.
     */
    static boolean ibanMod97(byte[] data, int start, int end) {
        int check = (data[start + 2] - '0') * 10 + data[start + 3] - '0';
        if (check < 2 || check > 98) {
            return false;
        }
        int r = 0;
        for (int i = start + 4; i < end; i++) {
            int c = data[i];
            if (c == ' ') {
                continue;
            }
            r = mod97Step(r, c);
            if (r < 0) {
                return false;
            }
        }
        for (int i = start; i < start + 4; i++) {
            r = mod97Step(r, data[i]);
        }
        return r == 1;
    }

    private static int mod97Step(int r, int c) {
        if (c >= '0' && c <= '9') {
            return (r * 10 + c - '0') % 97;
        }
        if (c >= 'A' && c <= 'Z') {
            return (r * 100 + c - 'A' + 10) % 97;
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Dates

    /** Whether year-month-day is a calendar date. */
    static boolean calendarDate(int y, int m, int d) {
        if (m < 1 || m > 12 || d < 1 || y < 1) {
            return false;
        }
        int dim = switch (m) {
            case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return d <= dim;
    }

    /** Whether year-month-day is a calendar date within the past 130 years (today included, UTC). */
    static boolean birthDate(int y, int m, int d) {
        if (!calendarDate(y, m, d)) {
            return false;
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate date = LocalDate.of(y, m, d);
        return !date.isAfter(today) && !date.isBefore(today.minusYears(130));
    }

    /** A two-digit year as a birth year: the latest year ending in those digits that is not in the future. */
    static int fullYear(int yy) {
        int now = LocalDate.now(ZoneOffset.UTC).getYear();
        int y = now - Math.floorMod(now - yy, 100);
        return y;
    }

    private static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"};
    private static final byte[][] MONTH_BYTES = new byte[12][];
    /** The month whose name starts with the two (lower-case) letters, by (c0 - 'a') * 26 + c1 - 'a'; 0 for none. */
    private static final byte[] MONTH_PREFIX = new byte[26 * 26];

    static {
        for (int i = 0; i < 12; i++) {
            MONTH_BYTES[i] = MONTHS[i].getBytes(StandardCharsets.US_ASCII);
        }
        for (int i = 11; i >= 0; i--) { // "ma": March before May, "ju": June before July (both are then compared)
            MONTH_PREFIX[(MONTHS[i].charAt(0) - 'a') * 26 + MONTHS[i].charAt(1) - 'a'] = (byte) (i + 1);
        }
    }

    /**
     * The month (1 to 12) the English word in {@code data[s, e)} names, in full or as its three-letter abbreviation
     * (and "sept"), case-insensitively; 0 when it is not a month.
     */
    static int month(byte[] data, int s, int e) {
        int len = e - s;
        if (len < 3 || len > 9) {
            return 0;
        }
        int c0 = data[s] | 0x20;
        int c1 = data[s + 1] | 0x20;
        if (c0 < 'a' || c0 > 'z' || c1 < 'a' || c1 > 'z' || MONTH_PREFIX[(c0 - 'a') * 26 + c1 - 'a'] == 0) {
            return 0; // most words: one table lookup
        }
        for (int m = MONTH_PREFIX[(c0 - 'a') * 26 + c1 - 'a'] - 1; m < 12; m++) {
            byte[] name = MONTH_BYTES[m];
            if (name[0] != c0 || len > name.length) {
                continue;
            }
            if (len != 3 && len != name.length && !(m == 8 && len == 4)) {
                continue;
            }
            boolean same = true;
            for (int i = 1; i < len; i++) {
                if ((data[s + i] | 0x20) != name[i]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return m + 1;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Secret keys

    private static final double[] CLOG = new double[41];

    static {
        for (int k = 1; k <= 40; k++) {
            CLOG[k] = k * Math.log(k) / Math.log(2);
        }
    }

    /**
     * The Shannon entropy, in bits per character, of the 40 bytes {@code data[s, s + 40)}; {@code counts} is a
     * scratch array of 128 zeros, left zeroed.
     */
    static double entropy40(byte[] data, int s, int[] counts) {
        for (int i = s; i < s + 40; i++) {
            counts[data[i] & 0x7f]++;
        }
        double sum = 0;
        for (int i = s; i < s + 40; i++) {
            int c = data[i] & 0x7f;
            int k = counts[c];
            if (k > 0) {
                sum += CLOG[k];
                counts[c] = 0;
            }
        }
        return Math.log(40) / Math.log(2) - sum / 40;
    }
}
