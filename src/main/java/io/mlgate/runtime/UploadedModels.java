package io.mlgate.runtime;

import io.mlgate.kms.artifact.ArtifactBinding;
import io.mlgate.kms.artifact.ArtifactHeader;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.kms.artifact.DecryptedModel;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.kms.artifact.ModelSource;
import io.mlgate.runtime.store.ModelStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The models users put into the model store with {@code mlgate model upload} and deploy with SageMaker's
 * CreateModel: {@code data/models/uploaded/NAME.mlga}, each an envelope-encrypted ONNX model whose data key is
 * wrapped under the encryption context {@code {"model": NAME}} and whose {@link ModelDescriptor} travels inside the
 * artifact's authenticated header (metadata entry {@value #DESCRIPTOR_METADATA}), so a descriptor cannot be swapped
 * without the key. The {@code ModelDataUrl} that names one is {@code s3://mlgate-models/NAME} (the shape SageMaker
 * validates) or {@code mlgate://models/NAME}.
 */
public final class UploadedModels {

    /** The bucket name in a ModelDataUrl that means "mlgate's model store". */
    public static final String BUCKET = "mlgate-models";
    /** The store's sub-folder for uploaded models. */
    public static final String FOLDER = "uploaded";
    /** The header metadata entry holding the descriptor (compact JSON). */
    public static final String DESCRIPTOR_METADATA = "descriptor";

    private static final Pattern URL = Pattern.compile("(?:s3://" + BUCKET + "|mlgate://models)/"
            + "([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})(?:\\.mlga)?/?");

    private static final Pattern PREFIX_URL = Pattern.compile("(?:s3://" + BUCKET + "|mlgate://models)/"
            + "([a-zA-Z0-9-]{0,62})");

    private final ModelStore store;

    /** @param modelStore the gateway's model store ({@code data/models}); uploads live in its sub-folder. */
    public UploadedModels(ModelStore modelStore) throws IOException {
        this.store = Objects.requireNonNull(modelStore, "modelStore").subStore(FOLDER);
    }

    /** The ModelDataUrl of an uploaded model. */
    public static String urlOf(String name) {
        return "s3://" + BUCKET + "/" + name;
    }

    /** The store name a ModelDataUrl names, if it names one (any other URL is not served by mlgate). */
    public static Optional<String> nameOf(String modelDataUrl) {
        if (modelDataUrl == null) {
            return Optional.empty();
        }
        Matcher m = URL.matcher(modelDataUrl);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The encryption context an uploaded model's data key is wrapped under. */
    public static Map<String, String> contextFor(String name) {
        return Map.of("model", name);
    }

    public ModelStore store() {
        return store;
    }

    /** Whether {@code name} is a valid model name (letters, digits, inner hyphens, at most 63). */
    public static boolean validName(String name) {
        return ModelStore.validName(name);
    }

    public boolean contains(String name) {
        return store.contains(name);
    }

    /**
     * Checks that ONNX Runtime loads {@code onnx} and that it matches {@code descriptor}, then encrypts it into the
     * store as {@code name} under {@code keyId} (replacing an earlier upload of that name atomically).
     *
     * @throws InvalidModelException    if the model does not load or does not match the descriptor
     * @throws IllegalArgumentException if the name is not a valid model name or the descriptor is too large
     */
    public ArtifactHeader upload(String name, byte[] onnx, ModelDescriptor descriptor, ModelArtifacts artifacts,
                                 String keyId) throws IOException {
        Objects.requireNonNull(descriptor, "descriptor");
        store.file(name); // validates the name before any work
        try (OnnxModel checked = OnnxModel.fromBytes(onnx, descriptor)) {
            Objects.requireNonNull(checked);
        }
        String json = compact(descriptor);
        if (json.getBytes(StandardCharsets.UTF_8).length > 4096) {
            throw new IllegalArgumentException("the model descriptor is larger than 4096 bytes of JSON");
        }
        return store.put(name, ModelSource.of(onnx), artifacts, keyId, contextFor(name),
                Map.of(DESCRIPTOR_METADATA, json));
    }

    /**
     * Decrypts the uploaded model {@code name} in memory through {@code keys} (the KMS as the execution role) and
     * opens it; the plaintext bytes are wiped once the session exists.
     *
     * @throws NoSuchFileException        if there is no such upload
     * @throws io.mlgate.kms.artifact.ArtifactException if the key is refused or the artifact is modified
     * @throws InvalidModelException      if the model or its descriptor is unusable
     */
    public OnnxModel load(String name, DataKeys keys, long maxBytes) throws IOException {
        return loadCopies(name, keys, maxBytes, 1).sessions().get(0);
    }

    /** Independent sessions of one uploaded model and its plaintext size. */
    public record Copies(List<OnnxModel> sessions, long bytes) {
    }

    /**
     * Decrypts the model once and opens {@code copies} independent sessions over the bytes (a variant's instances);
     * the bytes are wiped afterwards. See {@link #load}.
     */
    public Copies loadCopies(String name, DataKeys keys, long maxBytes, int copies) throws IOException {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be >= 1");
        }
        try (InputStream in = store.open(name)) {
            return copiesOf(in, name, keys, maxBytes, copies);
        }
    }

    /**
     * Decrypts the uploaded artifact of model {@code name} read from {@code in} (its data key bound to
     * {@link #contextFor(String) name's context}) through {@code keys} and opens {@code copies} independent sessions
     * over the bytes, which are wiped afterwards. Runtime nodes use it for the artifacts the gateway sends them.
     *
     * @throws io.mlgate.kms.artifact.ArtifactException if the key is refused or the artifact is modified
     * @throws InvalidModelException if the model or its descriptor is unusable
     */
    public static Copies copiesOf(InputStream in, String name, DataKeys keys, long maxBytes, int copies)
            throws IOException {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be >= 1");
        }
        ModelArtifacts artifacts = new ModelArtifacts(keys);
        try (DecryptedModel model = artifacts.decrypt(in,
                ArtifactBinding.context(contextFor(name)).withoutDigestCheck(), maxBytes)) {
            ModelDescriptor descriptor = descriptorOf(model.header());
            List<OnnxModel> sessions = new ArrayList<>(copies);
            try {
                for (int i = 0; i < copies; i++) {
                    sessions.add(OnnxModel.fromBytes(model.bytes(), descriptor));
                }
            } catch (RuntimeException e) {
                sessions.forEach(OnnxModel::close);
                throw e;
            }
            return new Copies(List.copyOf(sessions), model.header().plaintextSize());
        }
    }

    /**
     * The name prefix a multi-model container's ModelDataUrl stands for: {@code s3://mlgate-models/} (every
     * upload) or {@code s3://mlgate-models/PREFIX} (uploads whose names start with PREFIX); empty if the URL is not
     * in the store.
     */
    public static Optional<String> prefixOf(String modelDataUrl) {
        if (modelDataUrl == null) {
            return Optional.empty();
        }
        Matcher m = PREFIX_URL.matcher(modelDataUrl);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The descriptor bound into an uploaded artifact's header. */
    public static ModelDescriptor descriptorOf(ArtifactHeader header) {
        String json = header.metadata().get(DESCRIPTOR_METADATA);
        if (json == null) {
            throw new InvalidModelException("the artifact carries no model descriptor (upload it with "
                    + "'mlgate model upload ... --descriptor FILE')");
        }
        return ModelDescriptor.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String compact(ModelDescriptor descriptor) {
        return new String(descriptor.toJson(), StandardCharsets.UTF_8).replaceAll("\\n\\s*", "");
    }
}
