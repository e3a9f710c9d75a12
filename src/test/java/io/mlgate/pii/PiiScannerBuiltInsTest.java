package io.mlgate.pii;

import static io.mlgate.pii.TestDetectors.at;
import static io.mlgate.pii.TestDetectors.text;
import static io.mlgate.pii.TestDetectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The scanner with the real built-in detectors: hints reach them, numbers and escapes, end-to-end redaction. */
class PiiScannerBuiltInsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final PiiScanner scanner = PiiScanner.of(DetectorSettings.defaults());
    private final Redactor redactor = new Redactor(utf8("a tokenization key of at least 32 bytes"));

    private ScanResult scan(String payload, PayloadFormat format) {
        return scanner.scan(utf8(payload), format, NO_DEADLINE);
    }

    @Test
    void jsonValuesAreFoundWithTheirMemberNames() {
        String json = "{\"user\": {\"email\": \"jane.doe@example.com\", \"ssn\": \"123-45-6789\", "
                + "\"ip\": \"203.0.113.7\"}, \"note\": \"key AKIAIOSFODNN7EXAMPLE leaked\"}";
        ScanResult r = scan(json, PayloadFormat.JSON);
        assertThat(r.format()).isEqualTo(PayloadFormat.JSON);
        assertThat(r.findings()).extracting(f -> f.type().name(), Finding::start, Finding::field).containsExactly(
                tuple("EMAIL", at(json, "jane.doe"), "email"),
                tuple("US_SSN", at(json, "123-45"), "ssn"),
                tuple("IP_ADDRESS", at(json, "203.0"), "ip"),
                tuple("AWS_ACCESS_KEY", at(json, "AKIA"), "note"));
    }

    @Test
    void theFieldHintEnablesWeakForms() {
        // nine bare digits are an SSN only in an ssn field; a date is a date of birth only with a hint or context
        ScanResult hinted = scan("{\"ssn\": \"123456789\", \"dob\": \"1985-03-12\"}", PayloadFormat.JSON);
        assertThat(hinted.types()).extracting(PiiType::name).containsExactly("DATE_OF_BIRTH", "US_SSN");
        ScanResult plain = scan("{\"order\": \"123456789\", \"created\": \"1985-03-12\"}", PayloadFormat.JSON);
        assertThat(plain.detected()).isFalse();
        ScanResult csv = scan("name,ssn,birth_date\nAnn,123456789,1985-03-12\n", PayloadFormat.CSV);
        assertThat(csv.findings()).extracting(f -> f.type().name(), Finding::field)
                .containsExactly(tuple("US_SSN", "ssn"), tuple("DATE_OF_BIRTH", "birth_date"));
    }

    @Test
    void aCardSentAsAJsonNumberIsFoundAndRedactedToAString() {
        String json = "{\"card\": 4111111111111111, \"amount\": 1234567, \"qty\": 3}";
        ScanResult r = scan(json, PayloadFormat.JSON);
        assertThat(r.findings()).extracting(f -> f.type().name(), Finding::start, Finding::end)
                .containsExactly(tuple("CREDIT_CARD", 9, 25));
        String out = text(redactor.redact(utf8(json), r, RedactionMethod.MASK));
        assertThat(out).isEqualTo("{\"card\": \"************1111\", \"amount\": 1234567, \"qty\": 3}");
        assertThat(JSON.readTree(out).get("card").isString()).isTrue();
    }

    @Test
    void escapedValuesAndMemberNamesAreScanned() {
        String json = "{\"contact\": \"jane.doe\\u0040example.com\", \"jane.doe@example.com\": true}";
        ScanResult r = scan(json, PayloadFormat.JSON);
        assertThat(r.findings()).extracting(f -> f.type().name(), Finding::start, Finding::end, Finding::field)
                .containsExactly(
                        tuple("EMAIL", json.indexOf("jane.doe\\u"), json.indexOf("\", \"jane"), "contact"),
                        tuple("EMAIL", json.lastIndexOf("jane.doe@"), json.lastIndexOf("\": true"), null));
        String out = text(redactor.redact(utf8(json), r, RedactionMethod.REPLACE));
        assertThat(out).isEqualTo("{\"contact\": \"[EMAIL]\", \"[EMAIL]\": true}");
    }

    @Test
    void textAndLogLines() {
        String line = "login by jane.doe@example.com from 198.51.100.23 with AKIAIOSFODNN7EXAMPLE";
        assertThat(scan(line, PayloadFormat.TEXT).types()).extracting(PiiType::name)
                .containsExactly("AWS_ACCESS_KEY", "EMAIL", "IP_ADDRESS");
        assertThat(redactor.redactText(scanner, line))
                .isEqualTo("login by [EMAIL] from [IP_ADDRESS] with [AWS_ACCESS_KEY]");
    }

    @Test
    void disabledTypesAreNotReported() {
        PiiScanner noIps = PiiScanner.of(new DetectorSettings(Set.of(PiiType.EMAIL),
                DetectorSettings.DEFAULT_PHONE_REGIONS, 0.5, List.of(), 64));
        ScanResult r = noIps.scan(utf8("jane.doe@example.com 198.51.100.23"), PayloadFormat.TEXT, NO_DEADLINE);
        assertThat(r.types()).containsExactly(PiiType.EMAIL);
    }

    @Test
    void oneScannerServesManyThreadsAtOnce() throws Exception {
        PiiScanner shared = PiiScanner.of(DetectorSettings.defaults().withCustom(List.of(new CustomDetectorSpec(
                "EMPLOYEE_ID", "EMP-[0-9]{6}", null, CustomDetectorSpec.Checksum.NONE, 0.9, null, null, 0),
                new CustomDetectorSpec("CODENAME", null, List.of("project falcon"), CustomDetectorSpec.Checksum.NONE,
                        0.9, null, null, 0))));
        List<byte[]> payloads = List.of(PiiScannerBenchmark.denseJson(32 * 1024, 7),
                utf8("{\"a\": \"EMP-123456 on Project Falcon, jane.doe@example.com\"}"),
                PiiScannerBenchmark.request(), PiiScannerBenchmark.cleanJson(16 * 1024, 8));
        List<List<Finding>> expected = new java.util.ArrayList<>();
        for (byte[] p : payloads) {
            expected.add(shared.scan(p, PayloadFormat.JSON, NO_DEADLINE).findings());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                runs.add(pool.submit(() -> {
                    for (int k = 0; k < 200; k++) {
                        int which = (k + offset) % payloads.size();
                        if (!shared.scan(payloads.get(which), PayloadFormat.JSON, NO_DEADLINE).findings()
                                .equals(expected.get(which))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> run : runs) {
                assertThat(run.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(expected.get(1)).extracting(f -> f.type().name())
                .containsExactly("EMPLOYEE_ID", "CODENAME", "EMAIL");
    }

    @Test
    void denseAndCleanBenchmarkPayloadsRedactToWellFormedJsonWithoutPii() {
        byte[] dense = PiiScannerBenchmark.denseJson(64 * 1024, 3);
        ScanResult r = scanner.scan(dense, PayloadFormat.JSON, NO_DEADLINE);
        assertThat(r.countsByType().keySet()).extracting(PiiType::name)
                .contains("EMAIL", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS");
        JsonNode before = JSON.readTree(dense);
        for (RedactionMethod method : RedactionMethod.values()) {
            byte[] out = redactor.redact(dense, r, method);
            JsonNode after = JSON.readTree(out);
            assertThat(after.size()).isEqualTo(before.size());
            assertThat(after.get(0).propertyNames()).containsExactlyElementsOf(before.get(0).propertyNames());
            assertThat(scanner.scan(out, PayloadFormat.JSON, NO_DEADLINE).findings()).as(method.name()).isEmpty();
        }
        byte[] clean = PiiScannerBenchmark.cleanJson(64 * 1024, 2);
        assertThat(scanner.scan(clean, PayloadFormat.JSON, NO_DEADLINE).detected()).isFalse();
        assertThat(scanner.scan(PiiScannerBenchmark.request(), PayloadFormat.JSON, NO_DEADLINE).types())
                .extracting(PiiType::name).containsExactly("EMAIL", "PHONE_NUMBER");
    }
}
