package io.mlgate.pii;

import static io.mlgate.pii.TestDetectors.at;
import static io.mlgate.pii.TestDetectors.noBuiltIns;
import static io.mlgate.pii.TestDetectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mlgate.pii.TestDetectors.FailingDetector;
import io.mlgate.pii.TestDetectors.Recorder;
import io.mlgate.pii.TestDetectors.SpanDetector;
import io.mlgate.pii.TestDetectors.WordDetector;

/** The scanner's structure: regions and hints per format, spans, fallbacks, overlaps, failures (no built-ins). */
class PiiScannerTest {

    private static final PiiType WORD = new PiiType("WORD");
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private static PiiScanner words(Detector... more) {
        List<Detector> detectors = new java.util.ArrayList<>(List.of(new WordDetector("WORD", "SECRET", 0.9)));
        detectors.addAll(List.of(more));
        return PiiScanner.of(noBuiltIns(), detectors);
    }

    private static ScanResult scan(PiiScanner scanner, String payload, PayloadFormat format) {
        return scanner.scan(utf8(payload), format, NO_DEADLINE);
    }

    // ------------------------------------------------------------------------------------------------ JSON

    @Test
    void jsonStringValuesAreRegionsWithTheirMemberNameAsField() {
        String json = "{\"id\": 7, \"note\": \"call SECRET now\", \"other\": \"nothing here\"}";
        ScanResult r = scan(words(), json, PayloadFormat.JSON);
        assertThat(r.format()).isEqualTo(PayloadFormat.JSON);
        assertThat(r.findings()).containsExactly(new Finding(WORD, 0.9, at(json, "SECRET"), at(json, "SECRET") + 6,
                "note"));
        assertThat(scan(words(), "{\"note\": \"call SEC RET now\"}", PayloadFormat.JSON).detected()).isFalse();
    }

    @Test
    void hintsAreTheNearestMemberNameArraysInheritNamesAreScannedWithoutHint() {
        Recorder recorder = new Recorder();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(recorder));
        scanner.scan(utf8("{\"user\":{\"email\":\"a\",\"tags\":[\"b\",[\"c\"],{\"k\":\"d\"}]},\"n\":12.5,"
                + "\"z\":[true,null]}"), PayloadFormat.JSON, NO_DEADLINE);
        assertThat(recorder.regions).containsExactly("user <null>", "email <null>", "a <email>", "tags <null>",
                "b <tags>", "c <tags>", "k <null>", "d <k>", "n <null>", "12.5 <n>", "z <null>");
    }

    @Test
    void topLevelValuesHaveNoHintAndJsonLinesAreSeveralValues() {
        Recorder recorder = new Recorder();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(recorder, new WordDetector("WORD", "SECRET", 0.9)));
        String lines = "{\"a\":\"SECRET\"}\n{\"b\":\"x\"}\r\n\"SECRET\"\n42\n";
        ScanResult r = scanner.scan(utf8(lines), PayloadFormat.JSON, NO_DEADLINE);
        assertThat(r.format()).isEqualTo(PayloadFormat.JSON);
        assertThat(r.findings()).extracting(Finding::field).containsExactly("a", null);
        assertThat(r.findings().get(1).start()).isEqualTo(lines.indexOf("\"SECRET\"\n") + 1);
        assertThat(recorder.regions).containsExactly("a <null>", "SECRET <a>", "b <null>", "x <b>", "SECRET <null>",
                "42 <null>");
    }

    @Test
    void repeatedMemberNamesAreScannedAtEveryOccurrenceWhereSomethingIsFound() {
        // plug-ins see every occurrence of every name
        Recorder recorder = new Recorder();
        PiiScanner withPlugin = PiiScanner.of(noBuiltIns(), List.of(recorder));
        withPlugin.scan(utf8("[{\"a\":1},{\"a\":2}]\n{\"a\":3}"), PayloadFormat.JSON, NO_DEADLINE);
        assertThat(recorder.regions).containsExactly("a <null>", "1 <a>", "a <null>", "2 <a>", "a <null>", "3 <a>");
        // with only built-in and custom detectors a name found clean is not scanned again; one with PII always is
        CustomDetectorSpec secret = new CustomDetectorSpec("SECRET_NAME", null, List.of("secret"),
                CustomDetectorSpec.Checksum.NONE, 0.9, null, null, 0);
        CustomDetectorSpec emp = new CustomDetectorSpec("EMPLOYEE_ID", "EMP-[0-9]{6}", null,
                CustomDetectorSpec.Checksum.NONE, 0.4, List.of("acct"), null, 0);
        PiiScanner custom = PiiScanner.of(noBuiltIns(secret, emp));
        String json = "[{\"secret\":1,\"acct\":\"EMP-123456\"},{\"secret\":2,\"acct\":\"EMP-654321\"}]";
        ScanResult r = custom.scan(utf8(json), PayloadFormat.JSON, NO_DEADLINE);
        assertThat(r.findings()).extracting(f -> f.type().name(), Finding::start, Finding::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple("SECRET_NAME", json.indexOf("secret"), null),
                org.assertj.core.groups.Tuple.tuple("EMPLOYEE_ID", json.indexOf("EMP-1"), "acct"),
                org.assertj.core.groups.Tuple.tuple("SECRET_NAME", json.lastIndexOf("secret"), null),
                org.assertj.core.groups.Tuple.tuple("EMPLOYEE_ID", json.indexOf("EMP-6"), "acct"));
    }

    @Test
    void memberNamesAreScannedAndLabelledWithTheEnclosingMember() {
        String json = "{\"outer\": {\"SECRET\": 1}, \"SECRETS\": 2}";
        ScanResult r = scan(words(), json, PayloadFormat.JSON);
        assertThat(r.findings()).extracting(Finding::start, Finding::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(json.indexOf("SECRET"), "outer"),
                        org.assertj.core.groups.Tuple.tuple(json.indexOf("SECRETS"), null));
    }

    @Test
    void aMemberNameWithPiiIsNeverUsedAsALabel() {
        String json = "{\"SECRET-x\": \"the SECRET\", \"plain\": \"SECRET\"}";
        ScanResult r = scan(words(), json, PayloadFormat.JSON);
        assertThat(r.findings()).extracting(Finding::field).containsExactly(null, "[WORD]", "plain");
    }

    @Test
    void nonAsciiTextBeforeAFindingGivesByteOffsets() {
        String json = "{\"n\": \"héllo wörld 😀 SECRET\"}";
        ScanResult r = scan(words(), json, PayloadFormat.JSON);
        int start = at(json, "SECRET");
        assertThat(start).isGreaterThan(json.indexOf("SECRET"));
        assertThat(r.findings()).extracting(Finding::start, Finding::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(start, start + 6));
    }

    @Test
    void escapedStringsAreDecodedAndAFindingCoversTheWholeRawString() {
        // \u0053 is S: the raw bytes do not contain the word, the decoded string does
        String json = "{\"a\": \"x \\u0053ECRET y\", \"b\": \"tab\\there SECRET\", \"c\": \"no \\\"SECRET\\\" \"}";
        ScanResult r = scan(words(), json, PayloadFormat.JSON);
        int aStart = json.indexOf("x \\u0053");
        int bStart = json.indexOf("tab\\t");
        int cStart = json.indexOf("no \\\"");
        assertThat(r.findings()).extracting(Finding::start, Finding::end, Finding::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple(aStart, json.indexOf("\", \"b\""), "a"),
                org.assertj.core.groups.Tuple.tuple(bStart, json.indexOf("\", \"c\""), "b"),
                org.assertj.core.groups.Tuple.tuple(cStart, json.lastIndexOf("\"}"), "c"));
        // the raw bytes alone (as TEXT) miss the escaped one
        assertThat(scan(words(), "x \\u0053ECRET y", PayloadFormat.TEXT).detected()).isFalse();
    }

    @Test
    void escapedSurrogatePairsAndMemberNamesDecode() {
        Recorder recorder = new Recorder();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(recorder));
        scanner.scan(utf8("{\"e\\u006dail\": \"\\ud83d\\ude00 \\u00e9 \\ud800 \\/\"}"), PayloadFormat.JSON,
                NO_DEADLINE);
        assertThat(recorder.regions).containsExactly("email <null>", "😀 é \uFFFD / <email>");
    }

    @Test
    void numbersAreRegionsAndTheirFindingsCoverTheWholeToken() {
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(new SpanDetector(1, 3, 0.9, 5)));
        String json = "{\"card\": -4111111111111111, \"s\": \"abcdef\"}";
        ScanResult r = scanner.scan(utf8(json), PayloadFormat.JSON, NO_DEADLINE);
        int num = json.indexOf("-4111");
        int str = json.indexOf("abcdef");
        assertThat(r.findings()).extracting(Finding::start, Finding::end, Finding::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple(num, num + 17, "card"),
                org.assertj.core.groups.Tuple.tuple(str + 1, str + 3, "s"));
    }

    @Test
    void jsonNestingUpToTheLimitIsScannedBeyondItIsUnscannable() {
        PiiScanner scanner = PiiScanner.of(noBuiltIns(3), List.of(new WordDetector("WORD", "SECRET", 0.9)));
        assertThat(scanner.scan(utf8("[[{\"a\":\"SECRET\"}]]"), PayloadFormat.JSON, NO_DEADLINE).detected())
                .isTrue();
        assertThatThrownBy(() -> scanner.scan(utf8("[[[{\"a\":\"SECRET\"}]]]"), PayloadFormat.JSON, NO_DEADLINE))
                .isInstanceOf(PiiScanException.class)
                .satisfies(e -> assertThat(((PiiScanException) e).reason())
                        .isEqualTo(PiiScanException.Reason.UNSCANNABLE))
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void malformedJsonIsScannedAsText() {
        for (String bad : List.of("{\"a\": \"SECRET\"", "{\"a\": 01, \"b\": \"SECRET\"}", "[\"SECRET\",]",
                "{\"a\" \"SECRET\"}", "{'a': 'SECRET'}", "{\"a\": \"SECRET\"}}", "[\"SECRET\"}",
                "{\"a\": tru, \"SECRET\"}",
                "{\"a\": \"SECRET\n\"}", "{\"a\": \"\\x SECRET\"}", "SECRET and text", "12a SECRET", "1,\"SECRET\"")) {
            ScanResult r = scan(words(), bad, PayloadFormat.JSON);
            assertThat(r.format()).as(bad).isEqualTo(PayloadFormat.TEXT);
            assertThat(r.findings()).as(bad).extracting(Finding::start, Finding::field)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(bad.indexOf("SECRET"), null));
        }
        for (String good : List.of("{\"a\": \"SECRET\"}", "[\"SECRET\", 1e5, -0.5E-3, true, false, null, {}, []]",
                "\uFEFF{\"a\": \"SECRET\"}", " \"SECRET\" ")) {
            assertThat(scan(words(), good, PayloadFormat.JSON).format()).as(good).isEqualTo(PayloadFormat.JSON);
        }
    }

    @Test
    void invalidUtf8InJsonFallsBackToText() {
        byte[] payload = utf8("{\"a\": \"xx SECRET\"}");
        payload[7] = (byte) 0xC0; // an overlong lead byte inside the string
        ScanResult r = words().scan(payload, PayloadFormat.JSON, NO_DEADLINE);
        assertThat(r.format()).isEqualTo(PayloadFormat.TEXT);
        assertThat(r.findings()).hasSize(1);
        byte[] valid = utf8("{\"a\": \"é SECRET\"}");
        assertThat(words().scan(valid, PayloadFormat.JSON, NO_DEADLINE).format()).isEqualTo(PayloadFormat.JSON);
    }

    // ------------------------------------------------------------------------------------------------ CSV

    @Test
    void csvCellsAreHintedWithTheHeaderWhenTheFirstRowIsOne() {
        Recorder recorder = new Recorder();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(recorder, new WordDetector("WORD", "SECRET", 0.9)));
        String csv = "name,email_address\r\nAnn,ann-SECRET@example.com\r\nBob,bob@example.com,extra\r\n";
        ScanResult r = scanner.scan(utf8(csv), PayloadFormat.CSV, NO_DEADLINE);
        assertThat(r.format()).isEqualTo(PayloadFormat.CSV);
        assertThat(r.findings()).extracting(Finding::start, Finding::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(csv.indexOf("SECRET"), "email_address"));
        assertThat(recorder.regions).containsExactly("name <null>", "email_address <null>", "Ann <name>",
                "ann-SECRET@example.com <email_address>", "Bob <name>", "bob@example.com <email_address>",
                "extra <column 3>");
    }

    @Test
    void headerlessCsvIsHintedByColumnNumber() {
        Recorder recorder = new Recorder();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(recorder));
        scanner.scan(utf8("5.1,3.5,1.4\n4.9,3.0,1.4\n"), PayloadFormat.CSV, NO_DEADLINE);
        assertThat(recorder.regions).containsExactly("5.1 <column 1>", "3.5 <column 2>", "1.4 <column 3>",
                "4.9 <column 1>", "3.0 <column 2>", "1.4 <column 3>");
        // two rows of plain words: the first is not taken for a header
        recorder.regions.clear();
        scanner.scan(utf8("alpha,beta\ngamma,delta"), PayloadFormat.CSV, NO_DEADLINE);
        assertThat(recorder.regions).containsExactly("alpha <column 1>", "beta <column 2>", "gamma <column 1>",
                "delta <column 2>");
        // a single row is data, not a header
        recorder.regions.clear();
        scanner.scan(utf8("alpha,beta\n"), PayloadFormat.CSV, NO_DEADLINE);
        assertThat(recorder.regions).containsExactly("alpha <column 1>", "beta <column 2>");
    }

    @Test
    void quotedCellsKeepCommasAndLineBreaksAndDoubledQuotesMapToTheWholeCell() {
        Recorder recorder = new Recorder();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(recorder, new WordDetector("WORD", "SECRET", 0.9)));
        String csv = "id,comment\n1,\"a, b\nSECRET\"\n2,\"say \"\"SECRET\"\"\"\n";
        ScanResult r = scanner.scan(utf8(csv), PayloadFormat.CSV, NO_DEADLINE);
        int second = csv.indexOf("say");
        assertThat(r.findings()).extracting(Finding::start, Finding::end, Finding::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple(csv.indexOf("SECRET"), csv.indexOf("SECRET") + 6, "comment"),
                org.assertj.core.groups.Tuple.tuple(second, csv.lastIndexOf("\"\n"), "comment"));
        assertThat(recorder.regions).contains("a, b\nSECRET <comment>", "say \"SECRET\" <comment>");
    }

    @Test
    void aHeaderCellWithPiiLabelsItsColumnByNumber() {
        String csv = "name,SECRET_col\nAnn,1 SECRET\n";
        ScanResult r = scan(words(), csv, PayloadFormat.CSV);
        assertThat(r.findings()).extracting(Finding::field).containsExactly("column 2", "column 2");
    }

    @Test
    void malformedCsvIsScannedAsText() {
        for (String bad : List.of("a,\"SECRET", "a,b\"c,SECRET", "\"x\"y,SECRET")) {
            ScanResult r = scan(words(), bad, PayloadFormat.CSV);
            assertThat(r.format()).as(bad).isEqualTo(PayloadFormat.TEXT);
            assertThat(r.findings()).as(bad).hasSize(1);
        }
        byte[] invalid = utf8("a,b\nSECRET,x\n");
        invalid[1] = (byte) 0xFF;
        assertThat(words().scan(invalid, PayloadFormat.CSV, NO_DEADLINE).format()).isEqualTo(PayloadFormat.TEXT);
        assertThat(scan(words(), "a,\"SECRET\"\r\n", PayloadFormat.CSV).format()).isEqualTo(PayloadFormat.CSV);
    }

    // ------------------------------------------------------------------------------------------------ TEXT

    @Test
    void textIsOneRegionWithoutField() {
        Recorder recorder = new Recorder();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(recorder, new WordDetector("WORD", "SECRET", 0.9)));
        String text = "{\"a\": 1}, SECRET\nline two";
        ScanResult r = scanner.scan(utf8(text), PayloadFormat.TEXT, NO_DEADLINE);
        assertThat(recorder.regions).containsExactly(text + " <null>");
        assertThat(r.findings()).containsExactly(new Finding(WORD, 0.9, text.indexOf("SECRET"),
                text.indexOf("SECRET") + 6, null));
        assertThat(scanner.scan(new byte[0], PayloadFormat.JSON, NO_DEADLINE)).isSameAs(
                ScanResult.empty(PayloadFormat.JSON));
    }

    // ------------------------------------------------------------------------------------------------ findings

    @Test
    void overlapsKeepTheMoreConfidentThenTheLongerFinding() {
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(new WordDetector("LONG", "ABCDEF", 0.7),
                new WordDetector("SHORT", "CD", 0.9), new WordDetector("TAIL", "EFGH", 0.7),
                new WordDetector("ALONE", "XYZ", 0.6)));
        ScanResult r = scanner.scan(utf8("..ABCDEFGH..XYZ"), PayloadFormat.TEXT, NO_DEADLINE);
        // CD (0.9) beats ABCDEF (0.7); EFGH does not overlap CD and survives; XYZ is alone
        assertThat(r.findings()).extracting(f -> f.type().name()).containsExactly("SHORT", "TAIL", "ALONE");
        PiiScanner equal = PiiScanner.of(noBuiltIns(), List.of(new WordDetector("LONG", "ABCDEF", 0.7),
                new WordDetector("SHORT", "CD", 0.7), new WordDetector("TAIL", "EFGH", 0.7)));
        // same confidence: the longer ABCDEF wins over CD and over EFGH
        assertThat(equal.scan(utf8("..ABCDEFGH"), PayloadFormat.TEXT, NO_DEADLINE).findings())
                .extracting(f -> f.type().name()).containsExactly("LONG");
    }

    @Test
    void findingsBelowTheMinimumConfidenceAreDropped() {
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(new WordDetector("LOW", "low", 0.49),
                new WordDetector("MIN", "min", 0.5)));
        ScanResult r = scanner.scan(utf8("low min"), PayloadFormat.TEXT, NO_DEADLINE);
        assertThat(r.findings()).extracting(f -> f.type().name()).containsExactly("MIN");
        assertThat(r.countsByType()).containsEntry(new PiiType("MIN"), 1).hasSize(1);
    }

    @Test
    void spansAreWidenedToWholeUtf8Characters() {
        // "é" is two bytes; a span starting on its second byte is moved back to its first
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(new SpanDetector(2, 4, 0.9, 0)));
        ScanResult r = scanner.scan(utf8("aé€b"), PayloadFormat.TEXT, NO_DEADLINE);
        assertThat(r.findings()).extracting(Finding::start, Finding::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 6));
        ScanResult ascii = scanner.scan(utf8("abcdef"), PayloadFormat.TEXT, NO_DEADLINE);
        assertThat(ascii.findings()).extracting(Finding::start, Finding::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 4));
    }

    // ------------------------------------------------------------------------------------------------ failures

    @Test
    void aFailingDetectorFailsTheScanClosedWithoutQuotingThePayload() {
        PiiScanner scanner = words(new FailingDetector("boom"));
        assertThat(scanner.scan(utf8("{\"a\": \"fine\"}"), PayloadFormat.JSON, NO_DEADLINE).detected()).isFalse();
        assertThatThrownBy(() -> scanner.scan(utf8("{\"a\": \"boom 123-45-6789\"}"), PayloadFormat.JSON,
                NO_DEADLINE))
                .isInstanceOf(PiiScanException.class)
                .hasMessageContaining("FAILING")
                .hasMessageNotContaining("123-45-6789")
                .hasNoCause()
                .satisfies(e -> assertThat(((PiiScanException) e).reason())
                        .isEqualTo(PiiScanException.Reason.DETECTOR_FAILURE));
    }

    @Test
    void aDetectorReportingOutsideItsRegionFailsTheScan() {
        PiiScanner good = PiiScanner.of(noBuiltIns(), List.of(new SpanDetector(0, 2, 0.9, 3)));
        assertThat(good.scan(utf8("{\"a\": \"xyz\"}"), PayloadFormat.JSON, NO_DEADLINE).detected()).isTrue();
        for (Detector bad : List.of(new SpanDetector(0, 9, 0.9, 3), new SpanDetector(-1, 2, 0.9, 3),
                new SpanDetector(2, 2, 0.9, 3), new SpanDetector(0, 2, 1.5, 3),
                new SpanDetector(0, 2, Double.NaN, 3))) {
            PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(bad));
            assertThatThrownBy(() -> scanner.scan(utf8("{\"a\": \"xyz\"}"), PayloadFormat.JSON, NO_DEADLINE))
                    .isInstanceOf(PiiScanException.class)
                    .satisfies(e -> assertThat(((PiiScanException) e).reason())
                            .isEqualTo(PiiScanException.Reason.DETECTOR_FAILURE));
        }
    }

    @Test
    void aDeadlineAlreadyPassedIsATimeout() {
        PiiScanner scanner = words();
        assertThat(scanner.scan(utf8("SECRET"), PayloadFormat.TEXT, System.nanoTime() + 10_000_000_000L)
                .detected()).isTrue();
        assertThatThrownBy(() -> scanner.scan(utf8("SECRET"), PayloadFormat.TEXT, System.nanoTime() - 1))
                .isInstanceOf(PiiScanException.class)
                .satisfies(e -> assertThat(((PiiScanException) e).reason())
                        .isEqualTo(PiiScanException.Reason.TIMEOUT));
    }

    @Test
    void theDeadlineIsCheckedBetweenRegionsWithinAnyWindowOf64KiB() {
        // the first region takes until the deadline has passed; the scan must notice within the next 64 KiB
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 20_000; i++) {
            sb.append("\"value ").append(i).append("\",");
        }
        sb.append("1]");
        byte[] payload = utf8(sb.toString());
        assertThat(payload.length).isGreaterThan(3 * ScanSession.CHECK_INTERVAL);
        Recorder recorder = new Recorder();
        TestDetectors.ClockBurner burner = new TestDetectors.ClockBurner();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(burner, recorder));
        scanner.scan(payload, PayloadFormat.JSON, NO_DEADLINE); // loads and warms the classes (burner not armed)
        recorder.regions.clear();
        long deadline = burner.arm(50);
        assertThatThrownBy(() -> scanner.scan(payload, PayloadFormat.JSON, deadline))
                .isInstanceOf(PiiScanException.class)
                .satisfies(e -> assertThat(((PiiScanException) e).reason())
                        .isEqualTo(PiiScanException.Reason.TIMEOUT));
        int seenBytes = recorder.regions.stream().mapToInt(s -> s.length() - " <null>".length()).sum();
        assertThat(seenBytes).isLessThanOrEqualTo(ScanSession.CHECK_INTERVAL + 64);
        assertThat(burner.burned).isTrue(); // the scan got past its start
        // without a deadline the same scan completes
        assertThat(scanner.scan(payload, PayloadFormat.JSON, NO_DEADLINE).format()).isEqualTo(PayloadFormat.JSON);
    }

    @Test
    void jsonWithoutRegionsStillChecksTheDeadline() {
        // after the first region the clock has passed the deadline; 1 MB of literals follows, with no region to scan
        byte[] payload = utf8("[\"x\"" + ",true".repeat(200_000) + "]");
        TestDetectors.ClockBurner burner = new TestDetectors.ClockBurner();
        PiiScanner scanner = PiiScanner.of(noBuiltIns(), List.of(burner));
        scanner.scan(payload, PayloadFormat.JSON, NO_DEADLINE); // loads and warms the classes (burner not armed)
        long deadline = burner.arm(50);
        assertThatThrownBy(() -> scanner.scan(payload, PayloadFormat.JSON, deadline))
                .isInstanceOf(PiiScanException.class)
                .satisfies(e -> assertThat(((PiiScanException) e).reason())
                        .isEqualTo(PiiScanException.Reason.TIMEOUT));
        assertThat(burner.burned).isTrue(); // the scan got past its start
        assertThat(scanner.scan(payload, PayloadFormat.JSON, NO_DEADLINE).format()).isEqualTo(PayloadFormat.JSON);
    }

    @Test
    void moreFindingsThanTheBoundIsUnscannable() {
        PiiScanner twice = PiiScanner.of(noBuiltIns(), List.of(new WordDetector("A", "a", 0.9),
                new WordDetector("B", "a", 0.8)));
        byte[] many = new byte[ScanSession.MAX_FINDINGS / 2 + 1];
        java.util.Arrays.fill(many, (byte) 'a');
        assertThatThrownBy(() -> twice.scan(many, PayloadFormat.TEXT, NO_DEADLINE))
                .isInstanceOf(PiiScanException.class)
                .satisfies(e -> assertThat(((PiiScanException) e).reason())
                        .isEqualTo(PiiScanException.Reason.UNSCANNABLE));
        byte[] fewer = java.util.Arrays.copyOf(many, ScanSession.MAX_FINDINGS / 2);
        ScanResult r = twice.scan(fewer, PayloadFormat.TEXT, NO_DEADLINE);
        assertThat(r.findings()).hasSize(fewer.length).allMatch(f -> f.type().name().equals("A"));
    }

    @Test
    void anEnabledBuiltInSetCompilesTheBuiltInsAndAnEmptyOneSkipsThem() {
        // with no built-in enabled the scanner never touches BuiltInDetectors
        assertThat(PiiScanner.of(noBuiltIns()).builtIns()).isNull();
    }
}
