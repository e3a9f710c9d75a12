package io.mlgate.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Phone number validation with libphonenumber's numbering plans, for the regions a {@link DetectorSettings} names.
 *
 * <p>The candidate's digits are turned into a {@link PhoneNumber} directly (country code and national significant
 * number), not with {@code PhoneNumberUtil.parse}, whose text normalisation costs several microseconds per call:
 * <ul>
 *   <li>international numbers ({@code +}, {@code 00} or, with a NANP region configured, {@code 011}): the country
 *       calling code is the one prefix of the digits that is an assigned code (codes are prefix-free), the rest is
 *       the national number; {@code isValidNumber} decides, whatever the region;</li>
 *   <li>national numbers, for each configured region: NANP regions (US, CA, ...) take ten digits or eleven starting
 *       with 1; regions with a trunk prefix (0 in GB, DE, FR, AU, ...) require it and it is stripped, except India,
 *       whose mobile numbers are usually written without it (there, a number without it must be a mobile one);
 *       regions without one (IT, ...) keep leading zeros.
 *       {@code isValidNumberForRegion} decides.</li>
 * </ul>
 * Requiring the trunk prefix of national numbers keeps nine- and ten-digit numbers of other kinds (order numbers,
 * SSNs that failed their rules) from being read as, say, French mobile numbers without their 0.
 */
final class BuiltInPhones {

    static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /** Regions whose national numbers are commonly written without the trunk prefix. */
    private static final Set<String> TRUNK_OPTIONAL = Set.of("IN");

    private static final boolean[] CALLING_CODE = new boolean[1000];
    private static final String[] MAIN_REGION = new String[1000];

    static {
        for (int cc : UTIL.getSupportedCallingCodes()) {
            if (cc > 0 && cc < 1000) {
                CALLING_CODE[cc] = true;
                MAIN_REGION[cc] = UTIL.getRegionCodeForCountryCode(cc);
            }
        }
    }

    private final String[] regions;
    private final int[] countryCodes;
    private final boolean[] nanpa;
    private final byte[][] trunk;
    private final boolean[] trunkOptional;
    /** Per region, by national significant number length: whether the region has numbers that long (or null). */
    private final boolean[][] possibleLength;
    private final boolean anyNanpa;
    private final Map<Integer, long[]> exampleShapes;

    private BuiltInPhones(List<String> regions) {
        int n = regions.size();
        this.regions = regions.toArray(new String[0]);
        countryCodes = new int[n];
        nanpa = new boolean[n];
        trunk = new byte[n][];
        trunkOptional = new boolean[n];
        possibleLength = new boolean[n][];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            String r = this.regions[i];
            countryCodes[i] = UTIL.getCountryCodeForRegion(r);
            nanpa[i] = UTIL.isNANPACountry(r);
            any |= nanpa[i];
            String ndd = UTIL.getNddPrefixForRegion(r, true);
            if (ndd != null && !ndd.isEmpty()) {
                trunk[i] = new byte[ndd.length()];
                for (int k = 0; k < ndd.length(); k++) {
                    trunk[i][k] = (byte) (ndd.charAt(k) - '0');
                }
            }
            trunkOptional[i] = TRUNK_OPTIONAL.contains(r);
            possibleLength[i] = possibleLengths(r, countryCodes[i]);
        }
        anyNanpa = any;
        exampleShapes = exampleShapes(this.regions);
    }

    /**
     * The national number lengths of a region, from libphonenumber's metadata through {@code isPossibleNumber}
     * (which reads the metadata of the country code's main region): a cheap filter before the regex-based
     * validation. Null (no filter) for a region that shares its code with a main region (Jersey with the UK).
     */
    private static boolean[] possibleLengths(String region, int cc) {
        if (!region.equals(UTIL.getRegionCodeForCountryCode(cc))) {
            return null;
        }
        boolean[] possible = new boolean[18];
        PhoneNumber probe = new PhoneNumber();
        for (int len = 2; len <= 17; len++) {
            probe.clear();
            probe.setCountryCode(cc).setNationalNumber((long) Math.pow(10, len - 1) * 2);
            PhoneNumberUtil.ValidationResult r = UTIL.isPossibleNumberWithReason(probe);
            possible[len] = r == PhoneNumberUtil.ValidationResult.IS_POSSIBLE
                    || r == PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY;
        }
        return possible;
    }

    /** Validates the region codes (ISO 3166 alpha-2, as libphonenumber knows them) once, at compile time. */
    static BuiltInPhones of(List<String> regionCodes) {
        Set<String> supported = UTIL.getSupportedRegions();
        List<String> regions = new ArrayList<>();
        for (String r : regionCodes) {
            String code = r == null ? "" : r.trim().toUpperCase(Locale.ROOT);
            if (!supported.contains(code)) {
                throw new IllegalArgumentException("unknown phone region \"" + r
                        + "\": use an ISO 3166 alpha-2 code that libphonenumber supports");
            }
            if (!regions.contains(code)) {
                regions.add(code);
            }
        }
        return new BuiltInPhones(regions);
    }

    boolean anyNanpa() {
        return anyNanpa;
    }

    /**
     * Whether {@code d[0, n)} (digit values) is a valid number: international ({@code d} without the {@code +} or
     * international prefix) or national. Returns how many leading digits are not part of the national significant
     * number (the country code, or the trunk prefix), or -1 when it is not valid; {@code scratch} then holds it.
     * {@code groups[0, count)} are the digit counts of the candidate's groups: the number must also be written
     * the way its country groups it ({@link #grouped}).
     */
    int valid(byte[] d, int n, boolean international, PhoneNumber scratch, int[] groups, int count) {
        return international ? validInternational(d, n, scratch, groups, count)
                : validNational(d, n, scratch, groups, count);
    }

    private int validInternational(byte[] d, int n, PhoneNumber number, int[] groups, int count) {
        int cc = 0;
        for (int len = 1; len <= 3 && len < n; len++) {
            cc = cc * 10 + d[len - 1];
            if (CALLING_CODE[cc]) {
                if (!national(number, cc, d, len, n - len)) {
                    return -1;
                }
                // The country code's main region first: isValidNumber would find the region and then validate
                // for it, determining the number's type twice.
                boolean valid = UTIL.isValidNumberForRegion(number, MAIN_REGION[cc]) || UTIL.isValidNumber(number);
                return valid && grouped(number, groups, count, len) ? len : -1;
            }
        }
        return -1;
    }

    /**
     * Tries the configured regions, those whose example numbers are grouped like the candidate first ("01 23 45
     * 67 89" is tried as French before German): the outcome is the same in any order, but a valid number is
     * usually found with one validation instead of several.
     */
    private int validNational(byte[] d, int n, PhoneNumber number, int[] groups, int count) {
        long tried = 0;
        for (int i = 0; i < regions.length && i < 64; i++) {
            int off = offset(i, d, n);
            if (off >= 0 && shapedLike(countryCodes[i], n - off, groups, count, off)) {
                tried |= 1L << i;
                if (validIn(i, d, n, off, number, groups, count)) {
                    return off;
                }
            }
        }
        for (int i = 0; i < regions.length; i++) {
            if (i < 64 && (tried & (1L << i)) != 0) {
                continue;
            }
            int off = offset(i, d, n);
            if (off >= 0 && validIn(i, d, n, off, number, groups, count)) {
                return off;
            }
        }
        return -1;
    }

    /** How many leading digits region {@code i} strips as its trunk prefix, or -1 when it cannot be its number. */
    private int offset(int i, byte[] d, int n) {
        if (nanpa[i]) {
            return n == 11 && d[0] == 1 ? 1 : n == 10 ? 0 : -1;
        }
        if (trunk[i] != null) {
            return startsWith(d, n, trunk[i]) ? trunk[i].length : trunkOptional[i] ? 0 : -1;
        }
        return 0;
    }

    private boolean validIn(int i, byte[] d, int n, int off, PhoneNumber number, int[] groups, int count) {
        int len = n - off;
        if (len < 4 || len > 17 || (possibleLength[i] != null && !possibleLength[i][len])
                || !national(number, countryCodes[i], d, off, len)) {
            return false;
        }
        return UTIL.isValidNumberForRegion(number, regions[i])
                && (off > 0 || trunk[i] == null || nanpa[i] || mobile(number))
                && grouped(number, groups, count, off);
    }

    /**
     * Whether the candidate's digit groups fit the way the number is written in its country: every break between
     * the candidate's groups (after the first {@code prefix} digits, the country code or trunk prefix) must also
     * be a break in libphonenumber's national or international format of the number; the candidate may join
     * groups. This is libphonenumber's "strict grouping" idea; it keeps numbers of other kinds that happen to be
     * valid somewhere (a part number 057-679-160 is a valid German number, written 05767 9160) from being
     * reported. Only candidates with two or more breaks inside the national number are checked (a single break,
     * as in "0151 23456789", is how area codes are written everywhere).
     */
    boolean grouped(PhoneNumber number, int[] groups, int count, int prefix) {
        long candidate = breaks(groups, count, prefix);
        if (candidate == -1L || Long.bitCount(candidate) < 2) {
            return candidate != -1L;
        }
        int nsn = nsnLength(number);
        if (shapedLike(number.getCountryCode(), nsn, candidate)) {
            return true; // written like one of the country's example numbers of this length
        }
        return fits(breaks(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.NATIONAL), nsn), candidate)
                || fits(breaks(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL), nsn), candidate);
    }

    /** The candidate's breaks inside the national number (after {@code prefix} digits); -1 if too long. */
    private static long breaks(int[] groups, int count, int prefix) {
        long candidate = 0;
        int at = -prefix;
        for (int g = 0; g < count - 1; g++) {
            at += groups[g];
            if (at > 0) {
                if (at >= 56) {
                    return -1L;
                }
                candidate |= 1L << at;
            }
        }
        return candidate;
    }

    private boolean shapedLike(int cc, int nsn, int[] groups, int count, int prefix) {
        long candidate = breaks(groups, count, prefix);
        return candidate != -1L && shapedLike(cc, nsn, candidate);
    }

    private boolean shapedLike(int cc, int nsn, long candidate) {
        long[] shapes = exampleShapes.get(cc);
        if (shapes != null) {
            for (long shape : shapes) {
                if ((int) (shape >>> 56) == nsn && (candidate & ~shape & ((1L << 56) - 1)) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean fits(long breaks, long candidate) {
        return (candidate & ~breaks) == 0;
    }

    /** The digit positions where a formatted number breaks, relative to its national significant number. */
    private static long breaks(String formatted, int nsn) {
        int digits = 0;
        for (int i = 0; i < formatted.length(); i++) {
            char c = formatted.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            }
        }
        int lead = digits - nsn;
        long breaks = 0;
        int seen = 0;
        boolean inDigits = false;
        for (int i = 0; i < formatted.length(); i++) {
            char c = formatted.charAt(i);
            if (c >= '0' && c <= '9') {
                inDigits = true;
                seen++;
            } else if (inDigits) {
                int at = seen - lead;
                if (at > 0 && at < 56) {
                    breaks |= 1L << at;
                }
                inDigits = false;
            }
        }
        return breaks;
    }

    /**
     * The groupings of the example numbers libphonenumber has for the configured regions (every number type, in
     * national and international format), per country code: {@code length << 56 | breaks}. A candidate written
     * like one of them needs no formatting of its own (formatting costs microseconds: it tries the country's
     * format patterns one by one).
     */
    private static Map<Integer, long[]> exampleShapes(String[] regions) {
        Map<Integer, Set<Long>> shapes = new HashMap<>();
        for (String region : regions) {
            for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
                PhoneNumber example = UTIL.getExampleNumberForType(region, type);
                if (example == null) {
                    continue;
                }
                int nsn = nsnLength(example);
                for (PhoneNumberUtil.PhoneNumberFormat format : new PhoneNumberUtil.PhoneNumberFormat[] {
                    PhoneNumberUtil.PhoneNumberFormat.NATIONAL, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL}) {
                    long b = breaks(UTIL.format(example, format), nsn);
                    shapes.computeIfAbsent(example.getCountryCode(), k -> new HashSet<>()).add((long) nsn << 56 | b);
                }
            }
        }
        Map<Integer, long[]> result = new HashMap<>();
        shapes.forEach((cc, set) -> result.put(cc, set.stream().mapToLong(Long::longValue).toArray()));
        return Map.copyOf(result);
    }

    private static int nsnLength(PhoneNumber number) {
        int len = Long.toString(number.getNationalNumber()).length();
        if (number.isItalianLeadingZero()) {
            len += Math.max(1, number.getNumberOfLeadingZeros());
        }
        return len;
    }

    /** Without the trunk prefix a national number counts only as a mobile number (India's 10-digit mobiles). */
    private static boolean mobile(PhoneNumber number) {
        PhoneNumberUtil.PhoneNumberType type = UTIL.getNumberType(number);
        return type == PhoneNumberUtil.PhoneNumberType.MOBILE
                || type == PhoneNumberUtil.PhoneNumberType.FIXED_LINE_OR_MOBILE;
    }

    private static boolean startsWith(byte[] d, int n, byte[] prefix) {
        if (n < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (d[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Fills {@code number} with a country code and a national significant number; false if it cannot be one. */
    private static boolean national(PhoneNumber number, int cc, byte[] d, int off, int len) {
        if (len < 2 || len > 17) {
            return false;
        }
        number.clear();
        number.setCountryCode(cc);
        int zeros = 0;
        while (zeros < len - 1 && d[off + zeros] == 0) {
            zeros++;
        }
        long nn = 0;
        for (int i = off; i < off + len; i++) {
            nn = nn * 10 + d[i];
        }
        number.setNationalNumber(nn);
        if (zeros > 0) {
            number.setItalianLeadingZero(true);
            if (zeros > 1) {
                number.setNumberOfLeadingZeros(zeros);
            }
        }
        return true;
    }
}
