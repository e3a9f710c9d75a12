package io.mlgate.pii;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The built-in detectors, type by type: what each finds (with its exact span) and the look-alikes it must not
 * report (checksum failures, invalid ranges, near misses, versions, digests, UUIDs, timestamps, order numbers).
 */
class BuiltInDetectorsTest {

    static final BuiltInDetectors DEFAULT = BuiltInDetectors.compile(DetectorSettings.defaults());

    record Hit(PiiType type, double confidence, int start, int end, String value) {
        @Override
        public String toString() {
            return type + ":" + value;
        }
    }

    static List<Hit> scan(BuiltInDetectors detectors, String text, String field) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Hit> hits = new ArrayList<>();
        detectors.scan(bytes, 0, bytes.length, field, (type, confidence, start, end) -> hits.add(
                new Hit(type, confidence, start, end, new String(bytes, start, end - start, StandardCharsets.UTF_8))),
                Long.MAX_VALUE);
        return hits;
    }

    /** The findings of confidence 0.5 or more (the default minimum), as "TYPE:value". */
    static List<String> find(String text) {
        return find(text, null);
    }

    static List<String> find(String text, String field) {
        return scan(DEFAULT, text, field).stream().filter(h -> h.confidence >= 0.5).map(Hit::toString).toList();
    }

    static double confidence(String text, String field) {
        List<Hit> hits = scan(DEFAULT, text, field);
        assertThat(hits).hasSize(1);
        return hits.get(0).confidence;
    }

    @Nested
    class Email {
        @Test
        void findsAddressesWithTheirExactSpan() {
            assertThat(find("Contact jane.doe@example.com today")).containsExactly("EMAIL:jane.doe@example.com");
            assertThat(find("<jane+news@mail.example.co.uk>.")).containsExactly("EMAIL:jane+news@mail.example.co.uk");
            assertThat(find("mailto:J.Smith_99@Example.COM, thanks")).containsExactly("EMAIL:J.Smith_99@Example.COM");
            assertThat(find("x@xn--bcher-kva.xn--p1ai")).containsExactly("EMAIL:x@xn--bcher-kva.xn--p1ai");
            assertThat(find("reply-to=ops-team@corp.example.de.")).containsExactly("EMAIL:ops-team@corp.example.de");
        }

        @Test
        void ignoresWhatIsNotAnAddress() {
            assertThat(find("ping @janedoe and @Override")).isEmpty();
            assertThat(find("ssh root@localhost or admin@server1")).isEmpty();
            assertThat(find("jane@example.c")).isEmpty();
            assertThat(find("logo@2x.png icon@3x.JPG")).isEmpty();
            assertThat(find("john..doe@example.com")).isEmpty();
            assertThat(find("john.@example.com")).isEmpty();
            assertThat(find("john@-example.com")).isEmpty();
            assertThat(find("john @ example.com")).isEmpty();
            assertThat(find("a".repeat(65) + "@example.com")).isEmpty();
            assertThat(find("john@" + "a".repeat(64) + ".com")).isEmpty();
        }

        @Test
        void boundsTheWholeAddressTo254Bytes() {
            String domain = ("a".repeat(60) + ".").repeat(4) + "com"; // 247 bytes
            assertThat(find("jo@" + domain)).hasSize(1);
            assertThat(find("john.smith@" + domain)).isEmpty();
        }
    }

    @Nested
    class Phone {
        @Test
        void findsNumbersOfTheConfiguredRegionsInTheirUsualFormats() {
            assertThat(find("Call (212) 555-0123 now")).containsExactly("PHONE_NUMBER:(212) 555-0123");
            assertThat(find("tel 212.555.0199.")).containsExactly("PHONE_NUMBER:212.555.0199");
            assertThat(find("UK 020 7946 0958, mobile 07911 123456")).containsExactly("PHONE_NUMBER:020 7946 0958",
                    "PHONE_NUMBER:07911 123456");
            assertThat(find("Berlin 030 12345678 or 030/1234567")).containsExactly("PHONE_NUMBER:030 12345678",
                    "PHONE_NUMBER:030/1234567");
            assertThat(find("Paris 01 23 45 67 89 ou 06.12.34.56.78")).containsExactly(
                    "PHONE_NUMBER:01 23 45 67 89", "PHONE_NUMBER:06.12.34.56.78");
            assertThat(find("Sydney (02) 9876 5432, 0412 345 678")).containsExactly("PHONE_NUMBER:(02) 9876 5432",
                    "PHONE_NUMBER:0412 345 678");
            assertThat(find("mobile 98765 43210")).containsExactly("PHONE_NUMBER:98765 43210");
        }

        @Test
        void findsInternationalNumbersOfAnyRegion() {
            assertThat(find("+44 20 7946 0958")).containsExactly("PHONE_NUMBER:+44 20 7946 0958");
            assertThat(find("ring +1 (212) 555-0123 or +49 (0)30 1234567"))
                    .containsExactly("PHONE_NUMBER:+1 (212) 555-0123", "PHONE_NUMBER:+49 (0)30 1234567");
            assertThat(find("Tokyo +81 3-1234-5678")).containsExactly("PHONE_NUMBER:+81 3-1234-5678");
            assertThat(find("0044 20 7946 0958")).containsExactly("PHONE_NUMBER:0044 20 7946 0958");
            assertThat(find("+14155550123")).containsExactly("PHONE_NUMBER:+14155550123");
        }

        @Test
        void bareDigitsNeedAContextWordOrAFieldHint() {
            assertThat(find("Invoice 2125550123 paid")).isEmpty();
            assertThat(find("phone: 2125550123")).containsExactly("PHONE_NUMBER:2125550123");
            assertThat(find("02079460958", "mobile")).containsExactly("PHONE_NUMBER:02079460958");
            assertThat(find("02079460958", "order_id")).isEmpty();
        }

        @Test
        void refusesNumbersThatNoConfiguredPlanAllows() {
            assertThat(find("phone 123-456-7890")).isEmpty(); // no US area code starts with 1
            assertThat(find("call 555-0123")).isEmpty(); // seven digits: no area code
            assertThat(find("+1 123 456 7890")).isEmpty();
            assertThat(find("tel +44 20 7946")).isEmpty();
            assertThat(find("+999 1234 5678")).isEmpty();
            assertThat(find("ISBN 978-3-16-148410-0")).isEmpty();
            assertThat(find("epoch 1710238530")).isEmpty();
            assertThat(find("at 2024-03-12 10:15:30")).isEmpty();
            assertThat(find("order #212-555-0123")).isEmpty();
            assertThat(find("ratio 3.14159265358")).isEmpty();
        }

        @Test
        void aNumberMustBeGroupedAsItsCountryWritesIt() {
            // 057679160 is a valid German number, written 05767 9160; "057-679-160" is a part number
            assertThat(find("call 05767 9160")).containsExactly("PHONE_NUMBER:05767 9160");
            assertThat(find("part 057-679-160")).isEmpty();
        }

        @Test
        void aNationalNumberNeedsItsTrunkPrefix() {
            // 612345678 is a French mobile number only as 06 12 34 56 78
            assertThat(find("mobile 06 12 34 56 78")).containsExactly("PHONE_NUMBER:06 12 34 56 78");
            assertThat(find("ref 612 345 678")).isEmpty();
        }

        @Test
        void aSpanThatIsAValidDateSsnCardIbanOrAddressIsNotAPhoneNumber() {
            assertThat(find("call 0203 1985")).containsExactly("PHONE_NUMBER:0203 1985"); // Duisburg
            assertThat(find("on 02.03.1985 we met")).isEmpty(); // the same digits as a date
            assertThat(find("SSN 078-05-1120")).isEmpty(); // an SSN, voided: still not a phone number
            assertThat(find("IBAN DE88 3704 0044 0532 0130 00")).isEmpty(); // wrong check digits
        }

        @Test
        void otherNumbersNextToANumberAreLeftOut() {
            assertThat(find("call 212 269 0762 42 times")).containsExactly("PHONE_NUMBER:212 269 0762");
            assertThat(find("in 2024 (713) 880 7483 answered")).containsExactly("PHONE_NUMBER:(713) 880 7483");
        }

        @Test
        void aZipPlus4CodeIsNotAGermanNumber() {
            assertThat(find("tel 09199-1885")).containsExactly("PHONE_NUMBER:09199-1885");
            assertThat(find("zip 09199-1885")).isEmpty();
        }

        @Test
        void onlyTheConfiguredRegionsCount() {
            BuiltInDetectors usOnly = BuiltInDetectors.compile(new DetectorSettings(Set.copyOf(PiiType.BUILT_IN),
                    List.of("US"), 0.5, List.of(), 64));
            assertThat(scan(usOnly, "call 020 7946 0958", null)).isEmpty();
            assertThat(scan(usOnly, "call +44 20 7946 0958", null)).extracting(Hit::toString)
                    .containsExactly("PHONE_NUMBER:+44 20 7946 0958");
        }

        @Test
        void anUnknownRegionIsAConfigurationError() {
            assertThatThrownBy(() -> BuiltInDetectors.compile(new DetectorSettings(Set.copyOf(PiiType.BUILT_IN),
                    List.of("US", "XX"), 0.5, List.of(), 64))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("XX");
        }
    }

    @Nested
    class CreditCard {
        @Test
        void findsLuhnValidNumbersOfKnownIssuers() {
            assertThat(find("card 4111 1111 1111 1111 exp 12/27")).containsExactly("CREDIT_CARD:4111 1111 1111 1111");
            assertThat(find("card 4111-1111-1111-1111.")).containsExactly("CREDIT_CARD:4111-1111-1111-1111");
            assertThat(find("visa 4012888888881881")).containsExactly("CREDIT_CARD:4012888888881881");
            assertThat(find("amex 3782 822463 10005")).containsExactly("CREDIT_CARD:3782 822463 10005");
            assertThat(find("mc 5555555555554444 and 2223003122003222")).containsExactly(
                    "CREDIT_CARD:5555555555554444", "CREDIT_CARD:2223003122003222");
            assertThat(find("discover 6011 1111 1111 1117, jcb 3530111333300000")).containsExactly(
                    "CREDIT_CARD:6011 1111 1111 1117", "CREDIT_CARD:3530111333300000");
            assertThat(find("diners 3056 930902 5904")).containsExactly("CREDIT_CARD:3056 930902 5904");
            assertThat(find("unionpay 6200 0000 0000 0000 000")).containsExactly(
                    "CREDIT_CARD:6200 0000 0000 0000 000");
        }

        @Test
        void refusesChecksumFailuresAndUnknownIssuers() {
            assertThat(find("card 4111 1111 1111 1112")).isEmpty(); // Luhn
            assertThat(find("card 1234 5678 9012 3452")).isEmpty(); // Luhn-valid, no issuer starts with 1
            assertThat(find("card 3782 8224 6310 0052")).isEmpty(); // Amex prefix, 16 digits
            assertThat(find("card 411111111111116")).isEmpty(); // Visa has no 15-digit numbers
            assertThat(find("IMEI 352099001761481")).isEmpty(); // Luhn-valid, 15 digits, "35"
            assertThat(find("account 4111 1111 1111 1111 1113")).isEmpty(); // five groups: a longer number
            assertThat(find("uuid 4111-1111-1111-1111-111111111111")).isEmpty();
            assertThat(find("tracking 1Z999AA10123456784")).isEmpty();
        }

        @Test
        void aFieldHintRaisesConfidence() {
            assertThat(confidence("4111111111111111", "cc_number")).isGreaterThan(confidence("4111111111111111",
                    "comment"));
        }
    }

    @Nested
    class Ssn {
        @Test
        void findsTheSsnFormats() {
            assertThat(find("SSN 123-45-6789.")).containsExactly("US_SSN:123-45-6789");
            assertThat(find("applicant 536 90 4399 on file")).containsExactly("US_SSN:536 90 4399");
            assertThat(find("SSN: 536904399")).containsExactly("US_SSN:536904399");
            assertThat(find("536904399", "social_security_number")).containsExactly("US_SSN:536904399");
        }

        @Test
        void bareNineDigitsNeedContext() {
            assertThat(find("ref 536904399")).isEmpty();
            assertThat(find("536904399", "order_id")).isEmpty();
        }

        @Test
        void appliesTheSsaValidityRules() {
            assertThat(find("SSN 000-12-3456")).isEmpty();
            assertThat(find("SSN 666-12-3456")).isEmpty();
            assertThat(find("SSN 900-12-3456")).isEmpty(); // 9xx: no ITIN group either
            assertThat(find("SSN 123-00-4567")).isEmpty();
            assertThat(find("SSN 123-45-0000")).isEmpty();
            assertThat(find("SSN 078-05-1120 or 219-09-9999")).isEmpty();
            assertThat(find("part 123-456-789")).isEmpty();
        }

        @Test
        void contextRaisesConfidence() {
            assertThat(confidence("SSN 123-45-6789", null)).isGreaterThan(confidence("id 123-45-6789", null));
        }

        @Test
        void aContextWordBelongsToTheNextNumberOnly() {
            assertThat(find("SSN 000-12-3456 ref 536904399")).isEmpty();
        }
    }

    @Nested
    class Itin {
        @Test
        void findsNumbersInTheIrsRanges() {
            assertThat(find("ITIN 912-70-1234")).containsExactly("US_ITIN:912-70-1234");
            assertThat(find("filer 999 94 1234")).containsExactly("US_ITIN:999 94 1234");
            assertThat(find("ITIN: 912501234")).containsExactly("US_ITIN:912501234");
            assertThat(find("912881234", "itin")).containsExactly("US_ITIN:912881234");
        }

        @Test
        void refusesGroupsOutsideTheRanges() {
            for (String group : List.of("49", "66", "69", "89", "93")) {
                assertThat(find("ITIN 912-" + group + "-1234")).as(group).isEmpty();
            }
            assertThat(find("ref 912501234")).isEmpty();
        }
    }

    @Nested
    class Iban {
        @Test
        void findsValidIbansCompactAndPrinted() {
            assertThat(find("IBAN DE89 3704 0044 0532 0130 00.")).containsExactly("IBAN:DE89 3704 0044 0532 0130 00");
            assertThat(find("to GB82WEST12345698765432,")).containsExactly("IBAN:GB82WEST12345698765432");
            assertThat(find("NL91ABNA0417164300")).containsExactly("IBAN:NL91ABNA0417164300");
            assertThat(find("FR14 2004 1010 0505 0001 3M02 606")).containsExactly(
                    "IBAN:FR14 2004 1010 0505 0001 3M02 606");
            assertThat(find("NO9386011117947 and LC55HEMM000100010012001200023015")).containsExactly(
                    "IBAN:NO9386011117947", "IBAN:LC55HEMM000100010012001200023015");
        }

        @Test
        void refusesWrongCheckDigitsLengthsAndCountries() {
            assertThat(find("DE88 3704 0044 0532 0130 00")).isEmpty();
            assertThat(find("DE89370400440532013000".replace("0532", "0523"))).isEmpty();
            assertThat(find("DE8937040044053201300")).isEmpty(); // 21 characters
            assertThat(find("XY89 3704 0044 0532 0130 00")).isEmpty();
            assertThat(find("US64SVBKUS6S3300958879")).isEmpty(); // no IBAN in the US
            assertThat(find("de89370400440532013000")).isEmpty(); // lower case is not read as an IBAN
        }

        @Test
        void theCheckDigitsComeFromTheChecksum() {
            // "00", "01" and "99" never result from the ISO 7064 computation
            String valid = "GB82WEST12345698765432";
            for (String check : List.of("00", "01", "99")) {
                assertThat(find("GB" + check + valid.substring(4))).isEmpty();
            }
        }
    }

    @Nested
    class IpAddress {
        @Test
        void findsIpv4AddressesWithPortOrPrefix() {
            assertThat(find("client 192.168.1.10:8080 and 10.0.0.0/8.")).containsExactly(
                    "IP_ADDRESS:192.168.1.10", "IP_ADDRESS:10.0.0.0");
            assertThat(find("http://203.0.113.7/api")).containsExactly("IP_ADDRESS:203.0.113.7");
        }

        @Test
        void findsIpv6AddressesInEveryForm() {
            assertThat(find("2001:0db8:85a3:0000:0000:8a2e:0370:7334")).containsExactly(
                    "IP_ADDRESS:2001:0db8:85a3:0000:0000:8a2e:0370:7334");
            assertThat(find("peer 2001:db8::1.")).containsExactly("IP_ADDRESS:2001:db8::1");
            assertThat(find("[2001:db8::ff00:42:8329]:443")).containsExactly("IP_ADDRESS:2001:db8::ff00:42:8329");
            assertThat(find("fe80::1%eth0 and FE80::A")).containsExactly("IP_ADDRESS:fe80::1", "IP_ADDRESS:FE80::A");
            assertThat(find("mapped ::ffff:192.0.2.128")).containsExactly("IP_ADDRESS:::ffff:192.0.2.128");
            assertThat(find("prefix 2001:db8:: only")).containsExactly("IP_ADDRESS:2001:db8::");
        }

        @Test
        void loopbackAndUnspecifiedAddressesCount() {
            assertThat(find("::1 127.0.0.1 0.0.0.0")).containsExactly("IP_ADDRESS:::1", "IP_ADDRESS:127.0.0.1",
                    "IP_ADDRESS:0.0.0.0");
        }

        @Test
        void refusesVersionsOutOfRangeOctetsAndOtherColonForms() {
            assertThat(find("version 1.2.3.4.5")).isEmpty();
            assertThat(find("build v1.2.3.4")).isEmpty();
            assertThat(find("release 10.0.0.1")).isEmpty();
            assertThat(find("256.1.1.1 and 1.2.3")).isEmpty();
            assertThat(find("01.02.03.04")).isEmpty();
            assertThat(find("oid 1.3.6.1.4.1.343")).isEmpty();
            assertThat(find("mac 00:1A:2B:3C:4D:5E")).isEmpty();
            assertThat(find("eui 00:1a:2b:ff:fe:3c:4d:5e")).isEmpty();
            assertThat(find("at 10:15:30, std::vector, a :: b")).isEmpty();
            assertThat(find("1:2:3:4:5:6:7:8:9 2001:db8::1::2 12345::1")).isEmpty();
            assertThat(find("uuid 550e8400-e29b-41d4-a716-446655440000")).isEmpty();
            assertThat(find("ts 2024-03-12T10:15:30Z")).isEmpty();
        }
    }

    @Nested
    class DateOfBirth {
        @Test
        void findsDatesAfterAContextWord() {
            assertThat(find("born 12/03/1985")).containsExactly("DATE_OF_BIRTH:12/03/1985");
            assertThat(find("DOB: 1985-03-12.")).containsExactly("DATE_OF_BIRTH:1985-03-12");
            assertThat(find("Date of birth 03/27/1961")).containsExactly("DATE_OF_BIRTH:03/27/1961");
            assertThat(find("geb. 12.03.1985 in Köln")).containsExactly("DATE_OF_BIRTH:12.03.1985");
            assertThat(find("née le 12 March 1985")).containsExactly("DATE_OF_BIRTH:12 March 1985");
            assertThat(find("birthday: March 12, 1985")).containsExactly("DATE_OF_BIRTH:March 12, 1985");
            assertThat(find("born on the 1st Sep 1950")).containsExactly("DATE_OF_BIRTH:1st Sep 1950");
            assertThat(find("d.o.b 12/03/85")).containsExactly("DATE_OF_BIRTH:12/03/85");
        }

        @Test
        void aFieldHintStandsForTheContextWord() {
            assertThat(find("1985-03-12", "dateOfBirth")).containsExactly("DATE_OF_BIRTH:1985-03-12");
            assertThat(find("1985-03-12", "birth_date")).containsExactly("DATE_OF_BIRTH:1985-03-12");
            assertThat(find("1985-03-12", "created_at")).isEmpty();
        }

        @Test
        void refusesDatesWithoutContextAndInvalidDates() {
            assertThat(find("meeting on 1985-03-12")).isEmpty();
            assertThat(find("born 31/02/1985")).isEmpty();
            assertThat(find("DOB 1985-13-01")).isEmpty();
            assertThat(find("born 2999-01-01")).isEmpty();
            assertThat(find("born 1850-01-01")).isEmpty();
            assertThat(find("born 32 June 1950")).isEmpty();
            assertThat(find("DOB 1985-02-29")).isEmpty(); // not a leap year
            assertThat(find("DOB 1984-02-29")).containsExactly("DATE_OF_BIRTH:1984-02-29");
        }

        @Test
        void theContextWordIsWithin40BytesAndForTheNextDateOnly() {
            assertThat(find("born " + "x".repeat(45) + " 12/03/1985")).isEmpty();
            assertThat(find("DOB: 1976-13-12 / meeting on 26 Sep 2006")).isEmpty();
            assertThat(find("born 12/03/1985, meeting 2024-03-12")).containsExactly("DATE_OF_BIRTH:12/03/1985");
        }
    }

    @Nested
    class AwsKeys {
        @Test
        void findsAccessKeyIdsOfEveryPrefix() {
            for (String prefix : List.of("AKIA", "ASIA", "AROA", "AIDA", "ANPA", "ANVA", "AGPA", "AIPA")) {
                String key = prefix + "IOSFODNN7EXAMPLE";
                assertThat(find("aws_access_key_id = " + key)).containsExactly("AWS_ACCESS_KEY:" + key);
            }
        }

        @Test
        void refusesOtherPrefixesLengthsAndAlphabets() {
            assertThat(find("AKIBIOSFODNN7EXAMPLE")).isEmpty();
            assertThat(find("AKIAIOSFODNN7EXAMPL AKIAIOSFODNN7EXAMPLEQ")).isEmpty();
            assertThat(find("AKIAIOSFODNN0EXAMPLE AKIAIOSFODNN8EXAMPLE")).isEmpty(); // 0, 1, 8, 9 are not base32
            assertThat(find("akiaiosfodnn7example XAKIAIOSFODNN7EXAMPLE")).isEmpty();
        }

        @Test
        void findsSecretKeysWithContext() {
            String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
            assertThat(find("aws_secret_access_key = " + secret)).containsExactly("AWS_SECRET_KEY:" + secret);
            assertThat(find(secret, "SecretAccessKey")).containsExactly("AWS_SECRET_KEY:" + secret);
            assertThat(confidence("secret " + secret, null)).isGreaterThanOrEqualTo(0.9);
        }

        @Test
        void withoutContextOnlyRandomLookingTokensCount() {
            String random = "Q7h2Lx9Vb/K3mN8pR+t5Wz1Yc4Fd6Gj0Hs2Ak7Ee";
            assertThat(find("value " + random + " set")).containsExactly("AWS_SECRET_KEY:" + random);
            assertThat(confidence("value " + random, null)).isLessThan(0.9);
            assertThat(find("class ServiceEndpointHandlerGatewayRequestMe14")).isEmpty();
            assertThat(find("path src/main/java/io/mlgate/gateway/Abc123")).isEmpty();
        }

        @Test
        void refusesDigestsAndOtherBase64() {
            assertThat(find("commit da39a3ee5e6b4b0d3255bfef95601890afd80709")).isEmpty();
            assertThat(find("secret sha DA39A3EE5E6B4B0D3255BFEF95601890AFD80709")).isEmpty();
            assertThat(find("secret " + "Q7h2Lx9Vb/K3mN8pR+t5Wz1Yc4Fd6Gj0Hs2Ak7E")).isEmpty(); // 39
            assertThat(find("digest Q7h2Lx9Vb/K3mN8pR+t5Wz1Yc4Fd6Gj0Hs2Ak7Ee0Q==")).isEmpty();
            assertThat(find("secret Q7h2Lx9Vb/K3mN8pR+t5Wz1Yc4Fd6Gj0Hs2Ak7Ee=")).isEmpty(); // padded base64
            String cert = "-----BEGIN CERTIFICATE-----\n" + "MIIBszCCAVmgAwIBAgIUQ7h2Lx9VbK3mN8pRt5Wz1Yc4Fd6Gj0Hs2Ak7EeAbCdEf"
                    + "\nQ7h2Lx9Vb/K3mN8pR+t5Wz1Yc4Fd6Gj0Hs2Ak7Ee\n-----END CERTIFICATE-----";
            assertThat(find(cert)).isEmpty();
        }
    }

    @Nested
    class Jwt {
        static final String HS256 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"
                + "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

        @Test
        void findsSignedTokens() {
            assertThat(find("Authorization: Bearer " + HS256)).containsExactly("JWT:" + HS256);
            assertThat(find("{\"id_token\": \"" + HS256 + "\"}")).containsExactly("JWT:" + HS256);
            assertThat(find("token=" + HS256 + ".")).containsExactly("JWT:" + HS256);
        }

        @Test
        void findsUnsignedTokensOnlyWithAlgNone() {
            String none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.";
            assertThat(find("jwt " + none)).containsExactly("JWT:" + none);
            String unsignedHs256 = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.";
            assertThat(find("jwt " + unsignedHs256)).isEmpty();
        }

        @Test
        void refusesLookAlikes() {
            String[] parts = HS256.split("\\.");
            assertThat(find(parts[0] + "." + parts[1])).isEmpty();
            assertThat(find("eyJub3QganNvbg." + parts[1] + "." + parts[2])).isEmpty(); // header not JSON
            assertThat(find("eyJ0eXAiOiJKV1QifQ." + parts[1] + "." + parts[2])).isEmpty(); // {"typ":"JWT"}: no alg
            assertThat(find(HS256 + ".cGF5bG9hZA.dGFn")).isEmpty(); // five segments: a JWE
        }
    }

    @Nested
    class PrivateKey {
        @Test
        void spansTheWholeBlockForEveryLabel() {
            for (String label : List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
                    "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY")) {
                String block = "-----BEGIN " + label + "-----\nMIIEowIBAAKCAQEAabc\n-----END " + label + "-----";
                List<Hit> hits = scan(DEFAULT, "key:\n" + block + "\nthanks", null);
                assertThat(hits).extracting(Hit::toString).as(label).containsExactly("PRIVATE_KEY:" + block);
                assertThat(hits.get(0).confidence).isEqualTo(1.0);
            }
        }

        @Test
        void findsBlocksInsideJsonStrings() {
            String block = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----";
            assertThat(find("{\"pem\":\"" + block + "\"}")).containsExactly("PRIVATE_KEY:" + block);
        }

        @Test
        void anUnterminatedBlockSpansToTheEndOfTheRegion() {
            String text = "x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nSSN 123-45-6789";
            List<Hit> hits = scan(DEFAULT, text, null);
            assertThat(hits).hasSize(1);
            assertThat(hits.get(0).value).startsWith("-----BEGIN PRIVATE KEY-----").endsWith("6789");
            assertThat(hits.get(0).confidence).isLessThan(1.0);
            // an END line of another label does not close it
            assertThat(find("-----BEGIN EC PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"))
                    .containsExactly("PRIVATE_KEY:-----BEGIN EC PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----");
        }

        @Test
        void refusesOtherBlocks() {
            assertThat(find("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"))
                    .isEmpty();
            assertThat(find("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).isEmpty();
            assertThat(find("the BEGIN RSA PRIVATE KEY marker")).isEmpty();
            assertThat(find("-----BEGIN RSA PRIVATE KEY\nMIIE")).isEmpty();
            assertThat(find("----BEGIN PRIVATE KEY-----\nMIIE")).isEmpty();
        }
    }

    @Nested
    class Scanning {
        @Test
        void disabledTypesAreNotReportedButStillClaimTheirSpans() {
            Set<PiiType> noSsn = new HashSet<>(PiiType.BUILT_IN);
            noSsn.remove(PiiType.US_SSN);
            BuiltInDetectors detectors = BuiltInDetectors.compile(new DetectorSettings(noSsn,
                    DetectorSettings.DEFAULT_PHONE_REGIONS, 0.5, List.of(), 64));
            assertThat(scan(detectors, "SSN 123-45-6789 mail a@example.com", null)).extracting(Hit::toString)
                    .containsExactly("EMAIL:a@example.com");
            BuiltInDetectors none = BuiltInDetectors.compile(new DetectorSettings(Set.of(),
                    DetectorSettings.DEFAULT_PHONE_REGIONS, 0.5, List.of(), 64));
            assertThat(scan(none, "SSN 123-45-6789 mail a@example.com", null)).isEmpty();
        }

        @Test
        void spansAreAbsoluteAndOnlyTheRegionIsRead() {
            byte[] data = "xx123-45-6789 and 987-65-4321yy".getBytes(StandardCharsets.US_ASCII);
            List<int[]> spans = new ArrayList<>();
            DEFAULT.scan(data, 2, 13, null, (t, c, s, e) -> spans.add(new int[] {s, e}), Long.MAX_VALUE);
            assertThat(spans).containsExactly(new int[] {2, 13}); // the region starts after "xx"
            spans.clear();
            DEFAULT.scan(data, 0, 13, null, (t, c, s, e) -> spans.add(new int[] {s, e}), Long.MAX_VALUE);
            assertThat(spans).isEmpty(); // "xx123-45-6789": part of a word
        }

        @Test
        void invalidUtf8IsASeparatorNeverAnError() {
            byte[] data = {(byte) 0xFF, '1', '2', '3', '-', '4', '5', '-', '6', '7', '8', '9', (byte) 0xC3,
                (byte) 0x80, (byte) 0xE2, (byte) 0x82, ' ', 'a', '@', 'b', '.', 'c', 'o', (byte) 0xF0};
            List<String> types = new ArrayList<>();
            DEFAULT.scan(data, 0, data.length, null, (t, c, s, e) -> types.add(t + "@" + s + "-" + e),
                    Long.MAX_VALUE);
            assertThat(types).containsExactly("US_SSN@1-12", "EMAIL@17-23");
        }

        @Test
        void aPassedDeadlineStopsTheScanWithin64KiB() {
            byte[] data = "plain words only ".repeat(4000).getBytes(StandardCharsets.US_ASCII); // 68 KB
            long passed = System.nanoTime() - 1;
            assertThatThrownBy(() -> DEFAULT.scan(data, 0, data.length, null, (t, c, s, e) -> { }, passed))
                    .isInstanceOf(PiiScanException.class)
                    .extracting(e -> ((PiiScanException) e).reason()).isEqualTo(PiiScanException.Reason.TIMEOUT);
            DEFAULT.scan(data, 0, data.length, null, (t, c, s, e) -> { }, Long.MAX_VALUE);
            // also inside one endless word or number
            for (String unit : List.of("a", "7")) {
                byte[] word = unit.repeat(70_000).getBytes(StandardCharsets.US_ASCII);
                assertThatThrownBy(() -> DEFAULT.scan(word, 0, word.length, null, (t, c, s, e) -> { }, passed))
                        .isInstanceOf(PiiScanException.class);
            }
        }

        @Test
        void pathologicalInputsAreScannedInOnePass() {
            // Inputs that would make a backtracking or per-detector rescan quadratic; the deadline is a hang guard
            // (a quadratic pass over 1 MB would run for minutes), not a timing assertion.
            List<String> units = List.of("@", "a@", "1-", "1 ", "1.", "eyJ", "eyJhbGciOiJub25lIn0.", "::", "1:",
                    "-----BEGIN PRIVATE KEY-----", "AKIA", "DE89 ", "+1 (", "a/+", "12 March ", "ab:", "7", "x",
                    "1 " + "9".repeat(40) + " ");
            for (String unit : units) {
                byte[] data = unit.repeat(1_000_000 / unit.length()).getBytes(StandardCharsets.US_ASCII);
                long deadline = System.nanoTime() + 60_000_000_000L;
                DEFAULT.scan(data, 0, data.length, null, (t, c, s, e) -> { }, deadline);
            }
        }

        @Test
        void aSinkMayScanAgain() {
            byte[] inner = "a@example.com".getBytes(StandardCharsets.US_ASCII);
            byte[] outer = "SSN 123-45-6789 and b@example.org".getBytes(StandardCharsets.US_ASCII);
            List<String> seen = new ArrayList<>();
            DEFAULT.scan(outer, 0, outer.length, null, (t, c, s, e) -> {
                seen.add(t.name());
                DEFAULT.scan(inner, 0, inner.length, null, (t2, c2, s2, e2) -> seen.add("inner " + t2), Long.MAX_VALUE);
            }, Long.MAX_VALUE);
            assertThat(seen).containsExactly("US_SSN", "inner EMAIL", "EMAIL", "inner EMAIL");
        }

        @Test
        void concurrentScansAreIndependent() throws Exception {
            List<String> texts = List.of("SSN 123-45-6789", "card 4111 1111 1111 1111", "a@example.com",
                    "IBAN DE89 3704 0044 0532 0130 00", "call (212) 555-0123", "born 12/03/1985");
            List<List<String>> expected = texts.stream().map(BuiltInDetectorsTest::find).toList();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < 300; i++) {
                            int k = i % texts.size();
                            if (!find(texts.get(k)).equals(expected.get(k))) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> r : results) {
                    assertThat(r.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void everyTypeIsFoundInOneMixedLine() {
            String line = "jane@example.com +44 20 7946 0958 4111111111111111 123-45-6789 912-70-1234 "
                    + "GB82WEST12345698765432 10.1.2.3 DOB 1985-03-12 AKIAIOSFODNN7EXAMPLE secret "
                    + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY " + Jwt.HS256
                    + " -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
            Set<PiiType> types = new HashSet<>();
            scan(DEFAULT, line, null).forEach(h -> types.add(h.type));
            assertThat(types).containsExactlyInAnyOrderElementsOf(PiiType.BUILT_IN);
        }
    }
}
