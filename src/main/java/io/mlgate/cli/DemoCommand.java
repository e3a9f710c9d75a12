package io.mlgate.cli;

import io.mlgate.runtime.IrisTrainer;
import io.mlgate.runtime.TrainedClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mlgate demo}: commands that (re)build the demo's assets. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Build the demo's assets.",
        subcommands = {DemoCommand.TrainIris.class, DemoCommand.FeatureStep.class, DemoCommand.EchoModelFiles.class})
final class DemoCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /**
     * {@code mlgate demo train-iris [--name NAME] [--features F,...]}: trains the iris classifier and writes
     * NAME.onnx + NAME.model.json (iris.onnx by default; the A/B demo's weaker model is
     * {@code --name iris-b --features sepal_length_cm,sepal_width_cm}).
     */
    @Command(name = "train-iris", mixinStandardHelpOptions = true,
            description = "Train the demo iris classifier (Tribuo) and export it as ONNX with its descriptor.")
    static final class TrainIris implements Callable<Integer> {

        @Option(names = "--name", paramLabel = "NAME", defaultValue = IrisTrainer.MODEL_NAME,
                description = "model name; writes NAME.onnx and NAME.model.json (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--features", paramLabel = "F", split = ",",
                description = "train on these input columns only (default: all of sepal_length_cm, sepal_width_cm,"
                        + " petal_length_cm, petal_width_cm); the model still takes all four")
        List<String> features;

        @Option(names = "--data", description = "iris CSV (default: the bundled src/main/resources/demo/data/iris.csv)")
        Path data;

        @Option(names = "--out", description = "output folder (default: src/main/resources/demo under $MLGATE_HOME)")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path home = Path.of(Main.defaultHome());
            Path csv = data != null ? data : home.resolve("src/main/resources/demo/data/iris.csv");
            Path target = out != null ? out : home.resolve("src/main/resources/demo");
            IrisTrainer.Options options;
            try {
                options = new IrisTrainer.Options(name, features == null ? IrisTrainer.FEATURE_NAMES : features);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            TrainedClassifier trained = IrisTrainer.trainAndWrite(csv, target, options);
            System.out.printf("trained %s: labels %s, features %s, held-out accuracy %.4f%nwrote %s and %s%n",
                    trained.descriptor().name(), trained.labels(), options.features(), trained.heldOutAccuracy(),
                    target.resolve(options.artifactFile()), target.resolve(options.descriptorFile()));
            return 0;
        }
    }

    /**
     * {@code mlgate demo feature-step --name N --scale a,b,.. --shift c,d,.. --out DIR}: writes the ONNX graph
     * {@code y = x * scale + shift} and its descriptor ({@code outputKind: features}), an inner step for inference
     * pipelines, ready for {@code mlgate model upload}.
     */
    @Command(name = "feature-step", mixinStandardHelpOptions = true,
            description = "Write an ONNX feature transform (x * scale + shift) for an inference pipeline step.")
    static final class FeatureStep implements Callable<Integer> {

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--scale", required = true, split = ",", description = "one factor per feature")
        float[] scale;

        @Option(names = "--shift", required = true, split = ",", description = "one offset per feature")
        float[] shift;

        @Option(names = "--out", required = true, description = "output folder")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (scale.length != shift.length) {
                System.err.println("error: --scale and --shift need one value per feature each");
                return 2;
            }
            java.nio.file.Files.createDirectories(out);
            Path onnx = out.resolve(name + ".onnx");
            Path json = out.resolve(name + ".model.json");
            java.nio.file.Files.write(onnx, io.mlgate.runtime.FeatureTransforms.affine(name, scale, shift));
            java.nio.file.Files.write(json, io.mlgate.runtime.FeatureTransforms.descriptor(name, scale.length).toJson());
            System.out.println("wrote " + onnx + " and " + json);
            return 0;
        }
    }

    /**
     * {@code mlgate demo echo-model --out DIR [--name echo] [--shape 1]}: writes the echo model (ONNX {@code Identity}
     * on a string tensor; {@link io.mlgate.runtime.EchoModel}) as NAME.onnx and its text-model descriptor
     * NAME.model.json, ready for {@code mlgate model upload DIR/NAME.onnx --name NAME}.
     */
    @Command(name = "echo-model", mixinStandardHelpOptions = true,
            description = "Write the echo model (a text model that answers every text with itself) and its descriptor.")
    static final class EchoModelFiles implements Callable<Integer> {

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
        Path out;

        @Option(names = "--name", paramLabel = "NAME", defaultValue = io.mlgate.runtime.EchoModel.NAME,
                description = "model name; writes NAME.onnx and NAME.model.json (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--shape", paramLabel = "D", split = ",", defaultValue = "1",
                description = "the string tensor's shape, each dimension 1 or -1 (dynamic): 1 (default) or 1,1")
        long[] shape;

        @Override
        public Integer call() throws Exception {
            io.mlgate.runtime.EchoModel.Written written;
            try {
                written = io.mlgate.runtime.EchoModel.write(out, name, shape);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            System.out.println("wrote " + written.onnx() + " and " + written.descriptor());
            System.out.println("upload it with: ./mlgate model upload " + written.onnx() + " --name " + name);
            return 0;
        }
    }
}
