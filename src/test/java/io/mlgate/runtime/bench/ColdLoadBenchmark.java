package io.mlgate.runtime.bench;

import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.FeatureTransforms;
import io.mlgate.runtime.ModelDescriptor;
import io.mlgate.runtime.OnnxModel;
import io.mlgate.runtime.OutputKind;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.store.ModelStore;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Cold load of a 10 MB encrypted model (issue 7's figure): what a multi-model endpoint's cache miss, a deployment
 * or an instance added by autoscaling costs per model. One op = read the artifact from the store, unwrap its data
 * key (in-memory key service: the KMS call itself is measured in KmsDataKeyBenchmark), decrypt 10 MB in memory,
 * create the ONNX Runtime session, close it. The model: a two-layer dense classifier
 * (4 → 375,000 → 3, 10.5 MB of float weights). Run: {@code bench/jmh.sh ColdLoadBenchmark -f 1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 30)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ColdLoadBenchmark {

    static final int HIDDEN = 375_000;

    private Path dir;
    private UploadedModels uploads;
    private InMemoryDataKeys kms;
    private long modelBytes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        kms = new InMemoryDataKeys();
        kms.createKey("models");
        dir = Files.createTempDirectory("mlgate-coldload");
        uploads = new UploadedModels(new ModelStore(dir));
        byte[] onnx = denseModel();
        modelBytes = onnx.length;
        ModelDescriptor descriptor = new ModelDescriptor("dense", "dense.onnx", "input", "output",
                List.of("a", "b", "c", "d"), List.of("x", "y", "z"), OutputKind.LOGITS, null, null, null, null);
        uploads.upload("dense", onnx, descriptor, new ModelArtifacts(kms), "alias/models");
        System.out.printf("%nmodel: %.1f MB of ONNX, artifact %.1f MB%n", onnx.length / 1e6,
                Files.size(dir.resolve("models/uploaded/dense.mlga")) / 1e6);
    }

    static byte[] denseModel() {
        ONNXContext context = new ONNXContext();
        context.setName("dense");
        Random random = new Random(7);
        ONNXPlaceholder input = context.floatInput(4);
        ONNXPlaceholder output = context.floatOutput(3);
        ONNXInitializer w1 = context.floatTensor("w1", List.of(4, HIDDEN), b -> {
            for (int i = 0; i < 4 * HIDDEN; i++) {
                b.put((float) random.nextGaussian() * 0.01f);
            }
        });
        ONNXInitializer w2 = context.floatTensor("w2", List.of(HIDDEN, 3), b -> {
            for (int i = 0; i < HIDDEN * 3; i++) {
                b.put((float) random.nextGaussian() * 0.01f);
            }
        });
        input.apply(ONNXOperators.GEMM, w1).apply(ONNXOperators.GEMM, w2).assignTo(output);
        return FeatureTransforms.model(context, "cold-load benchmark model");
    }

    @Benchmark
    public int coldLoad() throws Exception {
        try (OnnxModel model = uploads.load("dense", kms, 64L << 20)) {
            return model.featureCount();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }
}
