package io.mlgate.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Phone number validation with libphonenumber's numbering plans, for the regions a {@link DetectorSettings} names.
 *
 * <p>The candidate's digits are split into a country code and a national significant number directly, not with
 * {@code PhoneNumberUtil.parse}, whose text normalisation costs several microseconds per call:
 * <ul>
 *   <li>international numbers ({@code +}, {@code 00} or, with a NANP region configured, {@code 011}): the country
 *       calling code is the one prefix of the digits that is an assigned code (codes are prefix-free), the rest is
 *       the national number; valid in any region of that code;</li>
 *   <li>national numbers, for each configured region: NANP regions (US, CA, ...) take ten digits or eleven starting
 *       with 1; regions with a trunk prefix (0 in GB, DE, FR, AU, ...) require it and it is stripped, except India,
 *       whose mobile numbers are usually written without it (there, a number without it must be a mobile one);
 *       regions without one (IT, ...) keep leading zeros.</li>
 * </ul>
 * Requiring the trunk prefix of national numbers keeps nine- and ten-digit numbers of other kinds (order numbers,
 * SSNs that failed their rules) from being read as, say, French mobile numbers without their 0.
 *
 * <p>Validity is libphonenumber's: a number is valid for a region when its length and digits match the region's
 * general description and the description of one number type. {@link Plan} evaluates exactly that on the region's
 * {@link PhoneMetadata} (from libphonenumber's metadata source), trying fixed-line and mobile first and with the
 * patterns compiled once, which is what {@code PhoneNumberUtil.isValidNumberForRegion} does, in its own order, with
 * a synchronized pattern cache and a metadata lookup by file name per call (four times the cost). The equivalence
 * is tested ({@code BuiltInPhonesTest}). International numbers whose code several regions share, and that the code's
 * main region does not accept, go to {@code PhoneNumberUtil.isValidNumber} itself.
 */
final class BuiltInPhones {

    static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final MetadataSource METADATA =
            DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();

    /** Regions whose national numbers are commonly written without the trunk prefix. */
    private static final Set<String> TRUNK_OPTIONAL = Set.of("IN");

    private static final boolean[] CALLING_CODE = new boolean[1000];
    private static final boolean[] SHARED_CODE = new boolean[1000];
    private static final String[] MAIN_REGION = new String[1000];
    /** The plans of the main regions of calling codes, compiled on first use. */
    private static final ConcurrentHashMap<Integer, Plan> MAIN_PLANS = new ConcurrentHashMap<>();

    static {
        for (int cc : UTIL.getSupportedCallingCodes()) {
            if (cc > 0 && cc < 1000) {
                CALLING_CODE[cc] = true;
                MAIN_REGION[cc] = UTIL.getRegionCodeForCountryCode(cc);
                SHARED_CODE[cc] = UTIL.getRegionCodesForCountryCode(cc).size() > 1;
            }
        }
    }

    private final String[] regions;
    private final Plan[] plans;
    private final boolean[] nanpa;
    private final byte[][] trunk;
    private final boolean[] trunkOptional;
    private final boolean anyNanpa;
    private final Map<Integer, long[]> exampleShapes;

    private BuiltInPhones(List<String> regions) {
        int n = regions.size();
        this.regions = regions.toArray(new String[0]);
        plans = new Plan[n];
        nanpa = new boolean[n];
        trunk = new byte[n][];
        trunkOptional = new boolean[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            String r = this.regions[i];
            plans[i] = Plan.of(METADATA.getMetadataForRegion(r), UTIL.getCountryCodeForRegion(r));
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
        }
        anyNanpa = any;
        exampleShapes = exampleShapes(this.regions);
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
     * number (the country code, or the trunk prefix), or -1 when it is not valid. {@code groups[0, count)} are the
     * digit counts of the candidate's groups: the number must also be written the way its country groups it
     * ({@link #grouped}). {@code scratch} is a reusable number object.
     */
    int valid(byte[] d, int n, boolean international, PhoneNumber scratch, int[] groups, int count) {
        return international ? validInternational(d, n, scratch, groups, count)
                : validNational(d, n, scratch, groups, count);
    }

    private int validInternational(byte[] d, int n, PhoneNumber number, int[] groups, int count) {
        int cc = 0;
        for (int len = 1; len <= 3 && len < n; len++) {
            cc = cc * 10 + d[len - 1];
            if (!CALLING_CODE[cc]) {
                continue;
            }
            Nsn nsn = new Nsn(d, len, n - len);
            if (nsn.length() < 2 || nsn.length() > 17) {
                return -1;
            }
            boolean valid = mainPlan(cc).valid(nsn);
            if (!valid && SHARED_CODE[cc]) {
                national(number, cc, d, len, n - len);
                valid = UTIL.isValidNumber(number); // another region of the code (Jersey for +44)
            }
            return valid && grouped(cc, nsn, number, d, len, groups, count) ? len : -1;
        }
        return -1;
    }

    private static Plan mainPlan(int cc) {
        return MAIN_PLANS.computeIfAbsent(cc, code -> {
            String region = MAIN_REGION[code];
            PhoneMetadata metadata = PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
                    ? METADATA.getMetadataForNonGeographicalRegion(code) : METADATA.getMetadataForRegion(region);
            return Plan.of(metadata, code);
        });
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
            if (off >= 0 && shapedLike(plans[i].countryCode, n - off, breaks(groups, count, off))) {
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
        Plan plan = plans[i];
        Nsn nsn = new Nsn(d, off, n - off);
        if (nsn.length() < 2 || nsn.length() > 17 || !plan.valid(nsn)) {
            return false;
        }
        if (off == 0 && trunk[i] != null && !nanpa[i] && !plan.mobile(nsn)) {
            return false; // without the trunk prefix a national number counts only as a mobile number (India)
        }
        return grouped(plan.countryCode, nsn, number, d, off, groups, count);
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

    /**
     * Whether the candidate's digit groups fit the way the number is written in its country: every break between
     * the candidate's groups (after the first {@code prefix} digits, the country code or trunk prefix) must also
     * be a break in libphonenumber's national or international format of the number; the candidate may join
     * groups. This is libphonenumber's "strict grouping" idea; it keeps numbers of other kinds that happen to be
     * valid somewhere (a part number 057-679-160 is a valid German number, written 05767 9160) from being
     * reported. Only candidates with two or more breaks inside the national number are checked (a single break,
     * as in "0151 23456789", is how area codes are written everywhere). A candidate grouped like one of the
     * country's example numbers of the same length passes without formatting (which costs microseconds: it tries
     * the country's format patterns one by one).
     */
    private boolean grouped(int cc, Nsn nsn, PhoneNumber number, byte[] d, int prefix, int[] groups, int count) {
        long candidate = breaks(groups, count, prefix);
        if (candidate == -1L || Long.bitCount(candidate) < 2) {
            return candidate != -1L;
        }
        if (shapedLike(cc, nsn.length(), candidate)) {
            return true;
        }
        national(number, cc, d, prefix, nsn.length());
        return fits(breaks(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.NATIONAL), nsn.length()), candidate)
                || fits(breaks(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL), nsn.length()),
                candidate);
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

    private boolean shapedLike(int cc, int nsn, long candidate) {
        long[] shapes = exampleShapes.get(cc);
        if (shapes == null || candidate == -1L) {
            return false;
        }
        for (long shape : shapes) {
            if ((int) (shape >>> 56) == nsn && (candidate & ~shape & ((1L << 56) - 1)) == 0) {
                return true;
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
     * national and international format), per country code: {@code length << 56 | breaks}.
     */
    private static Map<Integer, long[]> exampleShapes(String[] regions) {
        Map<Integer, Set<Long>> shapes = new HashMap<>();
        for (String region : regions) {
            for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
                PhoneNumber example = UTIL.getExampleNumberForType(region, type);
                if (example == null) {
                    continue;
                }
                int nsn = UTIL.getNationalSignificantNumber(example).length();
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

    /** Fills {@code number} with a country code and the national significant number {@code d[off, off + len)}. */
    private static void national(PhoneNumber number, int cc, byte[] d, int off, int len) {
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
    }

    /** A national significant number: digit values {@code d[off, off + len)} seen as ASCII digits. */
    static final class Nsn implements CharSequence {
        private final byte[] d;
        private final int off;
        private final int len;

        Nsn(byte[] d, int off, int len) {
            this.d = d;
            this.off = off;
            this.len = len;
        }

        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int index) {
            return (char) ('0' + d[off + index]);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Nsn(d, off + start, end - start);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(len);
            for (int i = 0; i < len; i++) {
                s.append(charAt(i));
            }
            return s.toString();
        }
    }

    /**
     * A region's numbering plan from libphonenumber's metadata, with the patterns compiled once: valid means the
     * general description and one type description match, as in {@code PhoneNumberUtil.getNumberType(...) !=
     * UNKNOWN}. Immutable.
     */
    static final class Plan {
        final int countryCode;
        private final Desc general;
        /** Fixed line and mobile first: most numbers are one of the two. */
        private final Desc[] types;
        /** The types libphonenumber checks before fixed line and mobile (a number of one of them is not mobile). */
        private final Desc[] special;
        private final Desc mobile;
        private final Desc fixedLine;
        private final boolean sameMobileAndFixedLine;

        private Plan(PhoneMetadata m, int countryCode) {
            this.countryCode = countryCode;
            general = Desc.of(m.getGeneralDesc());
            fixedLine = Desc.of(m.getFixedLine());
            mobile = Desc.of(m.getMobile());
            special = new Desc[] {Desc.of(m.getPremiumRate()), Desc.of(m.getTollFree()), Desc.of(m.getSharedCost()),
                Desc.of(m.getVoip()), Desc.of(m.getPersonalNumber()), Desc.of(m.getPager()), Desc.of(m.getUan()),
                Desc.of(m.getVoicemail())};
            types = new Desc[special.length + 2];
            types[0] = fixedLine;
            types[1] = mobile;
            System.arraycopy(special, 0, types, 2, special.length);
            sameMobileAndFixedLine = m.getSameMobileAndFixedLinePattern();
        }

        static Plan of(PhoneMetadata metadata, int countryCode) {
            if (metadata == null) {
                throw new IllegalArgumentException("no libphonenumber metadata for country code " + countryCode);
            }
            return new Plan(metadata, countryCode);
        }

        boolean valid(CharSequence nsn) {
            for (Desc t : types) {
                if (t.matches(nsn)) {
                    return general.matches(nsn); // the general description is checked once a type matched
                }
            }
            return false;
        }

        /** libphonenumber's type would be MOBILE or FIXED_LINE_OR_MOBILE. */
        boolean mobile(CharSequence nsn) {
            if (!general.matches(nsn)) {
                return false;
            }
            for (Desc t : special) {
                if (t.matches(nsn)) {
                    return false;
                }
            }
            return mobile.matches(nsn) || (sameMobileAndFixedLine && fixedLine.matches(nsn));
        }
    }

    /**
     * A number description: the lengths it allows (none listed: any), its pattern (none: it matches nothing), and
     * the two-digit prefixes its numbers can start with, so that most descriptions are ruled out without running
     * the regex (matching one of libphonenumber's patterns costs a matcher over a pattern of up to thousands of
     * characters). A prefix is ruled out when the pattern neither matches it nor reads past its end trying
     * ({@code hitEnd}): then no longer input starting with it can match either.
     */
    private record Desc(boolean[] lengths, Pattern pattern, boolean[] prefixes) {
        static Desc of(PhoneNumberDesc desc) {
            if (desc == null || !desc.hasNationalNumberPattern() || desc.getNationalNumberPattern().isEmpty()) {
                return new Desc(null, null, null);
            }
            boolean[] lengths = null;
            if (desc.getPossibleLengthCount() > 0) {
                lengths = new boolean[18];
                for (int len : desc.getPossibleLengthList()) {
                    if (len >= 0 && len < lengths.length) {
                        lengths[len] = true;
                    }
                }
            }
            Pattern pattern = Pattern.compile(desc.getNationalNumberPattern());
            boolean[] prefixes = new boolean[100];
            for (int p = 0; p < 100; p++) {
                java.util.regex.Matcher m = pattern.matcher(String.format("%02d", p));
                prefixes[p] = m.matches() || m.hitEnd();
            }
            return new Desc(lengths, pattern, prefixes);
        }

        boolean matches(CharSequence nsn) {
            int len = nsn.length();
            if (pattern == null || len < 2 || (lengths != null && (len >= lengths.length || !lengths[len]))
                    || !prefixes[(nsn.charAt(0) - '0') * 10 + nsn.charAt(1) - '0']) {
                return false;
            }
            return pattern.matcher(nsn).matches();
        }
    }
}
