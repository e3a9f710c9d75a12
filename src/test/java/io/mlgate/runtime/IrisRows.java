package io.mlgate.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The bundled Iris data for tests. */
final class IrisRows {
    private IrisRows() {
    }

    static byte[] csvBytes() {
        try (InputStream in = IrisRows.class.getResourceAsStream(IrisTrainer.CLASSPATH_DATA)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static IrisDataset dataset() {
        return IrisDataset.parse(csvBytes());
    }

    static byte[] resource(String name) {
        try (InputStream in = IrisRows.class.getResourceAsStream("/demo/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OnnxModel committedModel() {
        return OnnxModel.fromBytes(resource(IrisTrainer.ARTIFACT_FILE),
                ModelDescriptor.parse(resource(IrisTrainer.DESCRIPTOR_FILE)));
    }
}
