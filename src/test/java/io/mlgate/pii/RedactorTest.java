package io.mlgate.pii;

import static io.mlgate.pii.TestDetectors.noBuiltIns;
import static io.mlgate.pii.TestDetectors.text;
import static io.mlgate.pii.TestDetectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import io.mlgate.pii.CustomDetectorSpec.Checksum;
import io.mlgate.pii.TestDetectors.FailingDetector;
import io.mlgate.pii.TestDetectors.WordDetector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Redaction: the three methods, well-formed JSON and CSV after redaction, tokens, keys, log lines. */
class RedactorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] KEY = utf8("0123456789abcdef0123456789abcdef");
    private static final PiiType WORD = new PiiType("WORD");
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Redactor redactor = new Redactor(KEY);
    private final PiiScanner words = PiiScanner.of(noBuiltIns(), List.of(new WordDetector("WORD", "SECRET", 0.9)));
    private final PiiScanner cards = PiiScanner.of(noBuiltIns(new CustomDetectorSpec("CARD_NUMBER",
            "[0-9]{16}", null, Checksum.LUHN, 0.9, null, null, 0)), List.of(new WordDetector("WORD", "SECRET", 0.9)));

    private String redact(PiiScanner scanner, String payload, PayloadFormat format, RedactionMethod method) {
        byte[] bytes = utf8(payload);
        return text(redactor.redact(bytes, scanner.scan(bytes, format, NO_DEADLINE), method));
    }

    /** A result for a TEXT payload with the given spans. */
    private static ScanResult spans(PayloadFormat format, int... startEnd) {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < startEnd.length; i += 2) {
            findings.add(new Finding(WORD, 0.9, startEnd[i], startEnd[i + 1], null));
        }
        return new ScanResult(format, findings);
    }

    // ------------------------------------------------------------------------------------------------ JSON

    @Test
    void replaceRewritesInsideStringsAndKeepsTheJsonStructure() {
        String json = "{\"email\":\"x SECRET y\",\"n\":[1,\"SECRET\"],\"SECRET\":true,\"é\":\"é SECRET é\"}";
        String out = redact(words, json, PayloadFormat.JSON, RedactionMethod.REPLACE);
        assertThat(out).isEqualTo("{\"email\":\"x [WORD] y\",\"n\":[1,\"[WORD]\"],\"[WORD]\":true,"
                + "\"é\":\"é [WORD] é\"}");
        assertThat(JSON.readTree(out).size()).isEqualTo(JSON.readTree(json).size());
    }

    @Test
    void aWholeJsonNumberBecomesAJsonString() {
        String json = "{\"card\": 4111111111111111, \"other\": 4111111111111112, \"list\": [4111111111111111]}";
        for (RedactionMethod method : RedactionMethod.values()) {
            String out = redact(cards, json, PayloadFormat.JSON, method);
            JsonNode tree = JSON.readTree(out);
            assertThat(tree.get("card").isString()).as(method + ": " + out).isTrue();
            assertThat(tree.get("list").get(0).isString()).as(out).isTrue();
            assertThat(tree.get("other").isNumber()).as(out).isTrue();
        }
        assertThat(redact(cards, json, PayloadFormat.JSON, RedactionMethod.MASK))
                .startsWith("{\"card\": \"************1111\", \"other\": 4111111111111112");
    }

    @Test
    void aResultNarrowedToSomeTypesStillQuotesNumbers() {
        byte[] json = utf8("{\"s\": \"SECRET\", \"card\": 4111111111111111}");
        ScanResult all = cards.scan(json, PayloadFormat.JSON, NO_DEADLINE);
        assertThat(all.findings()).hasSize(2);
        // what PiiPolicy.select does: a new result from some of the findings
        ScanResult cardsOnly = new ScanResult(all.format(), List.of(all.findings().get(1)));
        String out = text(redactor.redact(json, cardsOnly, RedactionMethod.REPLACE));
        assertThat(out).isEqualTo("{\"s\": \"SECRET\", \"card\": \"[CARD_NUMBER]\"}");
        ScanResult wordsOnly = new ScanResult(all.format(), List.of(all.findings().get(0)));
        assertThat(text(redactor.redact(json, wordsOnly, RedactionMethod.REPLACE)))
                .isEqualTo("{\"s\": \"[WORD]\", \"card\": 4111111111111111}");
    }

    @Test
    void anEscapedStringIsReplacedWhole() {
        String json = "{\"a\": \"x \\u0053ECRET \\\"q\\\"\", \"b\": \"\\\"SECRET\"}";
        String out = redact(words, json, PayloadFormat.JSON, RedactionMethod.REPLACE);
        assertThat(out).isEqualTo("{\"a\": \"[WORD]\", \"b\": \"[WORD]\"}");
        assertThat(JSON.readTree(out).get("a").asString()).isEqualTo("[WORD]");
        // a finding after a string with escaped quotes is still known to be inside its own string
        String tricky = "[\"a\\\"b\", \"SECRET\", 4111111111111111]";
        assertThat(redact(cards, tricky, PayloadFormat.JSON, RedactionMethod.REPLACE))
                .isEqualTo("[\"a\\\"b\", \"[WORD]\", \"[CARD_NUMBER]\"]");
    }

    @Test
    void malformedJsonIsRedactedAsTheTextItWasScannedAs() {
        String bad = "{\"a\": \"SECRET\", 4111111111111111";
        String out = redact(cards, bad, PayloadFormat.JSON, RedactionMethod.REPLACE);
        assertThat(out).isEqualTo("{\"a\": \"[WORD]\", [CARD_NUMBER]");
    }

    // ------------------------------------------------------------------------------------------------ CSV

    @Test
    void csvCellsStayCells() {
        String csv = "id,comment\r\n1,\"say \"\"SECRET\"\", ok\"\r\n2,SECRET\r\n";
        for (RedactionMethod method : RedactionMethod.values()) {
            String out = redact(words, csv, PayloadFormat.CSV, method);
            List<List<String>> rows = parseCsv(out);
            assertThat(rows).as(out).hasSize(3).allSatisfy(row -> assertThat(row).hasSize(2));
            assertThat(rows.get(1).get(1)).doesNotContain("SECRET", "\"", ",");
            assertThat(rows.get(2).get(1)).doesNotContain("SECRET");
        }
        assertThat(redact(words, csv, PayloadFormat.CSV, RedactionMethod.REPLACE))
                .isEqualTo("id,comment\r\n1,\"[WORD]\"\r\n2,[WORD]\r\n");
    }

    // ------------------------------------------------------------------------------------------------ MASK

    @Test
    void maskKeepsTheLastFourLettersOrDigitsOfValuesOfTwelveCharactersOrMore() {
        String[][] cases = {
                {"4111 1111 1111 1234", "***************1234"},
                {"DE89 3704 0044 0532 0130 00", "**********************30*00"},
                {"ABCDEFGH1234", "********1234"},
                {"ABCDEFG1234", "***********"},
                {"héllo", "*****"},
                {"😀😀😀😀😀😀😀😀😀😀ab12", "**********ab12"},
        };
        for (String[] c : cases) {
            byte[] value = utf8(c[0]);
            ScanResult r = spans(PayloadFormat.TEXT, 1, value.length + 1);
            byte[] payload = utf8("<" + c[0] + ">");
            assertThat(text(redactor.redact(payload, r, RedactionMethod.MASK))).as(c[0])
                    .isEqualTo("<" + c[1] + ">");
        }
    }

    // ------------------------------------------------------------------------------------------------ TOKENIZE

    @Test
    void tokensAreTheHmacOfTypeAndValueIn26Base32Characters() throws Exception {
        String json = "{\"a\": \"SECRET\"}";
        String out = redact(words, json, PayloadFormat.JSON, RedactionMethod.TOKENIZE);
        assertThat(out).matches("\\{\"a\": \"\\[WORD:tok_[a-z2-7]{26}]\"}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        mac.update(utf8("WORD"));
        mac.update((byte) 0);
        byte[] digest = mac.doFinal(utf8("SECRET"));
        // the first 130 bits as 26 base32 digits, computed another way
        BigInteger bits = new BigInteger(1, Arrays.copyOf(digest, 17)).shiftRight(136 - 130);
        StringBuilder expected = new StringBuilder();
        for (int i = 25; i >= 0; i--) {
            expected.append("abcdefghijklmnopqrstuvwxyz234567".charAt(bits.shiftRight(5 * i).intValue() & 31));
        }
        assertThat(out).isEqualTo("{\"a\": \"[WORD:tok_" + expected + "]\"}");
    }

    @Test
    void equalValuesGiveEqualTokensAndAnythingElseDiffers() {
        String a = token(redactor, words, "{\"x\": \"SECRET\"}");
        assertThat(token(redactor, words, "[\"SECRET\", 1]")).isEqualTo(a);
        assertThat(token(redactor, words, "{\"y\": \"\\u0053ECRET\"}")).isEqualTo(a); // the decoded value
        assertThat(token(redactor, PiiScanner.of(noBuiltIns(), List.of(new WordDetector("OTHER", "SECRET", 0.9))),
                "{\"x\": \"SECRET\"}")).isNotEqualTo(a);
        assertThat(token(redactor, PiiScanner.of(noBuiltIns(), List.of(new WordDetector("WORD", "SECRES", 0.9))),
                "{\"x\": \"SECRES\"}")).isNotEqualTo(a);
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertThat(token(new Redactor(otherKey), words, "{\"x\": \"SECRET\"}")).isNotEqualTo(a);
    }

    private static String token(Redactor redactor, PiiScanner scanner, String json) {
        byte[] bytes = utf8(json);
        String out = text(redactor.redact(bytes, scanner.scan(bytes, PayloadFormat.JSON, NO_DEADLINE),
                RedactionMethod.TOKENIZE));
        int at = out.indexOf("tok_");
        return out.substring(at, at + 30);
    }

    @Test
    void tokensAreTheSameOnEveryThread() throws Exception {
        byte[] payload = utf8("SECRET and SECRET");
        ScanResult r = words.scan(payload, PayloadFormat.TEXT, NO_DEADLINE);
        byte[] expected = redactor.redact(payload, r, RedactionMethod.TOKENIZE);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        if (!Arrays.equals(redactor.redact(payload, r, RedactionMethod.TOKENIZE), expected)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theTokenizationKeyMustBeAtLeast32Bytes() {
        assertThatThrownBy(() -> new Redactor(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Redactor(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32");
        assertThat(new Redactor(new byte[32])).isNotNull();
    }

    // ------------------------------------------------------------------------------------------------ general

    @Test
    void nothingToRedactReturnsThePayloadItself() {
        byte[] payload = utf8("{\"a\": \"clean\"}");
        ScanResult r = words.scan(payload, PayloadFormat.JSON, NO_DEADLINE);
        assertThat(redactor.redact(payload, r, RedactionMethod.REPLACE)).isSameAs(payload);
        assertThat(redactor.redact(payload, spans(PayloadFormat.JSON, 7, 12), RedactionMethod.REPLACE))
                .isNotSameAs(payload);
    }

    @Test
    void aResultThatDoesNotFitThePayloadIsRefused() {
        byte[] payload = utf8("short");
        assertThatThrownBy(() -> redactor.redact(payload, spans(PayloadFormat.TEXT, 0, 6), RedactionMethod.REPLACE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> redactor.redact(payload, spans(PayloadFormat.TEXT, 2, 4, 0, 3),
                RedactionMethod.REPLACE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(text(redactor.redact(payload, spans(PayloadFormat.TEXT, 0, 2, 3, 5), RedactionMethod.REPLACE)))
                .isEqualTo("[WORD]o[WORD]");
    }

    @Test
    void logLinesAreRedactedAsTextAndWithheldWhenTheScanFails() {
        assertThat(redactor.redactText(words, "user SECRET logged in from é")).isEqualTo(
                "user [WORD] logged in from é");
        String clean = "user logged in";
        assertThat(redactor.redactText(words, clean)).isSameAs(clean);
        PiiScanner failing = PiiScanner.of(noBuiltIns(), List.of(new FailingDetector("boom")));
        assertThat(redactor.redactText(failing, "boom SECRET")).isEqualTo(
                "[text withheld: PII scan DETECTOR_FAILURE]");
        assertThat(redactor.redactText(failing, "fine")).isEqualTo("fine");
    }

    /** RFC 4180, independently of the scanner: rows of cells. */
    private static List<List<String>> parseCsv(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n') {
                row.add(cell.toString().replaceAll("\r$", ""));
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }
}
