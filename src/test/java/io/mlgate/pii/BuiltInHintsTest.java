package io.mlgate.pii;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Field-name hints and context words. */
class BuiltInHintsTest {

    static boolean hints(String field, int type) {
        return (BuiltInHints.compute(field) & (1 << type)) != 0;
    }

    @Test
    void fieldNamesAreComparedCaseAndSeparatorInsensitively() {
        for (String f : new String[] {"dob", "DOB", "dateOfBirth", "date_of_birth", "DATE-OF-BIRTH", "birthdate",
            "BirthDate", "patient.dob"}) {
            assertThat(hints(f, BuiltInPass.DOB)).as(f).isTrue();
        }
        for (String f : new String[] {"ssn", "SSN", "social_security_number", "SocialSecurityNo", "applicant_ssn"}) {
            assertThat(hints(f, BuiltInPass.SSN)).as(f).isTrue();
        }
        for (String f : new String[] {"email", "e_mail", "contactEmail", "mail", "user.email"}) {
            assertThat(hints(f, BuiltInPass.EMAIL)).as(f).isTrue();
        }
        for (String f : new String[] {"phone", "mobile", "tel", "phoneNumber", "contact_phone", "fax"}) {
            assertThat(hints(f, BuiltInPass.PHONE)).as(f).isTrue();
        }
        for (String f : new String[] {"ip", "client_ip", "sourceIp", "ip_address", "IPv6"}) {
            assertThat(hints(f, BuiltInPass.IP)).as(f).isTrue();
        }
        assertThat(hints("cc_number", BuiltInPass.CARD)).isTrue();
        assertThat(hints("card", BuiltInPass.CARD)).isTrue();
        assertThat(hints("iban", BuiltInPass.IBAN)).isTrue();
        assertThat(hints("itin", BuiltInPass.ITIN)).isTrue();
        assertThat(hints("aws_secret_access_key", BuiltInPass.SECRET_KEY)).isTrue();
        assertThat(hints("id_token", BuiltInPass.JWT)).isTrue();
    }

    @Test
    void shortHintsMustBeWholeWords() {
        assertThat(hints("classname", BuiltInPass.SSN)).isFalse(); // contains "ssn"
        assertThat(hints("zip", BuiltInPass.IP)).isFalse();
        assertThat(hints("skipped", BuiltInPass.IP)).isFalse();
        assertThat(hints("hotel", BuiltInPass.PHONE)).isFalse();
        assertThat(hints("discard", BuiltInPass.CARD)).isFalse();
        assertThat(hints("martin", BuiltInPass.ITIN)).isFalse();
        assertThat(hints("company", BuiltInPass.CARD)).isFalse();
        assertThat(hints("comment", 0)).isFalse();
        assertThat(BuiltInHints.of(null)).isZero();
        assertThat(BuiltInHints.of("")).isZero();
    }

    @Test
    void contextWordsAreFoundInTheWindowBeforeACandidate() {
        assertThat(before(BuiltInHints.DOB, "Date of Birth: ")).isTrue();
        assertThat(before(BuiltInHints.DOB, "born on ")).isTrue();
        assertThat(before(BuiltInHints.DOB, "unborn ")).isFalse(); // "born" must start a word
        assertThat(before(BuiltInHints.DOB, "Jean, né le ")).isTrue();
        assertThat(before(BuiltInHints.ITIN, "TIN: ")).isTrue();
        assertThat(before(BuiltInHints.ITIN, "tiny ")).isFalse(); // "tin" must be a whole word
        assertThat(before(BuiltInHints.SECRET, "AWS_SECRET_ACCESS_KEY=")).isTrue();
        assertThat(before(BuiltInHints.SSN, "SSN " + "x".repeat(40))).isFalse(); // outside the 40-byte window
    }

    static boolean before(BuiltInHints.Context context, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return context.before(b, 0, b.length);
    }
}
