package io.mlgate.runtime;

import io.mlgate.kms.artifact.DataKeys;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An endpoint whose model is an encrypted artifact of the model store: the endpoint name, the model's store name,
 * the encryption context its data key must open under, the data keys of its execution role (the KMS as that role),
 * and how to build the endpoint from the decrypted model bytes.
 *
 * @param name              the endpoint name
 * @param modelName         the model's name in the store ({@code data/models/NAME.mlga})
 * @param encryptionContext the context the artifact's data key must be wrapped under, e.g. {@code endpoint=iris}
 * @param dataKeys          the key service as the endpoint's execution role
 * @param factory           builds the endpoint from the plaintext model (the bytes are wiped after it returns)
 */
public record ArtifactEndpoint(String name, String modelName, Map<String, String> encryptionContext,
                               DataKeys dataKeys, Factory factory) {

    /** Builds an endpoint from its decrypted model; must not keep the loader's bytes (they are wiped afterwards). */
    @FunctionalInterface
    public interface Factory {
        Endpoint create(ModelLoader decrypted) throws IOException;
    }

    public ArtifactEndpoint {
        Endpoint.requireResourceName(name, "endpoint name");
        Objects.requireNonNull(modelName, "modelName");
        encryptionContext = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(
                Objects.requireNonNull(encryptionContext, "encryptionContext")));
        Objects.requireNonNull(dataKeys, "dataKeys");
        Objects.requireNonNull(factory, "factory");
    }

    /** The conventional context of an endpoint's model: {@code {"endpoint": NAME}}. */
    public static Map<String, String> contextFor(String endpointName) {
        return Map.of("endpoint", endpointName);
    }
}
