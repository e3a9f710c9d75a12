package io.mlgate.pii;

import io.mlgate.pii.PiiCorpus.Decoy;
import io.mlgate.pii.PiiCorpus.Record;
import io.mlgate.pii.PiiCorpus.Span;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance corpus: per-type precision and recall of the built-in detectors on {@link PiiCorpus}, written to
 * {@code target/pii-corpus-report.md} and {@code .json}.
 *
 * <p>Rules: the detectors run with {@link DetectorSettings#defaults()} (every type, the default phone regions) on
 * each record, with its field name when it has one. Overlapping findings are resolved as the scanner resolves them
 * (the more confident, then the longer, then the earlier wins) and findings below the default minimum confidence
 * (0.5) are dropped. A finding is a true positive when a labelled span of the same type has exactly its bytes; any
 * other finding is a false positive of its type (also one that overlaps a labelled span only partly, or has another
 * type); a labelled span without an exact finding is a false negative. The lenient figures count a finding that
 * overlaps a labelled span of its type as a hit, and are reported only.
 */
class PiiCorpusTest {

    static final long SEED = 20261127L;
    static final int POSITIVES_PER_TYPE = 200;
    static final int NEGATIVES_PER_TYPE = 200;

    /** Structured identifiers with checksums or validity rules: the issue's bar. */
    static final Set<PiiType> STRUCTURED = Set.of(PiiType.CREDIT_CARD, PiiType.IBAN, PiiType.US_SSN, PiiType.US_ITIN,
            PiiType.AWS_ACCESS_KEY, PiiType.JWT, PiiType.PRIVATE_KEY, PiiType.EMAIL, PiiType.IP_ADDRESS);

    static final class Counts {
        int gold;
        int tp;
        int fp;
        int fn;
        int lenientTp;
        int lenientFp;
        int lenientFn;
        final Map<String, Integer> fpReasons = new TreeMap<>();
        final Map<String, Integer> fnReasons = new TreeMap<>();
        final List<String> examples = new ArrayList<>();

        double precision() {
            return tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
        }

        double recall() {
            return gold == 0 ? 1.0 : (double) tp / gold;
        }

        double lenientPrecision() {
            return lenientTp + lenientFp == 0 ? 1.0 : (double) lenientTp / (lenientTp + lenientFp);
        }

        double lenientRecall() {
            return gold == 0 ? 1.0 : (double) (gold - lenientFn) / gold;
        }
    }

    static Map<PiiType, Counts> results;
    static int records;
    static int positives;
    static int decoys;

    @BeforeAll
    static void evaluate() throws Exception {
        List<Record> corpus = new PiiCorpus(SEED).generate(POSITIVES_PER_TYPE, NEGATIVES_PER_TYPE);
        BuiltInDetectors detectors = BuiltInDetectors.compile(DetectorSettings.defaults());
        double min = DetectorSettings.defaults().minConfidence();
        results = new LinkedHashMap<>();
        for (PiiType t : PiiType.BUILT_IN) {
            results.put(t, new Counts());
        }
        records = corpus.size();
        for (Record r : corpus) {
            positives += r.spans().size();
            decoys += r.decoys().size();
            byte[] bytes = r.bytes();
            List<Finding> raw = new ArrayList<>();
            detectors.scan(bytes, 0, bytes.length, r.field(),
                    (type, confidence, start, end) -> raw.add(new Finding(type, confidence, start, end, r.field())),
                    Long.MAX_VALUE);
            List<Finding> found = resolve(raw, min);
            score(r, bytes, found);
        }
        writeReport();
    }

    /** The scanner's overlap rule: more confident, then longer, then earlier wins; then the minimum confidence. */
    static List<Finding> resolve(List<Finding> raw, double min) {
        List<Finding> sorted = new ArrayList<>(raw);
        sorted.sort(Comparator.comparingDouble(Finding::confidence).reversed()
                .thenComparing(Comparator.comparingInt(Finding::length).reversed())
                .thenComparingInt(Finding::start));
        List<Finding> kept = new ArrayList<>();
        for (Finding f : sorted) {
            if (kept.stream().noneMatch(k -> k.start() < f.end() && f.start() < k.end())) {
                kept.add(f);
            }
        }
        kept.removeIf(f -> f.confidence() < min);
        kept.sort(Comparator.comparingInt(Finding::start));
        return kept;
    }

    private static void score(Record r, byte[] bytes, List<Finding> found) {
        for (Span s : r.spans()) {
            Counts c = results.get(s.type());
            c.gold++;
            boolean exact = found.stream().anyMatch(f -> f.type().equals(s.type()) && f.start() == s.start()
                    && f.end() == s.end());
            boolean overlap = found.stream().anyMatch(f -> f.type().equals(s.type()) && f.start() < s.end()
                    && s.start() < f.end());
            if (exact) {
                c.tp++;
            } else {
                c.fn++;
                Finding other = found.stream().filter(f -> f.start() < s.end() && s.start() < f.end()).findFirst()
                        .orElse(null);
                String reason = other == null ? "not found" : other.type().equals(s.type())
                        ? "span differs" : "found as " + other.type();
                c.fnReasons.merge(reason, 1, Integer::sum);
                example(c, "FN (" + reason + ")", r, bytes, s.start(), s.end());
            }
            if (!overlap) {
                c.lenientFn++;
            }
        }
        for (Finding f : found) {
            Counts c = results.get(f.type());
            boolean exact = r.spans().stream().anyMatch(s -> s.type().equals(f.type()) && s.start() == f.start()
                    && s.end() == f.end());
            boolean overlap = r.spans().stream().anyMatch(s -> s.type().equals(f.type()) && f.start() < s.end()
                    && s.start() < f.end());
            if (!exact) {
                c.fp++;
                String reason = reason(r, f);
                c.fpReasons.merge(reason, 1, Integer::sum);
                example(c, "FP (" + reason + ")", r, bytes, f.start(), f.end());
            }
            if (overlap) {
                c.lenientTp++;
            } else {
                c.lenientFp++;
            }
        }
    }

    private static String reason(Record r, Finding f) {
        for (Decoy d : r.decoys()) {
            if (f.start() < d.end() && d.start() < f.end()) {
                return d.kind();
            }
        }
        for (Span s : r.spans()) {
            if (f.start() < s.end() && s.start() < f.end()) {
                return s.type().equals(f.type()) ? "span differs from the label" : "inside a labelled " + s.type();
            }
        }
        return "surrounding text";
    }

    private static void example(Counts c, String what, Record r, byte[] bytes, int start, int end) {
        if (c.examples.size() < 8) {
            String value = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            c.examples.add(what + ": `" + value.replace("\n", "\\n").replace("`", "'") + "` in `"
                    + r.text().replace("\n", "\\n").replace("`", "'") + "`"
                    + (r.field() == null ? "" : " (field " + r.field() + ")"));
        }
    }

    private static void writeReport() throws Exception {
        Path target = Path.of("target");
        Files.createDirectories(target);
        StringBuilder md = new StringBuilder();
        md.append("# PII corpus report\n\n");
        md.append(String.format(Locale.ROOT, "Seed %d: %d records, %d labelled values, %d decoys. Default settings "
                + "(minimum confidence 0.5, phone regions %s). Exact span match; overlaps resolved as the scanner "
                + "does (confidence, then length).%n%n", SEED, records, positives, decoys,
                DetectorSettings.DEFAULT_PHONE_REGIONS));
        md.append("| type | labelled | TP | FP | FN | precision | recall | lenient precision | lenient recall |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", SEED);
        json.put("records", records);
        json.put("labelled", positives);
        json.put("decoys", decoys);
        Map<String, Object> types = new LinkedHashMap<>();
        for (Map.Entry<PiiType, Counts> e : results.entrySet()) {
            Counts c = e.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.4f | %.4f | %.4f | %.4f |%n",
                    e.getKey(), c.gold, c.tp, c.fp, c.fn, c.precision(), c.recall(), c.lenientPrecision(),
                    c.lenientRecall()));
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("labelled", c.gold);
            t.put("tp", c.tp);
            t.put("fp", c.fp);
            t.put("fn", c.fn);
            t.put("precision", c.precision());
            t.put("recall", c.recall());
            t.put("lenientPrecision", c.lenientPrecision());
            t.put("lenientRecall", c.lenientRecall());
            t.put("falsePositives", c.fpReasons);
            t.put("falseNegatives", c.fnReasons);
            types.put(e.getKey().name(), t);
        }
        json.put("types", types);
        md.append("\n## Errors\n\n");
        for (Map.Entry<PiiType, Counts> e : results.entrySet()) {
            Counts c = e.getValue();
            if (c.fp + c.fn == 0) {
                continue;
            }
            md.append("### ").append(e.getKey()).append("\n\n");
            c.fpReasons.forEach((k, v) -> md.append("- FP ").append(v).append(": ").append(k).append('\n'));
            c.fnReasons.forEach((k, v) -> md.append("- FN ").append(v).append(": ").append(k).append('\n'));
            md.append("\nExamples (synthetic data):\n\n");
            c.examples.forEach(x -> md.append("- ").append(x).append('\n'));
            md.append('\n');
        }
        Files.writeString(target.resolve("pii-corpus-report.md"), md.toString());
        Files.writeString(target.resolve("pii-corpus-report.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    @Test
    void theCorpusIsLargeAndCoversEveryType() {
        assertThat(positives).isGreaterThanOrEqualTo(2000);
        assertThat(decoys).isGreaterThanOrEqualTo(2000);
        for (PiiType t : PiiType.BUILT_IN) {
            assertThat(results.get(t).gold).as(t.name()).isGreaterThanOrEqualTo(POSITIVES_PER_TYPE);
        }
    }

    @Test
    void structuredIdentifiersReachTheIssueBar() {
        for (PiiType t : STRUCTURED) {
            Counts c = results.get(t);
            assertThat(c.recall()).as(t + " recall").isGreaterThanOrEqualTo(0.99);
            assertThat(c.precision()).as(t + " precision").isGreaterThanOrEqualTo(0.98);
        }
    }

    @Test
    void contextDependentTypesKeepTheirMeasuredFigures() {
        // Measured with this seed: 1.0 precision and recall for all three (over eight other seeds of 300 values
        // per type: phone 1.0 / 1.0, date of birth 1.0 / 1.0, secret key 1.0 / 0.9988); the bars leave a margin
        // of 0.02, about four values of this corpus.
        for (PiiType t : List.of(PiiType.PHONE_NUMBER, PiiType.DATE_OF_BIRTH, PiiType.AWS_SECRET_KEY)) {
            Counts c = results.get(t);
            assertThat(c.recall()).as(t + " recall").isGreaterThanOrEqualTo(0.98);
            assertThat(c.precision()).as(t + " precision").isGreaterThanOrEqualTo(0.98);
        }
    }
}
