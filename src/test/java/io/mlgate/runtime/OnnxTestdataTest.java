package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs one model of the ONNX backend test suite (Debian's libonnx-testdata) through our session factory and checks
 * the expected output. Skipped when the package is not installed (set MLGATE_ONNX_TESTDATA to its {@code data}
 * folder to use an unpacked copy).
 */
class OnnxTestdataTest {
    private static final String CASE = "test_sigmoid";
    private static final String DEBIAN_DATA = "/usr/share/libonnx-testdata/data";

    @Test
    void sigmoidNodeTestMatchesExpectedOutput() throws Exception {
        Optional<Path> caseDir = findCase();
        Assumptions.assumeTrue(caseDir.isPresent(), "libonnx-testdata is not installed");
        Path dir = caseDir.get();
        byte[] model = Files.readAllBytes(dir.resolve("model.onnx"));
        OnnxMl.TensorProto input = OnnxMl.TensorProto.parseFrom(
                Files.readAllBytes(dir.resolve("test_data_set_0/input_0.pb")));
        OnnxMl.TensorProto expected = OnnxMl.TensorProto.parseFrom(
                Files.readAllBytes(dir.resolve("test_data_set_0/output_0.pb")));
        try (OrtSession session = OnnxSessions.open(model);
             OnnxTensor x = OnnxTensor.createTensor(OnnxSessions.environment(), floats(input),
                     input.getDimsList().stream().mapToLong(Long::longValue).toArray());
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), x))) {
            FloatBuffer got = ((OnnxTensor) result.get(0)).getFloatBuffer();
            FloatBuffer want = floats(expected);
            assertThat(got.remaining()).isEqualTo(want.remaining()).isPositive();
            while (want.hasRemaining()) {
                assertThat(got.get()).isCloseTo(want.get(), within(1e-5f));
            }
        }
    }

    private static FloatBuffer floats(OnnxMl.TensorProto t) {
        assertThat(t.getDataType()).isEqualTo(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
        if (!t.getRawData().isEmpty()) {
            return ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
        float[] values = new float[t.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.getFloatData(i);
        }
        return FloatBuffer.wrap(values);
    }

    /**
     * Finds {@code <data>/node/test_sigmoid}, where {@code <data>} is the environment variable
     * {@code MLGATE_ONNX_TESTDATA} if set, else where Debian's package puts it.
     */
    private static Optional<Path> findCase() {
        String override = System.getenv("MLGATE_ONNX_TESTDATA");
        Path data = Path.of(override != null && !override.isBlank() ? override : DEBIAN_DATA);
        Path dir = data.resolve("node").resolve(CASE);
        return Files.isRegularFile(dir.resolve("model.onnx"))
                && Files.isRegularFile(dir.resolve("test_data_set_0/input_0.pb"))
                ? Optional.of(dir) : Optional.empty();
    }
}
