package io.mlgate.runtime;

import io.mlgate.kms.artifact.ArtifactBinding;
import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.ArtifactHeader;
import io.mlgate.kms.artifact.DecryptedModel;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.store.ModelStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Endpoints served from encrypted model artifacts, and the crypto-shredding of them: each model is decrypted into
 * memory through KMS Decrypt as the endpoint's execution role, its ONNX session created from the bytes, which are
 * then wiped. {@link #recheck()} asks the key service again for every endpoint's data key (header only, no body):
 * an endpoint whose key is refused (disabled, pending deletion, deleted, access denied) is taken out of service and
 * its model closed; once the key is usable again its model is decrypted afresh and it serves again. Each transition
 * is reported once to the {@link KeyEvents}. Thread-safe (loads and re-checks are serialised).
 */
public final class ArtifactEndpoints implements AutoCloseable {

    /** The largest model decrypted into memory. */
    public static final long MAX_MODEL_BYTES = 512L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(ArtifactEndpoints.class.getName());

    /** Receives the availability transitions of endpoints (the gateway writes them to the audit log). */
    public interface KeyEvents {
        /** The endpoint stopped serving: the key service refused its model key. */
        void unavailable(ArtifactEndpoint endpoint, EndpointUnavailableException reason);

        /** The endpoint serves again: its model key was usable and its model was reloaded. */
        void restored(ArtifactEndpoint endpoint, String keyArn);
    }

    private final EndpointRegistry registry;
    private final ModelStore store;
    private final KeyEvents events;
    private final Map<String, ArtifactEndpoint> endpoints = new LinkedHashMap<>();

    public ArtifactEndpoints(EndpointRegistry registry, ModelStore store, KeyEvents events) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * Loads the endpoint's model and registers the endpoint. If the key service refuses the model key the endpoint
     * is registered as unavailable (and reported) instead, and {@link #recheck()} brings it up once the key is usable.
     *
     * @throws ArtifactException for an artifact that is modified, truncated or bound to another context
     * @throws IOException       if the artifact cannot be read
     */
    public synchronized void add(ArtifactEndpoint endpoint) throws IOException {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoints.containsKey(endpoint.name())) {
            throw new IllegalArgumentException("endpoint " + endpoint.name() + " is already served");
        }
        endpoints.put(endpoint.name(), endpoint);
        try {
            load(endpoint);
        } catch (ArtifactException e) {
            Optional<String> code = keyRefusal(e);
            if (code.isEmpty()) {
                endpoints.remove(endpoint.name());
                throw e;
            }
            goDown(endpoint, new EndpointUnavailableException(endpoint.name(), keyOf(endpoint), code.get()));
        } catch (IOException | RuntimeException e) {
            endpoints.remove(endpoint.name());
            throw e;
        }
    }

    /**
     * Re-checks every endpoint's model key as its role: serving endpoints whose key is now refused go down; endpoints
     * that are down come back (full decrypt) when their key is usable again. Other failures (an unreadable or
     * modified artifact) are logged and leave the endpoint as it is.
     */
    public synchronized void recheck() {
        for (ArtifactEndpoint endpoint : List.copyOf(endpoints.values())) {
            try {
                recheck(endpoint);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot re-check the model key of endpoint " + endpoint.name()
                        + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private void recheck(ArtifactEndpoint endpoint) throws IOException {
        Optional<EndpointUnavailableException> down = registry.unavailability(endpoint.name());
        ModelArtifacts artifacts = new ModelArtifacts(endpoint.dataKeys());
        if (down.isEmpty()) {
            try (InputStream in = store.open(endpoint.modelName())) {
                artifacts.checkDataKey(in, binding(endpoint));
            } catch (ArtifactException e) {
                String code = keyRefusal(e).orElseThrow(() -> e);
                goDown(endpoint, new EndpointUnavailableException(endpoint.name(), keyOf(endpoint), code));
            }
            return;
        }
        try {
            String keyArn = load(endpoint);
            events.restored(endpoint, keyArn);
        } catch (ArtifactException e) {
            String code = keyRefusal(e).orElseThrow(() -> e);
            if (!code.equals(down.get().keyServiceErrorCode())) {
                // still down, for another reason (e.g. disabled, then scheduled for deletion): no new transition
                registry.markUnavailable(new EndpointUnavailableException(endpoint.name(), keyOf(endpoint), code))
                        .ifPresent(Endpoint::close);
            }
        }
    }

    /** Why the endpoint is out of service, if it is. */
    public Optional<EndpointUnavailableException> unavailability(String endpointName) {
        return registry.unavailability(endpointName);
    }

    /** Decrypts the model as the endpoint's role, builds and registers the endpoint; returns the model key ARN. */
    private String load(ArtifactEndpoint endpoint) throws IOException {
        ModelArtifacts artifacts = new ModelArtifacts(endpoint.dataKeys());
        Endpoint built;
        String keyArn;
        try (InputStream in = store.open(endpoint.modelName());
             DecryptedModel model = artifacts.decrypt(in, binding(endpoint), MAX_MODEL_BYTES)) {
            keyArn = model.header().keyId();
            built = endpoint.factory().create(artifactName -> model.bytes());
        }
        if (!built.name().equals(endpoint.name())) {
            built.close();
            throw new IllegalStateException("the factory of endpoint " + endpoint.name() + " built " + built.name());
        }
        registry.register(built).ifPresent(Endpoint::close);
        return keyArn;
    }

    private void goDown(ArtifactEndpoint endpoint, EndpointUnavailableException reason) {
        registry.markUnavailable(reason).ifPresent(Endpoint::close);
        LOG.log(System.Logger.Level.WARNING, reason.getMessage());
        events.unavailable(endpoint, reason);
    }

    private String keyOf(ArtifactEndpoint endpoint) {
        try (InputStream in = store.open(endpoint.modelName())) {
            ArtifactHeader header = ModelArtifacts.inspect(in);
            return header.keyId();
        } catch (IOException | RuntimeException e) {
            return "(unreadable artifact " + store.file(endpoint.modelName()).getFileName() + ")";
        }
    }

    /**
     * The KMS code when the failure is the key service refusing the key itself (disabled, pending deletion, deleted,
     * access denied); empty for a modified artifact, a wrong context or a blob under another key.
     */
    public static Optional<String> keyRefusal(ArtifactException e) {
        return switch (e.reason()) {
            case KEY_UNAVAILABLE -> e.keyServiceErrorCode();
            case WRONG_KEY -> e.keyServiceErrorCode().filter("NotFoundException"::equals);
            default -> Optional.empty();
        };
    }

    /**
     * The endpoint's context, without the plaintext digest check: every segment is already authenticated (AES-GCM
     * under a key derived from the data key, index and final flag in the nonce), so the SHA-256 pass would only
     * catch a faulty writer, and it halves load throughput (docs/benchmarks.md).
     */
    private static ArtifactBinding binding(ArtifactEndpoint endpoint) {
        return ArtifactBinding.context(endpoint.encryptionContext()).withoutDigestCheck();
    }

    /** Names of the endpoints managed here, serving or not. */
    public synchronized List<String> names() {
        return List.copyOf(endpoints.keySet());
    }

    /** Takes every endpoint out of the registry and closes its model. */
    @Override
    public synchronized void close() {
        for (String name : endpoints.keySet()) {
            registry.remove(name).ifPresent(Endpoint::close);
        }
        endpoints.clear();
    }
}
