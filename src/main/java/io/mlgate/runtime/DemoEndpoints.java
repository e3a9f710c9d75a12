package io.mlgate.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/** Builds the demo endpoints that ship with mlgate; for now the {@code iris} classifier. */
public final class DemoEndpoints {
    /** Name of the demo iris endpoint. */
    public static final String IRIS = "iris";
    /** The A/B demo's second, weaker iris model (sepal measurements only; {@link IrisTrainer.Options#irisB()}). */
    public static final String IRIS_B = IrisTrainer.IRIS_B;
    /** The demo models put into the uploaded models at first start, for SageMaker CreateModel to name. */
    public static final java.util.List<String> UPLOADS = java.util.List.of(IRIS, IRIS_B);
    /** Name of its single production variant. */
    public static final String ALL_TRAFFIC = "AllTraffic";
    /** Classpath folder holding the demo artifacts and descriptors. */
    public static final String CLASSPATH_FOLDER = "/demo/";

    private DemoEndpoints() {
    }

    /** The iris model descriptor bundled on the classpath. */
    public static ModelDescriptor irisDescriptor() {
        return descriptor(IRIS);
    }

    /** The descriptor of a demo model bundled on the classpath ({@code /demo/NAME.model.json}). */
    public static ModelDescriptor descriptor(String name) {
        String resource = CLASSPATH_FOLDER + name + ".model.json";
        try (InputStream in = DemoEndpoints.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled descriptor " + resource + " is missing");
            }
            return ModelDescriptor.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled descriptor " + resource, e);
        }
    }

    /** A loader for the plaintext demo artifacts bundled on the classpath. */
    public static ModelLoader classpathArtifacts() {
        return ModelLoader.classpath(CLASSPATH_FOLDER);
    }

    /**
     * The {@code iris} endpoint of the given account with one variant {@value #ALL_TRAFFIC}; the model bytes named
     * by the bundled descriptor's {@code artifact} ({@code iris.onnx}) come from {@code loader}.
     *
     * @throws IOException           if the loader cannot supply the artifact
     * @throws InvalidModelException if the artifact does not match the descriptor
     */
    public static Endpoint iris(ModelLoader loader, String accountId) throws IOException {
        Objects.requireNonNull(loader, "loader");
        ModelDescriptor descriptor = irisDescriptor();
        byte[] onnx = loader.load(descriptor.artifact());
        if (onnx == null) {
            throw new IOException("model loader returned nothing for " + descriptor.artifact());
        }
        OnnxModel model = OnnxModel.fromBytes(onnx, descriptor);
        try {
            return Endpoint.singleVariant(IRIS, accountId, ALL_TRAFFIC, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
