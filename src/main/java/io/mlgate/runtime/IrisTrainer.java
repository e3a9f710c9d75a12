package io.mlgate.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Trains the demo {@code iris} classifier: multinomial logistic regression (Tribuo {@link LinearSGDTrainer} with
 * {@link LogMulticlass} and AdaGrad, fixed seed) on standardised features, exported to ONNX with the
 * standardisation and a canonical class order baked into the graph, so the model takes raw measurements in cm and
 * returns probabilities for setosa, versicolor, virginica in that order.
 *
 * <p>{@link Options} train a variant on fewer features (the A/B demo's weaker {@value #IRIS_B} uses the sepal
 * measurements only): the model still takes all four columns, and the graph selects the ones it was trained on, so
 * both variants of an endpoint accept the same rows.
 *
 * <p>Split: within each class, every fifth sample (the 5th, 10th, ...) is held out; the rest train. Training twice
 * on the same CSV with the same options gives byte-identical ONNX.
 */
public final class IrisTrainer {
    /** Endpoint and model name. */
    public static final String MODEL_NAME = "iris";
    /** File name of the ONNX artifact. */
    public static final String ARTIFACT_FILE = "iris.onnx";
    /** File name of the descriptor written next to the artifact. */
    public static final String DESCRIPTOR_FILE = "iris.model.json";
    /** Classpath location of the bundled training data. */
    public static final String CLASSPATH_DATA = "/demo/data/iris.csv";
    /** Feature names in input-column order (the CSV's column order). */
    public static final List<String> FEATURE_NAMES =
            List.of("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm");

    /** The A/B demo's second model: trained on the sepal measurements only, so measurably less accurate. */
    public static final String IRIS_B = "iris-b";
    /** The features {@value #IRIS_B} is trained on. */
    public static final List<String> IRIS_B_FEATURES = List.of("sepal_length_cm", "sepal_width_cm");

    /**
     * What to train: the model's name (also the file names {@code NAME.onnx} and {@code NAME.model.json}) and the
     * input columns it may use, a non-empty subset of {@link #FEATURE_NAMES} (kept in column order).
     */
    public record Options(String name, List<String> features) {
        public Options {
            if (name == null || !name.matches("[a-z0-9](?:-?[a-z0-9]){0,62}")) {
                throw new IllegalArgumentException("model name must be lower-case letters, digits and inner hyphens"
                        + " (at most 63)");
            }
            if (features == null || features.isEmpty()) {
                throw new IllegalArgumentException("at least one feature is needed");
            }
            for (String f : features) {
                if (!FEATURE_NAMES.contains(f)) {
                    throw new IllegalArgumentException("unknown feature " + f + "; the features are " + FEATURE_NAMES);
                }
            }
            if (features.stream().distinct().count() != features.size()) {
                throw new IllegalArgumentException("a feature is named twice");
            }
            features = FEATURE_NAMES.stream().filter(features::contains).toList();
        }

        /** The demo model {@value #MODEL_NAME} on all four features. */
        public static Options standard() {
            return new Options(MODEL_NAME, FEATURE_NAMES);
        }

        /** The A/B demo's second model {@value #IRIS_B}. */
        public static Options irisB() {
            return new Options(IRIS_B, IRIS_B_FEATURES);
        }

        public String artifactFile() {
            return name + ".onnx";
        }

        public String descriptorFile() {
            return name + ".model.json";
        }

        boolean allFeatures() {
            return features.size() == FEATURE_NAMES.size();
        }

        /** Input columns used, in order. */
        long[] columns() {
            return features.stream().mapToLong(FEATURE_NAMES::indexOf).toArray();
        }

        String summary() {
            return allFeatures() ? TRAINER_SUMMARY : TRAINER_SUMMARY + "; uses only the input columns "
                    + String.join(", ", features);
        }

        String trainingCommand() {
            if (equals(standard())) {
                return TRAINING_COMMAND;
            }
            return "./mlgate demo train-iris --name " + name + (allFeatures() ? "" : " --features "
                    + String.join(",", features)) + " (reads src/main/resources/demo/data/iris.csv, writes "
                    + "src/main/resources/demo/" + artifactFile() + " and " + descriptorFile() + ")";
        }
    }

    static final long SEED = 42L;
    static final int EPOCHS = 100;
    static final double LEARNING_RATE = 0.5;
    static final double ADAGRAD_EPSILON = 0.1;
    static final int HOLD_OUT_EVERY = 5;

    static final String TRAINER_SUMMARY = "Tribuo 4.3.2 LinearSGDTrainer(objective=LogMulticlass, "
            + "optimiser=AdaGrad(learningRate=" + LEARNING_RATE + ", epsilon=" + ADAGRAD_EPSILON + "), epochs="
            + EPOCHS + ", minibatch=1, seed=" + SEED + "); features standardised with training-split mean and "
            + "standard deviation inside the graph; held out: every " + HOLD_OUT_EVERY + "th sample of each class";
    static final String TRAINING_COMMAND = "./mlgate demo train-iris "
            + "(reads src/main/resources/demo/data/iris.csv, writes src/main/resources/demo/iris.onnx and iris.model.json)";

    private static final String ONNX_DOMAIN = "io.mlgate";
    private static final long ONNX_MODEL_VERSION = 1;
    private static final float DISTRIBUTION_TOLERANCE = 1e-3f;

    private IrisTrainer() {
    }

    /** Trains from the Iris data bundled on the classpath ({@value #CLASSPATH_DATA}). */
    public static TrainedClassifier trainFromClasspath() {
        return trainFromClasspath(Options.standard());
    }

    /** Trains the model {@code options} describe from the bundled Iris data. */
    public static TrainedClassifier trainFromClasspath(Options options) {
        try (InputStream in = IrisTrainer.class.getResourceAsStream(CLASSPATH_DATA)) {
            if (in == null) {
                throw new IllegalStateException("bundled iris data " + CLASSPATH_DATA + " is missing");
            }
            return train(in.readAllBytes(), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled iris data", e);
        }
    }

    /** Trains from an Iris CSV file in scikit-learn's format. */
    public static TrainedClassifier train(Path csv) throws IOException {
        return train(Files.readAllBytes(csv));
    }

    /** Trains from the bytes of an Iris CSV in scikit-learn's format. */
    public static TrainedClassifier train(byte[] csv) {
        return train(csv, Options.standard());
    }

    /** Trains the model {@code options} describe from the bytes of an Iris CSV in scikit-learn's format. */
    public static TrainedClassifier train(byte[] csv, Options options) {
        Objects.requireNonNull(options, "options");
        IrisDataset data = IrisDataset.parse(Objects.requireNonNull(csv, "csv"));
        List<IrisDataset.Sample> train = new ArrayList<>();
        List<IrisDataset.Sample> heldOut = new ArrayList<>();
        int[] seen = new int[data.classNames().size()];
        for (IrisDataset.Sample s : data.samples()) {
            if (++seen[s.classIndex()] % HOLD_OUT_EVERY == 0) {
                heldOut.add(s);
            } else {
                train.add(s);
            }
        }
        if (train.isEmpty() || heldOut.isEmpty()) {
            throw new IllegalArgumentException("iris CSV has too few rows to split into training and held-out sets");
        }
        double[] mean = new double[IrisDataset.FEATURES];
        double[] std = new double[IrisDataset.FEATURES];
        standardisation(train, mean, std);

        LinearSGDModel model = fit(train, data.classNames(), mean, std, options.columns());
        byte[] onnx = export(model, data.classNames(), mean, std, options);

        ModelDescriptor probe = new ModelDescriptor(options.name(), options.artifactFile(), "input", "output",
                FEATURE_NAMES, data.classNames(), detectOutputKind(onnx, train), null, null, options.summary(),
                options.trainingCommand());
        double accuracy = accuracy(onnx, probe, heldOut);
        ModelDescriptor descriptor = new ModelDescriptor(probe.name(), probe.artifact(), probe.inputName(),
                probe.outputName(), probe.featureNames(), probe.labels(), probe.outputKind(), accuracy,
                OnnxModel.sha256Hex(onnx), probe.trainer(), probe.trainingCommand());
        return new TrainedClassifier(onnx, descriptor.labels(), descriptor.featureNames(), accuracy, descriptor);
    }

    /**
     * Trains and writes {@value #ARTIFACT_FILE} and {@value #DESCRIPTOR_FILE} into {@code outDir} (created if
     * needed). A {@code null} csv means the bundled classpath data.
     */
    public static TrainedClassifier trainAndWrite(Path csv, Path outDir) throws IOException {
        return trainAndWrite(csv, outDir, Options.standard());
    }

    /**
     * Trains the model {@code options} describe and writes {@code NAME.onnx} and {@code NAME.model.json} into
     * {@code outDir} (created if needed). A {@code null} csv means the bundled classpath data.
     */
    public static TrainedClassifier trainAndWrite(Path csv, Path outDir, Options options) throws IOException {
        Objects.requireNonNull(outDir, "outDir");
        TrainedClassifier trained = csv == null ? trainFromClasspath(options)
                : train(Files.readAllBytes(csv), options);
        Files.createDirectories(outDir);
        Files.write(outDir.resolve(options.artifactFile()), trained.onnxModel());
        Files.write(outDir.resolve(options.descriptorFile()), trained.descriptor().toJson());
        return trained;
    }

    /**
     * Command line: {@code IrisTrainer <iris.csv> <outDir>}, or {@code IrisTrainer <outDir>} to train from the
     * bundled data.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: IrisTrainer [iris.csv] <output directory>");
            System.exit(2);
            return;
        }
        Path csv = args.length == 2 ? Path.of(args[0]) : null;
        Path outDir = Path.of(args[args.length - 1]);
        TrainedClassifier trained = trainAndWrite(csv, outDir);
        System.out.printf("wrote %s (%d bytes) and %s; held-out accuracy %.4f; output kind %s%n",
                outDir.resolve(ARTIFACT_FILE), trained.onnxModel().length, outDir.resolve(DESCRIPTOR_FILE),
                trained.heldOutAccuracy(), trained.descriptor().outputKind().wireName());
    }

    private static void standardisation(List<IrisDataset.Sample> rows, double[] mean, double[] std) {
        for (IrisDataset.Sample s : rows) {
            for (int f = 0; f < mean.length; f++) {
                mean[f] += s.features()[f];
            }
        }
        for (int f = 0; f < mean.length; f++) {
            mean[f] /= rows.size();
        }
        for (IrisDataset.Sample s : rows) {
            for (int f = 0; f < std.length; f++) {
                double d = s.features()[f] - mean[f];
                std[f] += d * d;
            }
        }
        for (int f = 0; f < std.length; f++) {
            std[f] = Math.sqrt(std[f] / rows.size());
            if (!(std[f] > 0)) {
                std[f] = 1.0;
            }
        }
    }

    /** Tribuo names features internally f0..f3 so its (name-sorted) feature ids equal the CSV column order. */
    private static String internalFeatureName(int column) {
        return "f" + column;
    }

    /** Fits on the standardised {@code columns}; Tribuo's feature i is input column {@code columns[i]}. */
    private static LinearSGDModel fit(List<IrisDataset.Sample> train, List<String> classNames, double[] mean,
            double[] std, long[] columns) {
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> dataset =
                new MutableDataset<>(new SimpleDataSourceProvenance("iris training split", labels), labels);
        String[] names = new String[columns.length];
        for (int f = 0; f < names.length; f++) {
            names[f] = internalFeatureName(f);
        }
        for (IrisDataset.Sample s : train) {
            double[] z = new double[columns.length];
            for (int f = 0; f < z.length; f++) {
                int c = (int) columns[f];
                z[f] = (s.features()[c] - mean[c]) / std[c];
            }
            dataset.add(new ArrayExample<>(new Label(classNames.get(s.classIndex())), names, z));
        }
        // A new trainer per call: Tribuo trainers advance their RNG on every train() call.
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(),
                new AdaGrad(LEARNING_RATE, ADAGRAD_EPSILON), EPOCHS, Integer.MAX_VALUE, 1, SEED);
        LinearSGDModel model = trainer.train(dataset);
        ImmutableFeatureMap featureIds = model.getFeatureIDMap();
        for (int f = 0; f < names.length; f++) {
            if (featureIds.getID(names[f]) != f) {
                throw new IllegalStateException("Tribuo assigned feature " + names[f] + " to column "
                        + featureIds.getID(names[f]));
            }
        }
        return model;
    }

    private static byte[] export(LinearSGDModel model, List<String> classNames, double[] mean, double[] std,
            Options options) {
        ImmutableOutputInfo<Label> outputIds = model.getOutputIDInfo();
        long[] classOrder = new long[classNames.size()];
        for (int c = 0; c < classOrder.length; c++) {
            int id = outputIds.getID(new Label(classNames.get(c)));
            if (id < 0) {
                throw new IllegalStateException("class " + classNames.get(c) + " has no training samples");
            }
            classOrder[c] = id;
        }
        ONNXContext context = new ONNXContext();
        context.setName("iris-logistic-regression");
        ONNXPlaceholder input = context.floatInput(IrisDataset.FEATURES);
        ONNXPlaceholder output = context.floatOutput(classNames.size());
        ONNXNode standardised = input
                .apply(ONNXOperators.SUB, context.array("feature_mean", toFloats(mean)))
                .apply(ONNXOperators.DIV, context.array("feature_std", toFloats(std)));
        if (!options.allFeatures()) {
            // the model sees only its columns; the input stays four wide so every variant takes the same rows
            standardised = standardised.apply(ONNXOperators.GATHER,
                    context.array("feature_columns", options.columns()), Map.of("axis", 1));
        }
        ONNXNode tribuoOrder = model.writeONNXGraph(standardised);
        ONNXNode canonicalOrder = tribuoOrder.apply(ONNXOperators.GATHER, context.array("class_order", classOrder),
                Map.of("axis", 1));
        canonicalOrder.assignTo(output);
        OnnxMl.ModelProto proto = ONNXExportable.buildModel(context, ONNX_DOMAIN, ONNX_MODEL_VERSION, model);
        // Tribuo's provenance metadata carries timestamps; drop it so retraining reproduces the same bytes.
        return proto.toBuilder()
                .clearMetadataProps()
                .setDocString("mlgate demo iris classifier: " + options.summary())
                .build()
                .toByteArray();
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** Runs the exported graph on the training rows and reports whether its output rows are distributions. */
    private static OutputKind detectOutputKind(byte[] onnx, List<IrisDataset.Sample> rows) {
        float[][] x = new float[rows.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = rows.get(i).featuresAsFloats();
        }
        try (OrtSession session = OnnxSessions.open(onnx);
             OnnxTensor tensor = OnnxTensor.createTensor(OnnxSessions.environment(), x);
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), tensor))) {
            float[][] y = (float[][]) result.get(0).getValue();
            for (float[] row : y) {
                float sum = 0;
                for (float p : row) {
                    if (!(p >= 0f && p <= 1f)) {
                        return OutputKind.LOGITS;
                    }
                    sum += p;
                }
                if (Math.abs(sum - 1f) > DISTRIBUTION_TOLERANCE) {
                    return OutputKind.LOGITS;
                }
            }
            return OutputKind.PROBABILITIES;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run the exported iris model: " + e.getMessage(), e);
        }
    }

    private static double accuracy(byte[] onnx, ModelDescriptor descriptor, List<IrisDataset.Sample> heldOut) {
        float[][] x = new float[heldOut.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = heldOut.get(i).featuresAsFloats();
        }
        try (OnnxModel model = OnnxModel.fromBytes(onnx, descriptor)) {
            ClassificationResult[] results = model.predict(x);
            int correct = 0;
            for (int i = 0; i < results.length; i++) {
                if (results[i].predictedIndex() == heldOut.get(i).classIndex()) {
                    correct++;
                }
            }
            return (double) correct / results.length;
        }
    }
}
