package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PII scanning with every built-in detector on (the defaults): throughput on JSON without PII (1 KB and 1 MB) and
 * with dense PII (1 MB), one thread, reported as bytes per second by the {@code bytes} counter (divide by 10^6 for
 * MB/s); and the latency a 1 KB InvokeEndpoint request with two PII values adds end to end (scan, then redact),
 * sampled, in µs. Targets (issue 8): 200 MB/s clean, 50 MB/s dense, p50 at most 10 µs for 1 KB. Run:
 * {@code bench/jmh.sh PiiScannerBenchmark}; results in docs/benchmarks.md. Not part of the test suite.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PiiScannerBenchmark {

    private PiiScanner scanner;
    private Redactor redactor;
    private byte[] clean1k;
    private byte[] clean1m;
    private byte[] dense1m;
    private byte[] request1k;

    /** Bytes scanned, reported by JMH as a rate next to ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Scanned {
        public long bytes;
    }

    @Setup(Level.Trial)
    public void setUp() {
        scanner = PiiScanner.of(DetectorSettings.defaults());
        redactor = new Redactor("benchmark tokenization key, 32+ bytes".getBytes(StandardCharsets.UTF_8));
        clean1k = cleanJson(1024, 1);
        clean1m = cleanJson(1 << 20, 2);
        dense1m = denseJson(1 << 20, 3);
        request1k = request();
        // the payloads are what they claim to be
        check(scanner.scan(clean1m, PayloadFormat.JSON, Long.MAX_VALUE).findings().isEmpty(), "clean 1 MB has PII");
        check(scanner.scan(clean1k, PayloadFormat.JSON, Long.MAX_VALUE).findings().isEmpty(), "clean 1 KB has PII");
        int dense = scanner.scan(dense1m, PayloadFormat.JSON, Long.MAX_VALUE).findings().size();
        check(dense > 10_000, "dense 1 MB has only " + dense + " findings");
        check(scanner.scan(request1k, PayloadFormat.JSON, Long.MAX_VALUE).findings().size() >= 2,
                "the 1 KB request has no PII");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ScanResult cleanJson1k(Scanned counter) {
        counter.bytes += clean1k.length;
        return scanner.scan(clean1k, PayloadFormat.JSON, Long.MAX_VALUE);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ScanResult cleanJson1m(Scanned counter) {
        counter.bytes += clean1m.length;
        return scanner.scan(clean1m, PayloadFormat.JSON, Long.MAX_VALUE);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ScanResult densePiiJson1m(Scanned counter) {
        counter.bytes += dense1m.length;
        return scanner.scan(dense1m, PayloadFormat.JSON, Long.MAX_VALUE);
    }

    /** What the gateway adds to a 1 KB request in REDACT mode: the scan with a deadline, then the redaction. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] request1kScanAndRedact() {
        ScanResult found = scanner.scan(request1k, PayloadFormat.JSON, System.nanoTime() + 100_000_000L);
        return redactor.redact(request1k, found, RedactionMethod.REPLACE);
    }

    // ---------------------------------------------------------------------------------------- payloads

    private static final String[] WORDS = ("the order ships on tuesday with the usual carrier and the customer "
            + "asked about returns warranty sizing colour delivery window invoice total discount code feedback "
            + "rating product quality support ticket resolved pending review model score version release").split(" ");

    /** Records as a model might get them: ids, labels, feature vectors, free text, timestamps; no PII. */
    static byte[] cleanJson(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 512);
        sb.append("{\"instances\":[");
        int i = 0;
        while (sb.length() < size - 300) {
            if (i++ > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(100_000 + r.nextInt(900_000))
                    .append(",\"customer\":\"cust_").append(Integer.toHexString(r.nextInt())).append('"')
                    .append(",\"segment\":\"").append(r.nextBoolean() ? "retail" : "business").append('"')
                    .append(",\"features\":[");
            for (int f = 0; f < 8; f++) {
                sb.append(f == 0 ? "" : ",").append(Math.round(r.nextDouble() * 10_000) / 1000.0);
            }
            sb.append("],\"text\":\"");
            for (int w = 0, n = 8 + r.nextInt(12); w < n; w++) {
                sb.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
            }
            sb.append(".\",\"ts\":\"2026-11-").append(10 + r.nextInt(18)).append("T12:").append(10 + r.nextInt(50))
                    .append(":00Z\",\"version\":\"1.").append(r.nextInt(9)).append('.').append(r.nextInt(9))
                    .append("\"}");
        }
        sb.append(" ".repeat(Math.max(0, size - sb.length() - 2))).append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Customer records that are mostly PII: email, phone, card, SSN, IBAN, IP address, and a note quoting two. */
    static byte[] denseJson(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 1024);
        sb.append('[');
        int i = 0;
        while (sb.length() < size - 600) {
            if (i++ > 0) {
                sb.append(",\n");
            }
            String email = "user" + r.nextInt(100_000) + "@example" + r.nextInt(100) + ".com";
            String phone = "+1 212-" + (200 + r.nextInt(700)) + "-" + (1000 + r.nextInt(9000));
            sb.append("{\"name\":\"customer ").append(i).append("\",\"email\":\"").append(email)
                    .append("\",\"phone\":\"").append(phone)
                    .append("\",\"card\":\"").append(card(r))
                    .append("\",\"ssn\":\"").append(ssn(r))
                    .append("\",\"iban\":\"").append(iban(r))
                    .append("\",\"ip\":\"10.").append(r.nextInt(256)).append('.').append(r.nextInt(256)).append('.')
                    .append(1 + r.nextInt(254))
                    .append("\",\"note\":\"please contact ").append(email).append(" or call ").append(phone)
                    .append("\"}");
        }
        sb.append(']');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A 1 KB InvokeEndpoint JSON request: a text input with an email and a phone number, and parameters. */
    static byte[] request() {
        StringBuilder sb = new StringBuilder("{\"inputs\":\"Hello, I ordered the blue jacket last week and it has "
                + "not arrived yet. The tracking page says it left the warehouse on Monday. Could you check "
                + "what happened? You can reach me at jane.doe@example.com or on +1 415-555-2671 during the day. "
                + "Thanks a lot for your help, the jacket was meant as a present for my brother.\","
                + "\"parameters\":{\"max_new_tokens\":256,\"temperature\":0.7,\"top_p\":0.9,\"do_sample\":true,"
                + "\"return_full_text\":false,\"stop\":[\"\\n\\n\",\"###\"],\"seed\":42},"
                + "\"metadata\":{\"channel\":\"web\",\"locale\":\"en-US\",\"session\":\"s-7f3a9c2e\",\"history\":[");
        int turn = 0;
        while (sb.length() < 1000) {
            sb.append(turn == 0 ? "" : ",").append("{\"role\":\"user\",\"turn\":").append(turn++)
                    .append(",\"text\":\"where is my order\"}");
        }
        sb.append("]}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String card(Random r) {
        int[] d = new int[16];
        d[0] = 4;
        for (int k = 1; k < 15; k++) {
            d[k] = r.nextInt(10);
        }
        int sum = 0;
        for (int k = 14; k >= 0; k--) {
            int v = d[k];
            if ((14 - k) % 2 == 0) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
        }
        d[15] = (10 - sum % 10) % 10;
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 16; k++) {
            sb.append(k > 0 && k % 4 == 0 ? " " : "").append(d[k]);
        }
        return sb.toString();
    }

    private static String ssn(Random r) {
        int area = 1 + r.nextInt(665);
        return String.format("%03d-%02d-%04d", area, 1 + r.nextInt(99), 1 + r.nextInt(9999));
    }

    /** A German IBAN with a correct check: DEkk + 18 digits. */
    private static String iban(Random r) {
        StringBuilder bban = new StringBuilder();
        for (int k = 0; k < 18; k++) {
            bban.append(r.nextInt(10));
        }
        // check digits: 98 - (BBAN + "DE00" as digits) mod 97, with D=13, E=14
        String digits = bban + "131400";
        int mod = 0;
        for (int k = 0; k < digits.length(); k++) {
            mod = (mod * 10 + digits.charAt(k) - '0') % 97;
        }
        String iban = String.format("DE%02d", 98 - mod) + bban;
        StringBuilder grouped = new StringBuilder();
        for (int k = 0; k < iban.length(); k++) {
            grouped.append(k > 0 && k % 4 == 0 ? " " : "").append(iban.charAt(k));
        }
        return grouped.toString();
    }
}
