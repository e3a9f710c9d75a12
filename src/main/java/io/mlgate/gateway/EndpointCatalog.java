package io.mlgate.gateway;

import io.mlgate.kms.AccountKey;
import io.mlgate.kms.Keystore;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.Endpoint;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.store.ModelStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.IOException;
import java.io.InputStream;

/**
 * The endpoints this gateway serves. At start it makes sure the demo model is in the encrypted model store (the
 * ONNX file shipped in the jar is encrypted while streaming into the store, never written in plaintext), then loads
 * each endpoint's model from the store: decrypted into memory, ONNX session created from the bytes.
 */
public final class EndpointCatalog {

    private static final Log LOG = LogFactory.getLog(EndpointCatalog.class);

    private final EndpointRegistry registry;

    private EndpointCatalog(EndpointRegistry registry) {
        this.registry = registry;
    }

    public static EndpointCatalog withDemoEndpoints(ModelStore store, Keystore keystore, String accountId,
                                                    String region) throws IOException {
        if (!store.contains(DemoEndpoints.IRIS)) {
            AccountKey key = keystore.defaultKeyFor(accountId, region);
            try (InputStream in = EndpointCatalog.class.getResourceAsStream("/demo/iris.onnx")) {
                if (in == null) {
                    throw new IOException("the demo model demo/iris.onnx is missing from the classpath");
                }
                store.put(DemoEndpoints.IRIS, in, key);
            }
            LOG.info("encrypted the demo model into " + store.file(DemoEndpoints.IRIS) + " under " + key.arn());
        }
        EndpointRegistry registry = new EndpointRegistry(accountId);
        registry.register(DemoEndpoints.iris(artifact -> store.load(modelName(artifact), accountId), accountId));
        return new EndpointCatalog(registry);
    }

    public EndpointRegistry registry() {
        return registry;
    }

    public void closeAll() {
        for (String name : registry.names()) {
            registry.remove(name).ifPresent(Endpoint::close);
        }
    }

    /** The store name of an artifact file name: {@code iris.onnx} → {@code iris}. */
    static String modelName(String artifact) {
        return artifact.endsWith(".onnx") ? artifact.substring(0, artifact.length() - ".onnx".length()) : artifact;
    }
}
