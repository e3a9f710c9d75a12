package io.mlgate.pii;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The validity rules the detectors apply to their candidates. */
class BuiltInChecksTest {

    static byte[] digits(String s) {
        byte[] d = new byte[s.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (s.charAt(i) - '0');
        }
        return d;
    }

    static boolean card(String s) {
        return BuiltInChecks.card(digits(s), s.length());
    }

    @Test
    void luhn() {
        assertThat(BuiltInChecks.luhn(digits("79927398713"), 11)).isTrue();
        assertThat(BuiltInChecks.luhn(digits("79927398710"), 11)).isFalse();
        assertThat(BuiltInChecks.luhn(digits("0000000000000000"), 16)).isTrue();
    }

    static boolean issuer(String s) {
        return BuiltInChecks.cardIssuer(digits(s), s.length());
    }

    @Test
    void issuerRangesAndLengths() {
        assertThat(issuer("4111111111111111")).isTrue();
        assertThat(issuer("4222222222222")).isTrue(); // Visa, 13 digits
        assertThat(issuer("4111111111111111110")).isTrue(); // Visa, 19 digits
        assertThat(issuer("411111111111111")).isFalse(); // Visa, 15 digits
        assertThat(issuer("5105105105105100")).isTrue(); // Mastercard 51
        assertThat(issuer("5605105105105100")).isFalse(); // 56: no Mastercard
        assertThat(issuer("2221000000000000")).isTrue(); // Mastercard 2221
        assertThat(issuer("2720000000000000")).isTrue(); // Mastercard 2720
        assertThat(issuer("2721000000000000")).isFalse(); // above 2720
        assertThat(issuer("378282246310005")).isTrue(); // Amex 15
        assertThat(issuer("3782822463100050")).isFalse(); // Amex, 16 digits
        assertThat(issuer("6011000990139424")).isTrue(); // Discover 6011
        assertThat(issuer("6440000000000000")).isTrue(); // Discover 644
        assertThat(issuer("6430000000000000")).isFalse(); // 643 is no Discover range
        assertThat(issuer("6500000000000000000")).isTrue(); // Discover 65, 19 digits
        assertThat(issuer("3528000000000000")).isTrue(); // JCB
        assertThat(issuer("3589000000000000")).isTrue(); // JCB
        assertThat(issuer("3527000000000000")).isFalse(); // below 3528
        assertThat(issuer("30569309025904")).isTrue(); // Diners 305, 14 digits
        assertThat(issuer("30669309025903")).isFalse(); // 306
        assertThat(issuer("36000000000000")).isTrue(); // Diners 36
        assertThat(issuer("6200000000000000000")).isTrue(); // UnionPay 19
        assertThat(issuer("6759649826438453")).isTrue(); // Maestro
        assertThat(issuer("2200000000000000")).isTrue(); // Mir
        assertThat(issuer("0000000000000000")).isFalse(); // no issuer
        assertThat(issuer("123456789012")).isFalse(); // 12 digits
        assertThat(issuer("41111111111111111111")).isFalse(); // 20 digits
    }

    @Test
    void aCardNeedsBothLuhnAndAnIssuer() {
        assertThat(card("4111111111111111")).isTrue();
        assertThat(card("4111111111111112")).isFalse(); // Luhn
        assertThat(card("0000000000000000")).isFalse(); // Luhn-valid, no issuer
    }

    @Test
    void ssnRules() {
        assertThat(BuiltInChecks.ssn(digits("123456789"))).isTrue();
        assertThat(BuiltInChecks.ssn(digits("001010001"))).isTrue();
        assertThat(BuiltInChecks.ssn(digits("899999999"))).isTrue();
        assertThat(BuiltInChecks.ssn(digits("000123456"))).isFalse();
        assertThat(BuiltInChecks.ssn(digits("666123456"))).isFalse();
        assertThat(BuiltInChecks.ssn(digits("900123456"))).isFalse();
        assertThat(BuiltInChecks.ssn(digits("123001234"))).isFalse();
        assertThat(BuiltInChecks.ssn(digits("123450000"))).isFalse();
        assertThat(BuiltInChecks.ssn(digits("078051120"))).isFalse();
        assertThat(BuiltInChecks.ssn(digits("219099999"))).isFalse();
        assertThat(BuiltInChecks.ssn(digits("078051121"))).isTrue();
    }

    @Test
    void itinGroups() {
        int[] valid = {50, 65, 70, 88, 90, 92, 94, 99};
        int[] invalid = {0, 49, 66, 69, 89, 93};
        for (int g : valid) {
            assertThat(BuiltInChecks.itin(digits(String.format("912%02d3456", g)))).as("group " + g).isTrue();
        }
        for (int g : invalid) {
            assertThat(BuiltInChecks.itin(digits(String.format("912%02d3456", g)))).as("group " + g).isFalse();
        }
        assertThat(BuiltInChecks.itin(digits("812703456"))).isFalse();
    }

    @Test
    void ibanRegistry() {
        assertThat(BuiltInChecks.ibanCountries()).isEqualTo(89);
        assertThat(BuiltInChecks.ibanLength('D', 'E')).isEqualTo(22);
        assertThat(BuiltInChecks.ibanLength('N', 'O')).isEqualTo(15);
        assertThat(BuiltInChecks.ibanLength('R', 'U')).isEqualTo(33);
        assertThat(BuiltInChecks.ibanLength('U', 'S')).isZero();
        assertThat(BuiltInChecks.ibanLength('d', 'e')).isZero();
        assertThat(mod97("GB82WEST12345698765432")).isTrue();
        assertThat(mod97("GB82 WEST 1234 5698 7654 32")).isTrue();
        assertThat(mod97("GB83WEST12345698765432")).isFalse();
        assertThat(mod97("GB82WEST12345698765423")).isFalse();
        assertThat(mod97("GB82WEST1234569876543!")).isFalse();
    }

    static boolean mod97(String iban) {
        byte[] b = iban.getBytes(StandardCharsets.US_ASCII);
        return BuiltInChecks.ibanMod97(b, 0, b.length);
    }

    @Test
    void birthDates() {
        assertThat(BuiltInChecks.calendarDate(2000, 2, 29)).isTrue();
        assertThat(BuiltInChecks.calendarDate(1900, 2, 29)).isFalse();
        assertThat(BuiltInChecks.calendarDate(1985, 4, 31)).isFalse();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(BuiltInChecks.birthDate(today.getYear(), today.getMonthValue(), today.getDayOfMonth())).isTrue();
        LocalDate tomorrow = today.plusDays(1);
        assertThat(BuiltInChecks.birthDate(tomorrow.getYear(), tomorrow.getMonthValue(), tomorrow.getDayOfMonth()))
                .isFalse();
        LocalDate oldest = today.minusYears(130);
        assertThat(BuiltInChecks.birthDate(oldest.getYear(), oldest.getMonthValue(), oldest.getDayOfMonth())).isTrue();
        LocalDate older = oldest.minusDays(1);
        assertThat(BuiltInChecks.birthDate(older.getYear(), older.getMonthValue(), older.getDayOfMonth())).isFalse();
        int yy = today.getYear() % 100;
        assertThat(BuiltInChecks.fullYear(yy)).isEqualTo(today.getYear());
        assertThat(BuiltInChecks.fullYear((yy + 1) % 100)).isEqualTo(today.getYear() - 99);
    }

    @Test
    void monthNames() {
        assertThat(month("March")).isEqualTo(3);
        assertThat(month("mar")).isEqualTo(3);
        assertThat(month("MAY")).isEqualTo(5);
        assertThat(month("Sept")).isEqualTo(9);
        assertThat(month("july")).isEqualTo(7);
        assertThat(month("Jun")).isEqualTo(6);
        assertThat(month("Marc")).isZero();
        assertThat(month("Mayday")).isZero();
        assertThat(month("the")).isZero();
        assertThat(month("Decembers")).isZero();
    }

    static int month(String word) {
        byte[] b = word.getBytes(StandardCharsets.US_ASCII);
        return BuiltInChecks.month(b, 0, b.length);
    }

    @Test
    void entropy() {
        int[] counts = new int[128];
        byte[] same = "a".repeat(40).getBytes(StandardCharsets.US_ASCII);
        assertThat(BuiltInChecks.entropy40(same, 0, counts)).isZero();
        byte[] distinct = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn".getBytes(StandardCharsets.US_ASCII);
        assertThat(BuiltInChecks.entropy40(distinct, 0, counts)).isCloseTo(Math.log(40) / Math.log(2),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(counts).containsOnly(0);
    }
}
