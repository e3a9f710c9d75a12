package io.mlgate.abtest;

import io.mlgate.abtest.ClassificationMetrics.ClassMetrics;
import io.mlgate.abtest.ClassificationMetrics.Metrics;
import io.mlgate.abtest.ClassificationMetrics.Observation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The metrics against values computed by hand (the working is in the comments). */
class ClassificationMetricsTest {

    static final double EPS = 1e-12;

    static Observation row(String label, String predicted, double a, double b, double c) {
        return new Observation(label, predicted, Map.of("a", a, "b", b, "c", c));
    }

    @Test
    void rocAucByRanksWithoutTies() {
        // sorted: 0.1(-) 0.35(+) 0.4(-) 0.8(+): positive ranks 2 + 4 = 6, U = 6 - 2*3/2 = 3, AUC = 3 / (2*2)
        assertThat(ClassificationMetrics.rocAuc(new double[]{0.1, 0.4, 0.35, 0.8},
                new boolean[]{false, false, true, true})).isCloseTo(0.75, within(EPS));
        assertThat(ClassificationMetrics.rocAuc(new double[]{0.1, 0.2, 0.8, 0.9},
                new boolean[]{false, false, true, true})).isCloseTo(1.0, within(EPS));
        assertThat(ClassificationMetrics.rocAuc(new double[]{0.1, 0.2, 0.8, 0.9},
                new boolean[]{true, true, false, false})).isCloseTo(0.0, within(EPS));
    }

    @Test
    void tiedScoresShareTheirAverageRank() {
        // 0.5 0.5 0.5 take ranks 1..3 (average 2), 0.9 rank 4: positives 2 + 4 = 6, U = 3, AUC = 3/4
        // (pairwise: the tied positive against the two tied negatives counts 1/2 each, the 0.9 wins both)
        assertThat(ClassificationMetrics.rocAuc(new double[]{0.5, 0.5, 0.5, 0.9},
                new boolean[]{true, false, false, true})).isCloseTo(0.75, within(EPS));
        // all tied: every pair is a half
        assertThat(ClassificationMetrics.rocAuc(new double[]{0.3, 0.3, 0.3},
                new boolean[]{true, false, true})).isCloseTo(0.5, within(EPS));
    }

    @Test
    void rocAucIsUndefinedWithoutBothClasses() {
        assertThat(ClassificationMetrics.rocAuc(new double[]{0.1, 0.9}, new boolean[]{true, true})).isNaN();
        assertThat(ClassificationMetrics.rocAuc(new double[]{0.1, 0.9}, new boolean[]{false, false})).isNaN();
        assertThatThrownBy(() -> ClassificationMetrics.rocAuc(new double[]{0.1}, new boolean[]{true, false}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threeClassesByHand() {
        List<Observation> rows = List.of(
                row("a", "a", 0.7, 0.2, 0.1),
                row("a", "b", 0.4, 0.5, 0.1),
                row("b", "b", 0.2, 0.4, 0.4),
                row("b", "b", 0.1, 0.8, 0.1),
                row("c", "a", 0.5, 0.1, 0.4),
                row("c", "c", 0.2, 0.2, 0.6));
        Metrics m = ClassificationMetrics.compute(rows, List.of("a", "b", "c"));
        assertThat(m.n()).isEqualTo(6);
        assertThat(m.accuracy()).isCloseTo(4.0 / 6, within(EPS)); // rows 1, 3, 4, 6
        // a: TP 1, FP 1 (row 5), FN 1 (row 2) -> P 1/2, R 1/2, F1 1/2
        // b: TP 2, FP 1 (row 2), FN 0        -> P 2/3, R 1,   F1 4/5
        // c: TP 1, FP 0, FN 1 (row 5)        -> P 1,   R 1/2, F1 2/3
        assertThat(m.precision()).isCloseTo((0.5 + 2.0 / 3 + 1) / 3, within(EPS));
        assertThat(m.recall()).isCloseTo((0.5 + 1 + 0.5) / 3, within(EPS));
        assertThat(m.f1()).isCloseTo((0.5 + 0.8 + 2.0 / 3) / 3, within(EPS));
        // AUC a: positives 0.7, 0.4 vs negatives 0.2 0.1 0.5 0.2: 4 + 3 wins of 8 -> 7/8
        // AUC b: positives 0.4, 0.8 vs negatives 0.2 0.5 0.1 0.2: 3 + 4 of 8      -> 7/8
        // AUC c: positives 0.4, 0.6 vs negatives 0.1 0.1 0.4 0.1: 3.5 (a tie) + 4  -> 15/16
        ClassMetrics c = m.classes().get(2);
        assertThat(c.label()).isEqualTo("c");
        assertThat(c.rocAuc()).isCloseTo(15.0 / 16, within(EPS));
        assertThat(c.support()).isEqualTo(2);
        assertThat(m.classes().get(0).rocAuc()).isCloseTo(7.0 / 8, within(EPS));
        assertThat(m.classes().get(1).f1()).isCloseTo(0.8, within(EPS));
        assertThat(m.rocAuc()).isCloseTo((7.0 / 8 + 7.0 / 8 + 15.0 / 16) / 3, within(EPS));
    }

    @Test
    void aClassOnlyPredictedCountsWithZeroRecallAndAucNeedsBothSides() {
        // labels a a, predicted a b: a P 1 R 1/2 F1 2/3; b (never a label) P 0 R 0 F1 0
        List<Observation> rows = List.of(row("a", "a", 0.9, 0.1, 0), row("a", "b", 0.3, 0.7, 0));
        Metrics m = ClassificationMetrics.compute(rows, List.of("a", "b", "c"));
        assertThat(m.accuracy()).isCloseTo(0.5, within(EPS));
        assertThat(m.precision()).isCloseTo(0.5, within(EPS));
        assertThat(m.recall()).isCloseTo(0.25, within(EPS));
        assertThat(m.f1()).isCloseTo(1.0 / 3, within(EPS));
        // class c neither labelled nor predicted: not averaged; no class has both positives and negatives
        assertThat(m.classes()).extracting(ClassMetrics::label).containsExactly("a", "b");
        assertThat(m.rocAuc()).isNull();
    }

    @Test
    void aLabelOutsideTheModelsClassesIsAWrongPrediction() {
        List<Observation> rows = List.of(row("a", "a", 0.9, 0.05, 0.05), row("z", "a", 0.8, 0.1, 0.1));
        Metrics m = ClassificationMetrics.compute(rows, List.of("a", "b", "c"));
        assertThat(m.accuracy()).isCloseTo(0.5, within(EPS));
        // a: TP 1 FP 1 FN 0 -> P 1/2 R 1 F1 2/3; z: TP 0 FP 0 FN 1 -> 0 0 0
        assertThat(m.precision()).isCloseTo(0.25, within(EPS));
        assertThat(m.recall()).isCloseTo(0.5, within(EPS));
        assertThat(m.classes()).extracting(ClassMetrics::label).containsExactly("a", "z");
        // AUC a: the positive 0.9 beats the negative 0.8
        assertThat(m.rocAuc()).isCloseTo(1.0, within(EPS));
    }

    @Test
    void nothingToEvaluateIsAnError() {
        assertThatThrownBy(() -> ClassificationMetrics.compute(List.of(), List.of("a")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
