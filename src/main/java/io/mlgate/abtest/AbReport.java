package io.mlgate.abtest;

import io.mlgate.abtest.CaptureReader.Captures;
import io.mlgate.abtest.CaptureReader.Prediction;
import io.mlgate.abtest.ClassificationMetrics.Metrics;
import io.mlgate.abtest.ClassificationMetrics.Observation;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The A/B report of one endpoint: its captured predictions joined with ground-truth labels by key, and per variant
 * the number joined, the metrics of {@link ClassificationMetrics}, the predictions that found no label and the
 * joined labels that are none of the model's classes; plus the labels no captured prediction matched.
 */
public record AbReport(String endpoint, List<VariantResult> variants, int labels, int labelsWithoutPrediction,
                       int files, int records, int unreadableLines, int recordsWithoutOutput) {

    /**
     * One variant: the model's classes (the probability keys), how many predictions joined a label, their metrics
     * (null if none joined), how many found no label, and how many joined labels are not among the classes.
     */
    public record VariantResult(String variant, List<String> classes, int joined, Metrics metrics, int unlabelled,
                                int unknownLabels) {
        public VariantResult {
            classes = List.copyOf(classes);
        }
    }

    public AbReport {
        Objects.requireNonNull(endpoint, "endpoint");
        variants = List.copyOf(variants);
    }

    /** Joins the captures with the labels (a label may match predictions of several variants or calls). */
    public static AbReport of(String endpoint, Captures captures, Map<String, String> labels) {
        Map<String, List<Prediction>> byVariant = new LinkedHashMap<>();
        for (Prediction p : captures.predictions()) {
            byVariant.computeIfAbsent(p.variant(), v -> new ArrayList<>()).add(p);
        }
        Set<String> matched = new HashSet<>();
        List<VariantResult> results = new ArrayList<>();
        for (Map.Entry<String, List<Prediction>> e : byVariant.entrySet()) {
            Set<String> classes = new LinkedHashSet<>();
            List<Observation> rows = new ArrayList<>();
            int unlabelled = 0;
            for (Prediction p : e.getValue()) {
                classes.addAll(p.probabilities().keySet());
                String label = labels.get(p.key());
                if (label == null) {
                    unlabelled++;
                    continue;
                }
                matched.add(p.key());
                rows.add(new Observation(label, p.predicted(), p.probabilities()));
            }
            int unknown = 0;
            for (Observation o : rows) {
                if (!classes.contains(o.label())) {
                    unknown++;
                }
            }
            List<String> classList = List.copyOf(classes);
            results.add(new VariantResult(e.getKey(), classList, rows.size(),
                    rows.isEmpty() ? null : ClassificationMetrics.compute(rows, classList), unlabelled, unknown));
        }
        return new AbReport(endpoint, results, labels.size(), labels.size() - matched.size(), captures.files(),
                captures.records(), captures.unreadableLines(), captures.recordsWithoutOutput());
    }

    /** The variant with the highest value of a metric among those that have it, or null. */
    public String best(java.util.function.Function<Metrics, Double> metric) {
        String best = null;
        double value = Double.NEGATIVE_INFINITY;
        for (VariantResult v : variants) {
            Double m = v.metrics() == null ? null : metric.apply(v.metrics());
            if (m != null && m > value) {
                value = m;
                best = v.variant();
            }
        }
        return best;
    }

    /** The report as a table for people. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("A/B report for endpoint ").append(endpoint).append('\n');
        out.append(String.format(Locale.ROOT, "%-16s %7s %9s %9s %9s %9s %9s %10s%n", "variant", "joined",
                "accuracy", "precision", "recall", "f1", "roc_auc", "unlabelled"));
        for (VariantResult v : variants) {
            Metrics m = v.metrics();
            out.append(String.format(Locale.ROOT, "%-16s %7d %9s %9s %9s %9s %9s %10d%n", v.variant(), v.joined(),
                    m == null ? "-" : fixed(m.accuracy()), m == null ? "-" : fixed(m.precision()),
                    m == null ? "-" : fixed(m.recall()), m == null ? "-" : fixed(m.f1()),
                    m == null || m.rocAuc() == null ? "-" : fixed(m.rocAuc()), v.unlabelled()));
        }
        out.append("labels: ").append(labels).append(", without a captured prediction: ")
                .append(labelsWithoutPrediction).append('\n');
        out.append("capture: ").append(files).append(" files, ").append(records).append(" records");
        if (unreadableLines > 0) {
            out.append(", ").append(unreadableLines).append(" unreadable lines");
        }
        if (recordsWithoutOutput > 0) {
            out.append(", ").append(recordsWithoutOutput).append(" records without a prediction output");
        }
        out.append('\n');
        for (VariantResult v : variants) {
            if (v.unknownLabels() > 0) {
                out.append("warning: ").append(v.unknownLabels()).append(" labels joined to variant ")
                        .append(v.variant()).append(" are none of its classes ").append(v.classes()).append('\n');
            }
        }
        String byAccuracy = best(Metrics::accuracy);
        String byAuc = best(Metrics::rocAuc);
        if (byAccuracy != null) {
            out.append("highest accuracy: ").append(byAccuracy);
            if (byAuc != null) {
                out.append("; highest ROC AUC: ").append(byAuc);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String fixed(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** The report as JSON (metrics as full-precision numbers, null where undefined). */
    public String toJson() {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode root = mapper.createObjectNode();
        root.put("endpoint", endpoint);
        ArrayNode list = root.putArray("variants");
        for (VariantResult v : variants) {
            ObjectNode n = list.addObject();
            n.put("variant", v.variant());
            n.put("joined", v.joined());
            Metrics m = v.metrics();
            number(n, "accuracy", m == null ? null : m.accuracy());
            number(n, "precision", m == null ? null : m.precision());
            number(n, "recall", m == null ? null : m.recall());
            number(n, "f1", m == null ? null : m.f1());
            number(n, "rocAuc", m == null ? null : m.rocAuc());
            n.put("unlabelled", v.unlabelled());
            n.put("unknownLabels", v.unknownLabels());
            ArrayNode classes = n.putArray("classes");
            if (m != null) {
                for (ClassificationMetrics.ClassMetrics c : m.classes()) {
                    ObjectNode cn = classes.addObject();
                    cn.put("label", c.label());
                    cn.put("support", c.support());
                    cn.put("precision", c.precision());
                    cn.put("recall", c.recall());
                    cn.put("f1", c.f1());
                    number(cn, "rocAuc", c.rocAuc());
                }
            }
        }
        root.put("labels", labels);
        root.put("labelsWithoutPrediction", labelsWithoutPrediction);
        ObjectNode capture = root.putObject("capture");
        capture.put("files", files);
        capture.put("records", records);
        capture.put("unreadableLines", unreadableLines);
        capture.put("recordsWithoutOutput", recordsWithoutOutput);
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void number(ObjectNode n, String name, Double value) {
        if (value == null) {
            n.putNull(name);
        } else {
            n.put(name, value.doubleValue());
        }
    }
}
