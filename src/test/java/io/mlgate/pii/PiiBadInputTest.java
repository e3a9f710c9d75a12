package io.mlgate.pii;

import static io.mlgate.pii.TestDetectors.noBuiltIns;
import static io.mlgate.pii.TestDetectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mlgate.pii.CustomDetectorSpec.Checksum;
import io.mlgate.pii.TestDetectors.WordDetector;

/**
 * Issue 8's bad input: invalid UTF-8, deeply nested JSON, 6 MB payloads and pathological input for custom regexes are
 * all handled in bounded time. No assertion on elapsed time: each scan gets a generous deadline (10 s) and must not
 * throw TIMEOUT, which a quadratic or exponential scan of these inputs would.
 */
class PiiBadInputTest {

    private static final long GENEROUS = 10_000_000_000L;
    private static final CustomDetectorSpec EMPLOYEE = new CustomDetectorSpec("EMPLOYEE_ID", "EMP-[0-9]{6}",
            null, Checksum.NONE, 0.9, null, null, 0);
    private static final CustomDetectorSpec CODENAME = new CustomDetectorSpec("CODENAME", null,
            List.of("project falcon", "zeus"), Checksum.NONE, 0.9, null, null, 0);

    private final PiiScanner scanner = PiiScanner.of(noBuiltIns(EMPLOYEE, CODENAME),
            List.of(new WordDetector("WORD", "SECRET", 0.9)));

    private static long deadline() {
        return System.nanoTime() + GENEROUS;
    }

    private static PiiScanException.Reason reason(Throwable e) {
        return ((PiiScanException) e).reason();
    }

    // ------------------------------------------------------------------------------------------------ UTF-8

    @Test
    void invalidUtf8IsScannedAsTextInEveryFormatAndNothingIsMissed() {
        Random random = new Random(8);
        byte[][] invalid = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}};
        for (byte[] bad : invalid) {
            for (PayloadFormat format : PayloadFormat.values()) {
                String before = format == PayloadFormat.CSV ? "a,b\nc,\"" : "{\"a\": \"";
                String after = format == PayloadFormat.CSV ? " EMP-123456 SECRET\"\n" : " EMP-123456 SECRET\"}";
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(utf8(before));
                out.writeBytes(bad);
                out.writeBytes(utf8(after));
                byte[] payload = out.toByteArray();
                ScanResult r = scanner.scan(payload, format, deadline());
                assertThat(r.format()).isEqualTo(PayloadFormat.TEXT);
                assertThat(r.types()).extracting(PiiType::name).containsExactly("EMPLOYEE_ID", "WORD");
                byte[] redacted = new Redactor(new byte[32]).redact(payload, r, RedactionMethod.MASK);
                assertThat(new String(redacted, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .doesNotContain("EMP-123456", "SECRET");
            }
        }
        // random bytes: never an exception other than the scan's own
        for (int round = 0; round < 300; round++) {
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            for (PayloadFormat format : PayloadFormat.values()) {
                assertThat(scanner.scan(noise, format, deadline())).isNotNull();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ nesting

    @Test
    void tenThousandLevelsOfNestingAreUnscannableNotATimeout() {
        for (String open : List.of("[", "{\"a\":")) {
            String close = open.equals("[") ? "]" : "}";
            byte[] deep = utf8(open.repeat(10_000) + "\"SECRET\"" + close.repeat(10_000));
            for (int maxDepth : new int[] {64, 1000}) {
                PiiScanner limited = PiiScanner.of(new DetectorSettings(java.util.Set.of(),
                        DetectorSettings.DEFAULT_PHONE_REGIONS, 0.5, List.of(EMPLOYEE), maxDepth));
                assertThatThrownBy(() -> limited.scan(deep, PayloadFormat.JSON, deadline()))
                        .isInstanceOf(PiiScanException.class)
                        .satisfies(e -> assertThat(reason(e)).isEqualTo(PiiScanException.Reason.UNSCANNABLE));
            }
            // the same shape within the limit is scanned
            byte[] fine = utf8(open.repeat(60) + "\"EMP-123456\"" + close.repeat(60));
            assertThat(scanner.scan(fine, PayloadFormat.JSON, deadline()).detected()).isTrue();
        }
        // unbalanced deep nesting (never closed) is refused the same way, not read as text
        byte[] unclosed = utf8("[".repeat(10_000));
        assertThatThrownBy(() -> scanner.scan(unclosed, PayloadFormat.JSON, deadline()))
                .satisfies(e -> assertThat(reason(e)).isEqualTo(PiiScanException.Reason.UNSCANNABLE));
    }

    // ------------------------------------------------------------------------------------------------ 6 MB

    @Test
    void aSixMegabyteJsonPayloadIsScannedWithEveryPlantedValueFound() {
        StringBuilder sb = new StringBuilder(6 << 20);
        List<Integer> planted = new ArrayList<>();
        sb.append('[');
        int i = 0;
        while (sb.length() < 6 << 20) {
            if (i > 0) {
                sb.append(",\n");
            }
            sb.append("{\"id\":").append(i).append(",\"name\":\"customer ").append(i)
                    .append("\",\"score\":0.").append(i % 997).append(",\"tags\":[\"a\",\"b\",\"c\"],\"note\":\"");
            if (i % 5000 == 0) {
                planted.add(sb.length() + 4);
                sb.append("ref EMP-").append(String.format("%06d", i % 1_000_000)).append(" end");
            } else {
                sb.append("nothing to see here, just some text of a normal length");
            }
            sb.append("\"}");
            i++;
        }
        sb.append(']');
        byte[] payload = utf8(sb.toString());
        assertThat(payload.length).isGreaterThanOrEqualTo(6 << 20);
        ScanResult r = scanner.scan(payload, PayloadFormat.JSON, deadline());
        assertThat(r.format()).isEqualTo(PayloadFormat.JSON);
        assertThat(r.findings()).extracting(Finding::start).containsExactlyElementsOf(planted);
        assertThat(r.findings()).allSatisfy(f -> assertThat(f.field()).isEqualTo("note"));
        byte[] redacted = new Redactor(new byte[32]).redact(payload, r, RedactionMethod.TOKENIZE);
        assertThat(scanner.scan(redacted, PayloadFormat.JSON, deadline()).detected()).isFalse();
    }

    @Test
    void aSixMegabyteTextAndASixMegabyteEscapedJsonStringAreScanned() {
        byte[] text = new byte[6 << 20];
        Random random = new Random(3);
        for (int k = 0; k < text.length; k++) {
            String alphabet = "abcdefghij klmnopqrstuvwxyz.\n0123456789";
            text[k] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        byte[] secret = utf8(" SECRET ");
        byte[] emp = utf8(" EMP-424242 ");
        System.arraycopy(secret, 0, text, 3_000_000, secret.length);
        System.arraycopy(emp, 0, text, 5_999_000, emp.length);
        ScanResult r = scanner.scan(text, PayloadFormat.TEXT, deadline());
        assertThat(r.findings()).extracting(Finding::start).containsExactly(3_000_001, 5_999_001);

        // one string value of 6 MB with escapes: decoded into one buffer, a finding covers the whole string
        StringBuilder sb = new StringBuilder("{\"blob\": \"");
        while (sb.length() < 6 << 20) {
            sb.append("line\\n\\u0041 tab\\t ");
        }
        sb.append("\\u0053ECRET\"}");
        byte[] json = utf8(sb.toString());
        ScanResult big = scanner.scan(json, PayloadFormat.JSON, deadline());
        assertThat(big.findings()).extracting(Finding::start, Finding::end, Finding::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(10, json.length - 2, "blob"));
    }

    // ------------------------------------------------------------------------------------------------ regexes

    @Test
    void pathologicalInputForCustomRegexesIsLinear() {
        // each of these takes exponential time with a backtracking engine (java.util.regex) on such input
        List<String> patterns = List.of("(a+)+$", "(a|a)+$", "(a|aa)+$", "(.*a){20}$", "^(a+)+b");
        byte[] input = utf8("a".repeat(100_000) + "!");
        for (String p : patterns) {
            PiiScanner evil = PiiScanner.of(noBuiltIns(new CustomDetectorSpec("EVIL", p, null, Checksum.NONE, 0.9,
                    null, null, 0)));
            assertThat(evil.scan(input, PayloadFormat.TEXT, deadline()).detected()).as(p).isFalse();
            assertThatThrownBy(() -> evil.scan(input, PayloadFormat.TEXT, System.nanoTime() - 1)).as(p)
                    .satisfies(e -> assertThat(reason(e)).isEqualTo(PiiScanException.Reason.TIMEOUT));
        }
        // a match at the end is still found
        PiiScanner tail = PiiScanner.of(noBuiltIns(new CustomDetectorSpec("TAIL", "(a+)+!$", null, Checksum.NONE,
                0.9, null, null, 0)));
        assertThat(tail.scan(input, PayloadFormat.TEXT, deadline()).findings()).extracting(Finding::start,
                Finding::end).containsExactly(org.assertj.core.groups.Tuple.tuple(0, input.length));
    }

    @Test
    void aPatternWhoseMatchesAreDecidedFarAheadIsStoppedByTheDeadline() {
        // each match of "a.*z|a" needs a search to the end of the region: all matches cost n^2 character reads;
        // the reads count towards the deadline, so the scan stops instead of running for minutes
        PiiScanner farAhead = PiiScanner.of(noBuiltIns(new CustomDetectorSpec("FAR", "a.*z|a", null, Checksum.NONE,
                0.9, null, null, 0)));
        byte[] input = utf8("a".repeat(200_000));
        assertThatThrownBy(() -> farAhead.scan(input, PayloadFormat.TEXT, System.nanoTime() + 200_000_000L))
                .isInstanceOf(PiiScanException.class)
                .satisfies(e -> assertThat(reason(e)).isEqualTo(PiiScanException.Reason.TIMEOUT));
        assertThat(farAhead.scan(utf8("a b z"), PayloadFormat.TEXT, deadline()).findings()).hasSize(1);
    }

    @Test
    void aDenseDictionaryInputIsOnePass() {
        // every position starts a partial match of a long entry: still one table step per byte
        PiiScanner dense = PiiScanner.of(noBuiltIns(new CustomDetectorSpec("LONG", null,
                List.of("a".repeat(200) + "b", "a".repeat(100) + "c"), Checksum.NONE, 0.9, null, null, 0)));
        byte[] input = new byte[6 << 20];
        Arrays.fill(input, (byte) 'a');
        assertThat(dense.scan(input, PayloadFormat.TEXT, deadline()).detected()).isFalse();
        input[input.length - 1] = 'b';
        input[input.length - 202] = ' ';
        assertThat(dense.scan(input, PayloadFormat.TEXT, deadline()).findings()).extracting(Finding::start)
                .containsExactly(input.length - 201);
    }
}
