package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IrisTrainerTest {
    private static TrainedClassifier trained;

    @BeforeAll
    static void train() {
        trained = IrisTrainer.trainFromClasspath();
    }

    @Test
    void trainingIsDeterministic() {
        TrainedClassifier again = IrisTrainer.trainFromClasspath();
        assertThat(again.onnxModel()).isEqualTo(trained.onnxModel());
        assertThat(again).isEqualTo(trained);
    }

    @Test
    void differentDataGivesADifferentModel() {
        String csv = new String(IrisRows.csvBytes(), StandardCharsets.US_ASCII);
        String changed = csv.replaceFirst("\n5\\.1,3\\.5,1\\.4,0\\.2,0", "\n5.0,3.6,1.4,0.2,0");
        assertThat(changed).isNotEqualTo(csv);
        TrainedClassifier other = IrisTrainer.train(changed.getBytes(StandardCharsets.US_ASCII));
        assertThat(other.onnxModel()).isNotEqualTo(trained.onnxModel());
    }

    @Test
    void heldOutAccuracyIsAtLeastNinetyPercent() {
        assertThat(trained.heldOutAccuracy()).isGreaterThanOrEqualTo(0.9);
        // Recompute independently: every fifth sample of each class was held out.
        IrisDataset data = IrisRows.dataset();
        List<IrisDataset.Sample> heldOut = new ArrayList<>();
        int[] seen = new int[3];
        for (IrisDataset.Sample s : data.samples()) {
            if (++seen[s.classIndex()] % 5 == 0) {
                heldOut.add(s);
            }
        }
        assertThat(heldOut).hasSize(30);
        float[][] rows = heldOut.stream().map(IrisDataset.Sample::featuresAsFloats).toArray(float[][]::new);
        try (OnnxModel model = OnnxModel.fromBytes(trained.onnxModel(), trained.descriptor())) {
            ClassificationResult[] results = model.predict(rows);
            int correct = 0;
            for (int i = 0; i < results.length; i++) {
                if (results[i].predictedIndex() == heldOut.get(i).classIndex()) {
                    correct++;
                }
            }
            assertThat((double) correct / rows.length).isEqualTo(trained.heldOutAccuracy());
        }
    }

    @Test
    void labelsFeaturesAndOutputKindTravelInTheDescriptor() {
        ModelDescriptor d = trained.descriptor();
        assertThat(d.labels()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(trained.labels()).isEqualTo(d.labels());
        assertThat(d.featureNames()).containsExactly("sepal_length_cm", "sepal_width_cm", "petal_length_cm",
                "petal_width_cm");
        assertThat(d.outputKind()).isEqualTo(OutputKind.PROBABILITIES);
        assertThat(d.inputName()).isEqualTo("input");
        assertThat(d.outputName()).isEqualTo("output");
        assertThat(d.sha256()).isEqualTo(OnnxModel.sha256Hex(trained.onnxModel()));
        assertThat(d.trainingCommand()).contains("./mlgate demo train-iris");
    }

    @Test
    void committedArtifactsAreWhatTheTrainerProduces() {
        assertThat(IrisRows.resource(IrisTrainer.ARTIFACT_FILE)).isEqualTo(trained.onnxModel());
        assertThat(IrisRows.resource(IrisTrainer.DESCRIPTOR_FILE)).isEqualTo(trained.descriptor().toJson());
    }

    @Test
    void trainAndWriteWritesArtifactAndDescriptor(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("iris.csv");
        Files.write(csv, IrisRows.csvBytes());
        Path out = dir.resolve("out");
        TrainedClassifier result = IrisTrainer.trainAndWrite(csv, out);
        assertThat(Files.readAllBytes(out.resolve("iris.onnx"))).isEqualTo(result.onnxModel());
        assertThat(ModelDescriptor.parse(Files.readAllBytes(out.resolve("iris.model.json"))))
                .isEqualTo(result.descriptor());
        assertThat(result).isEqualTo(trained);
    }

    @Test
    void theSepalOnlyVariantIsReproducibleAndMeasurablyWorse() {
        TrainedClassifier b = IrisTrainer.trainFromClasspath(IrisTrainer.Options.irisB());
        assertThat(IrisTrainer.trainFromClasspath(IrisTrainer.Options.irisB())).isEqualTo(b);
        assertThat(b.descriptor().name()).isEqualTo("iris-b");
        assertThat(b.descriptor().artifact()).isEqualTo("iris-b.onnx");
        // the same four-column input as iris, so one endpoint's variants take the same rows
        assertThat(b.featureNames()).isEqualTo(trained.featureNames());
        assertThat(b.descriptor().trainingCommand())
                .startsWith("./mlgate demo train-iris --name iris-b --features sepal_length_cm,sepal_width_cm");
        assertThat(b.heldOutAccuracy()).isBetween(0.7, 0.85);
        assertThat(trained.heldOutAccuracy() - b.heldOutAccuracy()).isGreaterThanOrEqualTo(0.1);
        assertThat(b.onnxModel()).isNotEqualTo(trained.onnxModel());
    }

    @Test
    void theSepalOnlyVariantIgnoresThePetalColumns() {
        TrainedClassifier b = IrisTrainer.trainFromClasspath(IrisTrainer.Options.irisB());
        float[][] rows = {{5.9f, 3.0f, 1.0f, 0.1f}, {5.9f, 3.0f, 6.5f, 2.4f}};
        try (OnnxModel model = OnnxModel.fromBytes(b.onnxModel(), b.descriptor());
             OnnxModel full = OnnxModel.fromBytes(trained.onnxModel(), trained.descriptor())) {
            ClassificationResult[] r = model.predict(rows);
            for (int c = 0; c < 3; c++) {
                assertThat(r[1].probability(c)).isEqualTo(r[0].probability(c));
            }
            // the full model does see them: a short petal is setosa, a long one virginica
            ClassificationResult[] f = full.predict(rows);
            assertThat(f[0].predictedLabel()).isEqualTo("setosa");
            assertThat(f[1].predictedLabel()).isEqualTo("virginica");
        }
    }

    @Test
    void committedIrisBIsWhatTheTrainerProduces() {
        TrainedClassifier b = IrisTrainer.trainFromClasspath(IrisTrainer.Options.irisB());
        assertThat(IrisRows.resource("iris-b.onnx")).isEqualTo(b.onnxModel());
        assertThat(IrisRows.resource("iris-b.model.json")).isEqualTo(b.descriptor().toJson());
    }

    @Test
    void optionsRefuseUnknownRepeatedOrNoFeaturesAndBadNames() {
        assertThatThrownBy(() -> new IrisTrainer.Options("x", List.of("petal_colour")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown feature petal_colour");
        assertThatThrownBy(() -> new IrisTrainer.Options("x", List.of("sepal_width_cm", "sepal_width_cm")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named twice");
        assertThatThrownBy(() -> new IrisTrainer.Options("x", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IrisTrainer.Options("../x", IrisTrainer.FEATURE_NAMES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model name");
        // column order is the input's, whatever order they are named in
        assertThat(new IrisTrainer.Options("x", List.of("sepal_width_cm", "sepal_length_cm")).features())
                .containsExactly("sepal_length_cm", "sepal_width_cm");
        assertThat(IrisTrainer.Options.standard().trainingCommand()).isEqualTo(trained.descriptor().trainingCommand());
    }

    @Test
    void rejectsCsvWithWrongFeatureCountInHeader() {
        byte[] csv = "3,5,a,b,c\n1,2,3,4,0\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> IrisTrainer.train(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declares 5 features");
    }

    @Test
    void rejectsUnknownClassCode() {
        byte[] csv = "1,4,a,b,c\n1,2,3,4,3\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> IrisTrainer.train(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class code 3");
    }

    @Test
    void rejectsNonNumericMeasurement() {
        byte[] csv = "1,4,a,b,c\n1,x,3,4,0\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> IrisTrainer.train(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2 column 2 is not a number");
    }

    @Test
    void rejectsRowCountDifferentFromHeader() {
        byte[] csv = "2,4,a,b,c\n1,2,3,4,0\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> IrisTrainer.train(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declares 2 rows but has 1");
    }
}
