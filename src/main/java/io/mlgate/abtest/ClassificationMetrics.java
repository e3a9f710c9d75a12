package io.mlgate.abtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Classification metrics of one set of joined predictions, defined as scikit-learn defines them:
 * <ul>
 *   <li>accuracy: correct predictions / n;</li>
 *   <li>macro precision, recall, F1: the unweighted means over the classes that occur as a label or as a
 *       prediction of precision TP/(TP+FP), recall TP/(TP+FN) and F1 2PR/(P+R), each 0 when its denominator is
 *       (scikit-learn's {@code zero_division=0});</li>
 *   <li>ROC AUC: one-vs-rest, macro: for each of the model's classes that has at least one positive and one
 *       negative row, the AUC of the predicted probability of that class computed by the rank (Mann-Whitney U)
 *       method, U / (n+ &middot; n-) with U = (sum of the positives' ranks) - n+(n+ + 1)/2 and tied scores given
 *       their average rank (a tie between a positive and a negative counts one half); then the mean over those
 *       classes. Undefined (null) when no class qualifies.</li>
 * </ul>
 */
public final class ClassificationMetrics {

    private ClassificationMetrics() {
    }

    /** One joined row: the true label, the predicted label and the predicted probability of each class. */
    public record Observation(String label, String predicted, Map<String, Double> probabilities) {
        public Observation {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(predicted, "predicted");
            probabilities = Map.copyOf(probabilities);
        }
    }

    /** Precision, recall, F1, support (rows labelled with it) and one-vs-rest AUC (null if undefined) of a class. */
    public record ClassMetrics(String label, double precision, double recall, double f1, int support,
                               Double rocAuc) {
    }

    /** The metrics of {@code n} rows; {@code rocAuc} is null when undefined. */
    public record Metrics(int n, double accuracy, double precision, double recall, double f1, Double rocAuc,
                          List<ClassMetrics> classes) {
        public Metrics {
            classes = List.copyOf(classes);
        }
    }

    /**
     * The metrics of {@code rows}, for a model whose classes are {@code modelClasses} (the probability keys, in the
     * model's order).
     *
     * @throws IllegalArgumentException if there are no rows
     */
    public static Metrics compute(List<Observation> rows, List<String> modelClasses) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to evaluate");
        }
        Set<String> classes = new LinkedHashSet<>(modelClasses);
        Set<String> others = new TreeSet<>();
        for (Observation o : rows) {
            others.add(o.label());
            others.add(o.predicted());
        }
        others.removeAll(classes);
        classes.addAll(others);

        int correct = 0;
        for (Observation o : rows) {
            if (o.label().equals(o.predicted())) {
                correct++;
            }
        }
        List<ClassMetrics> per = new ArrayList<>();
        double sumP = 0;
        double sumR = 0;
        double sumF = 0;
        int averaged = 0;
        double sumAuc = 0;
        int aucs = 0;
        for (String c : classes) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (Observation o : rows) {
                boolean actual = o.label().equals(c);
                boolean predicted = o.predicted().equals(c);
                if (actual && predicted) {
                    tp++;
                } else if (predicted) {
                    fp++;
                } else if (actual) {
                    fn++;
                }
            }
            int support = tp + fn;
            boolean occurs = support > 0 || tp + fp > 0;
            double p = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
            double r = support == 0 ? 0 : (double) tp / support;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            Double auc = null;
            if (modelClasses.contains(c)) {
                double[] scores = new double[rows.size()];
                boolean[] positive = new boolean[rows.size()];
                for (int i = 0; i < rows.size(); i++) {
                    Double score = rows.get(i).probabilities().get(c);
                    scores[i] = score == null ? 0.0 : score;
                    positive[i] = rows.get(i).label().equals(c);
                }
                double value = rocAuc(scores, positive);
                if (!Double.isNaN(value)) {
                    auc = value;
                    sumAuc += value;
                    aucs++;
                }
            }
            if (occurs) {
                sumP += p;
                sumR += r;
                sumF += f;
                averaged++;
                per.add(new ClassMetrics(c, p, r, f, support, auc));
            }
        }
        return new Metrics(rows.size(), (double) correct / rows.size(), sumP / averaged, sumR / averaged,
                sumF / averaged, aucs == 0 ? null : sumAuc / aucs, per);
    }

    /**
     * The area under the ROC curve of {@code scores} for the rows marked {@code positive}, by the rank method with
     * average ranks for ties; {@link Double#NaN} when there is no positive or no negative row.
     */
    public static double rocAuc(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("scores and labels differ in length");
        }
        int n = scores.length;
        long positives = 0;
        for (boolean p : positive) {
            if (p) {
                positives++;
            }
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRanks = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && Double.compare(scores[order[j + 1]], scores[order[i]]) == 0) {
                j++;
            }
            double averageRank = (i + 1 + j + 1) / 2.0; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    positiveRanks += averageRank;
                }
            }
            i = j + 1;
        }
        double u = positiveRanks - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }
}
