package io.mlgate.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BuiltInPhones.Plan} decides validity from libphonenumber's metadata as
 * {@code PhoneNumberUtil.isValidNumberForRegion} does (and "mobile" as {@code getNumberType}): compared on valid
 * numbers (libphonenumber's examples with their last digits changed) and random ones, for many regions.
 */
class BuiltInPhonesTest {

    static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    static final List<String> REGIONS = List.of("US", "CA", "GB", "DE", "FR", "IN", "AU", "IT", "JP", "BR", "MX",
            "CN", "RU", "ES", "NL", "CH", "SE", "ZA", "NG", "KR", "AR", "SG", "IE", "JE", "PL");

    @Test
    void planDecidesLikeIsValidNumberForRegion() {
        Random random = new Random(8);
        int valid = 0;
        int compared = 0;
        for (String region : REGIONS) {
            int cc = UTIL.getCountryCodeForRegion(region);
            BuiltInPhones.Plan plan = BuiltInPhones.Plan.of(DefaultMetadataDependenciesProvider.getInstance()
                    .getPhoneNumberMetadataSource().getMetadataForRegion(region), cc);
            for (PhoneNumberType type : PhoneNumberType.values()) {
                PhoneNumber example = UTIL.getExampleNumberForType(region, type);
                if (example == null) {
                    continue;
                }
                String nsn = UTIL.getNationalSignificantNumber(example);
                for (int i = 0; i < 60; i++) {
                    int keep = Math.max(1, nsn.length() - 1 - random.nextInt(Math.min(5, nsn.length())));
                    StringBuilder s = new StringBuilder(nsn.substring(0, keep));
                    int length = nsn.length() + (i % 10 == 0 ? random.nextInt(3) - 1 : 0);
                    while (s.length() < length) {
                        s.append((char) ('0' + random.nextInt(10)));
                    }
                    valid += compare(region, cc, plan, s.toString()) ? 1 : 0;
                    compared++;
                }
            }
            for (int i = 0; i < 300; i++) {
                StringBuilder s = new StringBuilder();
                int length = 4 + random.nextInt(12);
                while (s.length() < length) {
                    s.append((char) ('0' + random.nextInt(10)));
                }
                valid += compare(region, cc, plan, s.toString()) ? 1 : 0;
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(10_000);
        assertThat(valid).as("the comparison covers valid numbers too").isGreaterThan(compared / 4);
    }

    private static boolean compare(String region, int cc, BuiltInPhones.Plan plan, String nsn) {
        PhoneNumber number = new PhoneNumber().setCountryCode(cc).setNationalNumber(Long.parseLong(nsn));
        int zeros = 0;
        while (zeros < nsn.length() - 1 && nsn.charAt(zeros) == '0') {
            zeros++;
        }
        if (zeros > 0) {
            number.setItalianLeadingZero(true);
            if (zeros > 1) {
                number.setNumberOfLeadingZeros(zeros);
            }
        }
        boolean expected = UTIL.isValidNumberForRegion(number, region);
        assertThat(plan.valid(nsn)).as(region + " " + nsn).isEqualTo(expected);
        if (expected) {
            PhoneNumberType type = UTIL.getNumberType(number);
            boolean mobile = type == PhoneNumberType.MOBILE || type == PhoneNumberType.FIXED_LINE_OR_MOBILE;
            assertThat(plan.mobile(nsn)).as(region + " " + nsn + " mobile").isEqualTo(mobile);
        }
        return expected;
    }
}
