package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxModelTest {
    private static final List<String> AB = List.of("a", "b");
    private static OnnxModel iris;
    private static ModelDescriptor irisDescriptor;
    private static byte[] irisBytes;

    @BeforeAll
    static void load() {
        irisBytes = IrisRows.resource(IrisTrainer.ARTIFACT_FILE);
        irisDescriptor = ModelDescriptor.parse(IrisRows.resource(IrisTrainer.DESCRIPTOR_FILE));
        iris = OnnxModel.fromBytes(irisBytes, irisDescriptor);
    }

    @AfterAll
    static void close() {
        iris.close();
    }

    @Test
    void committedModelPredictsOneKnownRowOfEachClass() {
        ClassificationResult[] r = iris.predict(new float[][] {
                {5.1f, 3.5f, 1.4f, 0.2f},   // dataset row 1, setosa
                {7.0f, 3.2f, 4.7f, 1.4f},   // dataset row 51, versicolor
                {6.3f, 3.3f, 6.0f, 2.5f}}); // dataset row 101, virginica
        assertThat(r).extracting(ClassificationResult::predictedLabel)
                .containsExactly("setosa", "versicolor", "virginica");
        assertThat(r[0].probability("setosa")).isGreaterThan(0.9f);
        assertThat(r[2].probability("setosa")).isLessThan(0.1f);
    }

    @Test
    void probabilitiesSumToOneAndAgreeWithLabelsOnTheWholeDataset() {
        IrisDataset data = IrisRows.dataset();
        float[][] rows = data.samples().stream().map(IrisDataset.Sample::featuresAsFloats).toArray(float[][]::new);
        ClassificationResult[] results = iris.predict(rows);
        int correct = 0;
        for (int i = 0; i < results.length; i++) {
            float sum = 0;
            for (float p : results[i].probabilities()) {
                assertThat(p).isBetween(0f, 1f);
                sum += p;
            }
            assertThat(sum).isCloseTo(1f, within(1e-4f));
            if (results[i].predictedIndex() == data.samples().get(i).classIndex()) {
                correct++;
            }
        }
        assertThat(correct).isGreaterThanOrEqualTo(140);
    }

    @Test
    void garbageBytesGiveAClearExceptionNotACrash() {
        byte[] garbage = new byte[512];
        new Random(7).nextBytes(garbage);
        assertThatThrownBy(() -> OnnxModel.fromBytes(garbage, irisDescriptor.withSha256(null)))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("ONNX Runtime cannot load the model");
    }

    @Test
    void truncatedModelGivesAClearException() {
        byte[] truncated = java.util.Arrays.copyOf(irisBytes, irisBytes.length / 2);
        assertThatThrownBy(() -> OnnxModel.fromBytes(truncated, irisDescriptor.withSha256(null)))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("ONNX Runtime cannot load the model");
    }

    @Test
    void emptyBytesAreRejected() {
        assertThatThrownBy(() -> OnnxModel.fromBytes(new byte[0], irisDescriptor))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void digestPinnedInTheDescriptorIsEnforced() {
        byte[] other = TestGraphs.linear(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}},
                new float[] {0, 0, 0}, true);
        assertThatThrownBy(() -> OnnxModel.fromBytes(other, irisDescriptor))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("SHA-256");
        // The same graph loads when the descriptor does not pin a digest.
        try (OnnxModel m = OnnxModel.fromBytes(other, irisDescriptor.withSha256(null))) {
            assertThat(m.predict(new float[][] {{1, 2, 3, 4}})).hasSize(1);
        }
    }

    @Test
    void descriptorWithWrongFeatureCountIsRejected() {
        ModelDescriptor five = TestGraphs.descriptor(5, irisDescriptor.labels(), OutputKind.PROBABILITIES);
        assertThatThrownBy(() -> OnnxModel.fromBytes(irisBytes, five))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("has shape [-1, 4] but the descriptor lists 5 features");
    }

    @Test
    void descriptorWithWrongLabelCountIsRejected() {
        ModelDescriptor two = TestGraphs.descriptor(4, AB, OutputKind.PROBABILITIES);
        assertThatThrownBy(() -> OnnxModel.fromBytes(irisBytes, two))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("has shape [-1, 3] but the descriptor lists 2 labels");
    }

    @Test
    void descriptorWithWrongTensorNamesIsRejected() {
        ModelDescriptor d = irisDescriptor.withSha256(null);
        ModelDescriptor badInput = new ModelDescriptor(d.name(), d.artifact(), "features", d.outputName(),
                d.featureNames(), d.labels(), d.outputKind(), null, null, null, null);
        assertThatThrownBy(() -> OnnxModel.fromBytes(irisBytes, badInput))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("exactly one input named features");
        ModelDescriptor badOutput = new ModelDescriptor(d.name(), d.artifact(), d.inputName(), "probs",
                d.featureNames(), d.labels(), d.outputKind(), null, null, null, null);
        assertThatThrownBy(() -> OnnxModel.fromBytes(irisBytes, badOutput))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("names output probs");
    }

    @Test
    void logitsOutputIsTurnedIntoProbabilities() {
        byte[] graph = TestGraphs.linear(new float[][] {{1, 0}, {0, 1}}, new float[] {0, 0}, false);
        try (OnnxModel m = OnnxModel.fromBytes(graph, TestGraphs.descriptor(2, AB, OutputKind.LOGITS))) {
            ClassificationResult r = m.predict(new float[][] {{1f, 3f}})[0];
            double e = Math.exp(-2);
            assertThat(r.probability("a")).isCloseTo((float) (e / (1 + e)), within(1e-6f));
            assertThat(r.probability("b")).isCloseTo((float) (1 / (1 + e)), within(1e-6f));
            assertThat(r.predictedLabel()).isEqualTo("b");
        }
    }

    @Test
    void probabilitiesThatAreNotADistributionAreAModelError() {
        byte[] graph = TestGraphs.linear(new float[][] {{1, 0}, {0, 1}}, new float[] {0, 0}, false);
        try (OnnxModel m = OnnxModel.fromBytes(graph, TestGraphs.descriptor(2, AB, OutputKind.PROBABILITIES))) {
            assertThat(m.predict(new float[][] {{0.25f, 0.75f}})[0].probability("b")).isEqualTo(0.75f);
            assertThatThrownBy(() -> m.predict(new float[][] {{1f, 3f}}))
                    .isInstanceOf(ModelInvocationException.class)
                    .hasMessageContaining("not a probability distribution");
        }
    }

    @Test
    void rowsOfTheWrongLengthAreRejected() {
        assertThat(iris.predict(new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}})).hasSize(1);
        assertThatThrownBy(() -> iris.predict(new float[][] {{5.1f, 3.5f, 1.4f}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1 must have 4 values");
        assertThatThrownBy(() -> iris.predict(new float[0][]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedModelRefusesToPredict() {
        OnnxModel m = OnnxModel.fromBytes(irisBytes, irisDescriptor);
        assertThat(m.predict(new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}})).hasSize(1);
        m.close();
        m.close();
        assertThatThrownBy(() -> m.predict(new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}}))
                .isInstanceOf(ModelInvocationException.class)
                .hasMessageContaining("unloaded");
    }

    @Test
    void concurrentPredictionsMatchSequentialOnes() throws Exception {
        IrisDataset data = IrisRows.dataset();
        float[][] rows = data.samples().stream().map(IrisDataset.Sample::featuresAsFloats).toArray(float[][]::new);
        ClassificationResult[] expected = iris.predict(rows);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                tasks.add(() -> {
                    int checked = 0;
                    for (int i = 0; i < 300; i++) {
                        int r = (i * 7 + offset * 13) % rows.length;
                        int n = 1 + (i % 5);
                        float[][] batch = new float[Math.min(n, rows.length - r)][];
                        System.arraycopy(rows, r, batch, 0, batch.length);
                        ClassificationResult[] got = iris.predict(batch);
                        for (int k = 0; k < got.length; k++) {
                            assertThat(got[k]).isEqualTo(expected[r + k]);
                            checked++;
                        }
                    }
                    return checked;
                });
            }
            int total = 0;
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                total += f.get();
            }
            assertThat(total).isGreaterThan(1000);
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
