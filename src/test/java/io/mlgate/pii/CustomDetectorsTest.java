package io.mlgate.pii;

import static io.mlgate.pii.TestDetectors.at;
import static io.mlgate.pii.TestDetectors.noBuiltIns;
import static io.mlgate.pii.TestDetectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mlgate.pii.CustomDetectorSpec.Checksum;

/** Custom detectors: RE2J patterns and their byte offsets, checksums, deny-lists, context words, validation. */
class CustomDetectorsTest {

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private static CustomDetectorSpec pattern(String name, String regex, Checksum checksum, double confidence) {
        return new CustomDetectorSpec(name, regex, null, checksum, confidence, null, null, 0);
    }

    private static CustomDetectorSpec words(String name, String... entries) {
        return new CustomDetectorSpec(name, null, List.of(entries), Checksum.NONE, 0.9, null, null, 0);
    }

    private static List<Finding> scan(PayloadFormat format, String payload, CustomDetectorSpec... specs) {
        return PiiScanner.of(noBuiltIns(specs)).scan(utf8(payload), format, NO_DEADLINE).findings();
    }

    private static List<Finding> text(String payload, CustomDetectorSpec... specs) {
        return scan(PayloadFormat.TEXT, payload, specs);
    }

    // ------------------------------------------------------------------------------------------------ patterns

    @Test
    void patternMatchesAreFindingsOfTheDetectorsType() {
        CustomDetectorSpec emp = pattern("EMPLOYEE_ID", "\\bEMP-[0-9]{6}\\b", Checksum.NONE, 0.8);
        String t = "ids EMP-123456, EMP-12345 and xEMP-654321 and EMP-000001";
        assertThat(text(t, emp)).containsExactly(
                new Finding(new PiiType("EMPLOYEE_ID"), 0.8, t.indexOf("EMP-123456"), t.indexOf("EMP-123456") + 10,
                        null),
                new Finding(new PiiType("EMPLOYEE_ID"), 0.8, t.indexOf("EMP-000001"), t.indexOf("EMP-000001") + 10,
                        null));
    }

    @Test
    void charOffsetsMapBackToByteOffsetsInNonAsciiText() {
        CustomDetectorSpec emp = pattern("EMPLOYEE_ID", "EMP-[0-9]{6}", Checksum.NONE, 0.8);
        String t = "ünïcödé 😀 — EMP-123456 ü";
        int start = at(t, "EMP-");
        assertThat(start).isGreaterThan(t.indexOf("EMP-"));
        assertThat(text(t, emp)).extracting(Finding::start, Finding::end).containsExactly(tuple(start, start + 10));
        // matches made of non-ASCII characters, including a supplementary one (a surrogate pair in UTF-16)
        CustomDetectorSpec accents = pattern("ACCENTS", "[éü]+", Checksum.NONE, 0.8);
        assertThat(text("aéüb", accents)).extracting(Finding::start, Finding::end).containsExactly(tuple(1, 5));
        CustomDetectorSpec smile = pattern("SMILES", "😀+", Checksum.NONE, 0.8);
        assertThat(text("x😀😀y😀", smile)).extracting(Finding::start, Finding::end)
                .containsExactly(tuple(1, 9), tuple(10, 14));
        // an invalid byte is one U+FFFD char: offsets after it stay right
        byte[] invalid = utf8("?? EMP-123456");
        invalid[0] = (byte) 0xFF;
        invalid[1] = (byte) 0xE2; // a truncated three-byte sequence
        assertThat(PiiScanner.of(noBuiltIns(emp)).scan(invalid, PayloadFormat.TEXT, NO_DEADLINE).findings())
                .extracting(Finding::start, Finding::end).containsExactly(tuple(3, 13));
    }

    @Test
    void patternsRunOnJsonStringsNumbersAndNamesAndCsvCells() {
        CustomDetectorSpec six = pattern("SIX_DIGITS", "^[0-9]{6}$", Checksum.NONE, 0.8);
        String json = "{\"123456\": 123456, \"b\": \"123456\", \"c\": 1234567, \"d\": \"x123456\"}";
        assertThat(scan(PayloadFormat.JSON, json, six)).extracting(Finding::start, Finding::field).containsExactly(
                tuple(2, null), tuple(11, "[SIX_DIGITS]"), tuple(25, "b"));
        assertThat(scan(PayloadFormat.CSV, "1,123456\n2,1234567\n", six)).extracting(Finding::start, Finding::field)
                .containsExactly(tuple(2, "column 2"));
    }

    @Test
    void emptyMatchesAreNotFindings() {
        CustomDetectorSpec as = pattern("AS", "a*", Checksum.NONE, 0.8);
        assertThat(text("bbb aaa b", as)).extracting(Finding::start, Finding::end).containsExactly(tuple(4, 7));
    }

    // ------------------------------------------------------------------------------------------------ checksums

    @Test
    void luhnMustHoldForAPatternMatchToCount() {
        CustomDetectorSpec card = pattern("CARD_LIKE", "[0-9]{4}(?: [0-9]{4}){3}", Checksum.LUHN, 0.9);
        assertThat(text("pay 4111 1111 1111 1111 now", card)).hasSize(1);
        assertThat(text("pay 4111 1111 1111 1112 now", card)).isEmpty();
        assertThat(Checksums.luhn(utf8("79927398713"), 0, 11)).isTrue();
        assertThat(Checksums.luhn(utf8("79927398710"), 0, 11)).isFalse();
        assertThat(Checksums.luhn(utf8("0"), 0, 1)).isFalse(); // at least two digits
    }

    @Test
    void mod97MustHoldForAPatternMatchToCount() {
        CustomDetectorSpec iban = pattern("ACCOUNT", "\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\\b", Checksum.MOD97,
                0.9);
        assertThat(text("to GB82 WEST 1234 5698 7654 32.", iban)).hasSize(1);
        assertThat(text("to GB82 WEST 1234 5698 7654 33.", iban)).isEmpty();
        assertThat(text("to de89370400440532013000.", pattern("LOWER", "de[0-9]{20}", Checksum.MOD97, 0.9)))
                .hasSize(1); // letters are case-insensitive
        assertThat(Checksums.mod97(utf8("GB8"), 0, 3)).isFalse();
    }

    @Test
    void mod11MustHoldForAPatternMatchToCount() {
        CustomDetectorSpec isbn = pattern("ISBN10", "\\b[0-9][0-9-]{8,11}[0-9Xx]\\b", Checksum.MOD11, 0.9);
        assertThat(text("ISBN 0-306-40615-2 and 080442957X", isbn)).hasSize(2);
        assertThat(text("ISBN 0-306-40615-3 and 0804429571", isbn)).isEmpty();
        CustomDetectorSpec nhs = pattern("NHS_NUMBER", "\\b[0-9]{3} [0-9]{3} [0-9]{4}\\b", Checksum.MOD11, 0.9);
        assertThat(text("NHS 943 476 5919", nhs)).hasSize(1);
        assertThat(text("NHS 943 476 5918", nhs)).isEmpty();
        assertThat(Checksums.mod11(utf8("X0"), 0, 2)).isFalse(); // X only as the check character
    }

    // ------------------------------------------------------------------------------------------------ context

    @Test
    void contextWordsBeforeTheMatchOrInTheFieldRaiseConfidence() {
        CustomDetectorSpec emp = new CustomDetectorSpec("EMPLOYEE_ID", "EMP-[0-9]{6}", null, Checksum.NONE, 0.4,
                List.of("employee", "staff id"), List.of("test"), 24);
        assertThat(text("ref EMP-123456", emp)).isEmpty(); // 0.4 < 0.5
        assertThat(text("Employee: EMP-123456", emp)).extracting(Finding::confidence)
                .singleElement().satisfies(c -> assertThat(c).isCloseTo(0.6, within(1e-9)));
        assertThat(text("employee STAFF ID EMP-123456", emp)).extracting(Finding::confidence)
                .singleElement().satisfies(c -> assertThat(c).isCloseTo(0.8, within(1e-9)));
        // on word boundaries only, and within the window
        assertThat(text("employees EMP-123456", emp)).isEmpty();
        assertThat(text("employee" + " ".repeat(30) + "EMP-123456", emp)).isEmpty();
        // the field name counts (letters and digits only, any case)
        assertThat(scan(PayloadFormat.JSON, "{\"employeeRef\": \"EMP-123456\"}", emp)).hasSize(1);
        assertThat(scan(PayloadFormat.CSV, "mail,Staff_ID\nann@example.com,EMP-123456\n", emp)).hasSize(1);
        assertThat(scan(PayloadFormat.JSON, "{\"ref\": \"EMP-123456\"}", emp)).isEmpty();
    }

    @Test
    void negativeContextWordsLowerConfidenceAndTheResultIsClamped() {
        CustomDetectorSpec emp = new CustomDetectorSpec("EMPLOYEE_ID", "EMP-[0-9]{6}", null, Checksum.NONE, 0.9,
                List.of("employee", "staff"), List.of("test", "sample"), 40);
        assertThat(text("staff employee EMP-123456", emp)).extracting(Finding::confidence).containsExactly(1.0);
        assertThat(text("test employee EMP-123456", emp)).extracting(Finding::confidence)
                .singleElement().satisfies(c -> assertThat(c).isCloseTo(0.8, within(1e-9)));
        assertThat(text("test sample EMP-123456", emp)).isEmpty(); // 0.9 - 0.6 = 0.3
    }

    // ------------------------------------------------------------------------------------------------ dictionaries

    @Test
    void dictionaryEntriesMatchCaseInsensitivelyOnWordBoundaries() {
        CustomDetectorSpec codename = words("CODENAME", "Project Falcon", "falcon", "Zeus");
        String t = "the PROJECT FALCON plan; falconry, zeus. Zeus2 _zeus";
        assertThat(text(t, codename)).extracting(Finding::start, Finding::end).containsExactly(
                tuple(4, 18), tuple(t.indexOf("zeus."), t.indexOf("zeus.") + 4));
        assertThat(text("falcon", codename)).hasSize(1);
        assertThat(text("xfalcon falconx", codename)).isEmpty();
    }

    @Test
    void severalDenyListsShareOneAutomatonAndKeepTheirTypes() {
        List<Finding> found = text("ACME Corp hired Falcon; acme corporation", words("CODENAME", "falcon"),
                words("CUSTOMER", "acme corp", "acme"));
        assertThat(found).extracting(f -> f.type().name(), Finding::start, Finding::end).containsExactly(
                tuple("CUSTOMER", 0, 9), tuple("CODENAME", 16, 22), tuple("CUSTOMER", 24, 28));
    }

    @Test
    void entriesWithPunctuationOrNonAsciiBytes() {
        CustomDetectorSpec domain = words("DOMAIN", "@corp.example");
        assertThat(text("mail ann@corp.example now", domain)).extracting(Finding::start).containsExactly(8);
        assertThat(text("mail ann@corp.examples", domain)).isEmpty();
        CustomDetectorSpec name = words("NAME", "josé");
        String t = "JOSé and josé but not josée";
        assertThat(text(t, name)).extracting(Finding::start).containsExactly(0, at(t, "josé"));
    }

    // ------------------------------------------------------------------------------------------------ validation

    @Test
    void invalidSpecsAreRefusedNamingTheDetector() {
        for (String bad : List.of("(", "[a-", "(a)\\1", "(?=a)b", "a**")) {
            assertThatThrownBy(() -> PiiScanner.of(noBuiltIns(pattern("BROKEN_ONE", bad, Checksum.NONE, 0.5))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BROKEN_ONE");
        }
        assertThatThrownBy(() -> PiiScanner.of(noBuiltIns(pattern("HUGE", "x{1000}".repeat(11), Checksum.NONE,
                0.5)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HUGE");
        assertThatThrownBy(() -> PiiScanner.of(noBuiltIns(words("TWICE", "a"), words("TWICE", "b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TWICE");
        assertThatThrownBy(() -> PiiScanner.of(noBuiltIns(new CustomDetectorSpec("SUMLESS", null, List.of("a"),
                Checksum.LUHN, 0.5, null, null, 0)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SUMLESS");
        assertThatThrownBy(() -> PiiScanner.of(noBuiltIns(words("BLANK", "ok", " "))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BLANK");
        assertThatThrownBy(() -> PiiScanner.of(noBuiltIns(words("LONG_ENTRY", "x".repeat(257)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LONG_ENTRY");
        // and the valid forms of the same
        assertThat(PiiScanner.of(noBuiltIns(pattern("FINE", "(a)b", Checksum.NONE, 0.5),
                pattern("BIG_BUT_OK", "x{1000}".repeat(5), Checksum.NONE, 0.5), words("ALSO_FINE", "x".repeat(256)))))
                .isNotNull();
    }

    @Test
    void aDictionaryTooLargeForItsAutomatonIsRefused() {
        Random random = new Random(8);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ-_.:;/+=!?~";
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 12; k++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            entries.add(sb.toString());
        }
        assertThatThrownBy(() -> PiiScanner.of(noBuiltIns(new CustomDetectorSpec("HUGE_LIST", null, entries,
                Checksum.NONE, 0.9, null, null, 0)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
        List<String> fewer = entries.subList(0, 2_000);
        PiiScanner ok = PiiScanner.of(noBuiltIns(new CustomDetectorSpec("LIST", null, fewer, Checksum.NONE, 0.9,
                null, null, 0)));
        String t = "x " + fewer.get(1234).toUpperCase(java.util.Locale.ROOT) + " y";
        assertThat(ok.scan(utf8(t), PayloadFormat.TEXT, NO_DEADLINE).findings()).isNotEmpty();
    }

    // ------------------------------------------------------------------------------------------------ RegionChars

    @Test
    void regionCharsDecodeLikeJavaForValidUtf8ForwardsAndBackwards() {
        Random random = new Random(17);
        int[] samples = {'a', 'Z', ' ', 0xE9, 0x20AC, 0x1F600, 0x10FFFF, 0x800, 0x7FF, 0xFFFD};
        ScanSession session = new ScanSession(PiiScanner.of(noBuiltIns()), NO_DEADLINE);
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(40);
            for (int i = 0; i < len; i++) {
                sb.appendCodePoint(samples[random.nextInt(samples.length)]);
            }
            String s = sb.toString();
            byte[] framed = utf8("<<" + s + ">>");
            RegionChars chars = new RegionChars(session);
            chars.reset(framed, 2, framed.length - 2, 1);
            assertThat(chars.length()).isEqualTo(s.length());
            char[] backwards = new char[s.length()];
            for (int i = s.length() - 1; i >= 0; i--) {
                backwards[i] = chars.charAt(i);
            }
            assertThat(new String(backwards)).isEqualTo(s);
            assertThat(chars.toString()).isEqualTo(s);
            for (int i = 0; i <= s.length(); i++) {
                if (i == s.length() || !Character.isLowSurrogate(s.charAt(i))) {
                    assertThat(chars.byteOffset(i)).isEqualTo(2 + s.substring(0, i)
                            .getBytes(StandardCharsets.UTF_8).length);
                }
            }
        }
    }

    @Test
    void regionCharsReadInvalidBytesTheSameWayInBothDirections() {
        Random random = new Random(5);
        ScanSession session = new ScanSession(PiiScanner.of(noBuiltIns()), NO_DEADLINE);
        byte[] pool = {'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0x82, (byte) 0xAC, (byte) 0xF0,
                (byte) 0x9F, (byte) 0x98, (byte) 0x80, (byte) 0xFF, (byte) 0xC0, (byte) 0xED, (byte) 0xA0};
        for (int round = 0; round < 500; round++) {
            byte[] data = new byte[random.nextInt(30)];
            for (int i = 0; i < data.length; i++) {
                data[i] = pool[random.nextInt(pool.length)];
            }
            RegionChars chars = new RegionChars(session);
            chars.reset(data, 0, data.length, 1);
            char[] forwards = new char[chars.length()];
            for (int i = 0; i < forwards.length; i++) {
                forwards[i] = chars.charAt(i);
            }
            for (int i = forwards.length - 1; i >= 0; i--) {
                assertThat(chars.charAt(i)).isEqualTo(forwards[i]);
            }
            assertThat(chars.byteOffset(forwards.length)).isEqualTo(data.length);
        }
    }

    @Test
    void regionCharsCheckTheDeadlineWhileARegexReadsThem() {
        ScanSession late = new ScanSession(PiiScanner.of(noBuiltIns()), System.nanoTime() - 1);
        byte[] data = new byte[1 << 20];
        java.util.Arrays.fill(data, (byte) 'a');
        RegionChars chars = new RegionChars(late);
        chars.reset(data, 0, data.length, 1);
        assertThatThrownBy(() -> {
            for (int i = 0; i < chars.length(); i++) {
                chars.charAt(i);
            }
        }).isInstanceOf(PiiScanException.class)
                .satisfies(e -> assertThat(((PiiScanException) e).reason()).isEqualTo(PiiScanException.Reason.TIMEOUT));
        ScanSession onTime = new ScanSession(PiiScanner.of(noBuiltIns()), NO_DEADLINE);
        RegionChars fine = new RegionChars(onTime);
        fine.reset(data, 0, data.length, 1);
        for (int i = 0; i < fine.length(); i++) {
            fine.charAt(i);
        }
    }
}
