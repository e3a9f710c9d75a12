package io.mlgate.bench;

import io.mlgate.runtime.ClassificationResult;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.InvocationInput;
import io.mlgate.runtime.InvocationOutput;
import io.mlgate.runtime.ModelDescriptor;
import io.mlgate.runtime.OnnxModel;

import java.time.Duration;
import java.util.Arrays;

/**
 * Times the demo model alone, in-process, on the same input the load generator sends (parse, run, render), so the
 * gateway's overhead can be reported as end-to-end latency minus model time.
 */
public final class ModelTimer {

    public record Result(long p50Micros, long p99Micros, int samples) {}

    private ModelTimer() {}

    public static Result measureDemoIris(byte[] csvBody, Duration duration) throws Exception {
        ModelDescriptor descriptor = DemoEndpoints.irisDescriptor();
        byte[] onnx = DemoEndpoints.classpathArtifacts().load(descriptor.artifact());
        try (OnnxModel model = OnnxModel.fromBytes(onnx, descriptor)) {
            long warmEnd = System.nanoTime() + duration.toNanos() / 2;
            while (System.nanoTime() < warmEnd) {
                once(model, csvBody);
            }
            long[] samples = new long[1 << 20];
            int n = 0;
            long end = System.nanoTime() + duration.toNanos() / 2;
            while (System.nanoTime() < end && n < samples.length) {
                long t = System.nanoTime();
                once(model, csvBody);
                samples[n++] = (System.nanoTime() - t) / 1000;
            }
            long[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            return new Result(sorted[n / 2], sorted[Math.min(n - 1, (int) (n * 0.99))], n);
        }
    }

    private static void once(OnnxModel model, byte[] body) {
        float[][] rows = InvocationInput.parse(body, "text/csv", model.featureCount());
        ClassificationResult[] results = model.predict(rows);
        InvocationOutput.toJson(results);
    }
}
