package io.mlgate.runtime;

import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.kms.artifact.ModelSource;
import io.mlgate.runtime.store.ModelStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The crypto-shredding state machine: available → unavailable → restored, with one event per transition. */
class ArtifactEndpointsTest {

    static final String ACCOUNT = "111122223333";
    static final byte[] ROW = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path data;

    InMemoryDataKeys kms;
    String keyArn;
    ModelStore store;
    EndpointRegistry registry;
    InferenceService inference;
    List<String> events;
    ArtifactEndpoints endpoints;
    AtomicReference<byte[]> handedToFactory;

    @BeforeEach
    void setUp() throws IOException {
        kms = new InMemoryDataKeys();
        keyArn = kms.createKey("mlgate/models");
        store = new ModelStore(data);
        store.put("iris", ArtifactEndpointsTest::shippedIris, new ModelArtifacts(kms), "alias/mlgate/models",
                Map.of("endpoint", "iris"));
        registry = new EndpointRegistry(ACCOUNT);
        inference = new InferenceService(registry);
        events = new ArrayList<>();
        endpoints = new ArtifactEndpoints(registry, store, new ArtifactEndpoints.KeyEvents() {
            @Override
            public void unavailable(ArtifactEndpoint endpoint, EndpointUnavailableException reason) {
                events.add("down " + endpoint.name() + " " + reason.keyServiceErrorCode());
            }

            @Override
            public void restored(ArtifactEndpoint endpoint, String key) {
                events.add("up " + endpoint.name() + " " + key);
            }
        });
        handedToFactory = new AtomicReference<>();
    }

    static InputStream shippedIris() {
        return ArtifactEndpointsTest.class.getResourceAsStream("/demo/iris.onnx");
    }

    ArtifactEndpoint iris(Map<String, String> context) {
        return new ArtifactEndpoint("iris", "iris", context, kms, loader -> {
            byte[] bytes = loader.load("iris.onnx");
            handedToFactory.set(bytes);
            return DemoEndpoints.iris(name -> bytes, ACCOUNT);
        });
    }

    int invokeStatus() {
        try {
            inference.invoke("iris", ROW, "text/csv", null);
            return 200;
        } catch (EndpointUnavailableException e) {
            return 400;
        }
    }

    @Test
    void loadsTheModelAsTheRoleAndWipesThePlaintext() throws Exception {
        endpoints.add(iris(Map.of("endpoint", "iris")));
        assertThat(invokeStatus()).isEqualTo(200);
        assertThat(handedToFactory.get()).isNotEmpty().containsOnly((byte) 0);
        assertThat(events).isEmpty();
        byte[] shipped;
        try (InputStream in = shippedIris()) {
            shipped = in.readAllBytes();
        }
        byte[] probe = Arrays.copyOfRange(shipped, shipped.length / 2, shipped.length / 2 + 64);
        assertThat(indexOf(Files.readAllBytes(store.file("iris")), probe)).isEqualTo(-1);
    }

    @Test
    void aDisabledKeyTakesTheEndpointDownOnceAndReEnablingRestoresIt() throws Exception {
        endpoints.add(iris(Map.of("endpoint", "iris")));
        VariantModel model = registry.require("iris").variants().get(0).model();
        int before = kms.decryptCalls();
        endpoints.recheck();
        assertThat(kms.decryptCalls()).isEqualTo(before + 1);
        assertThat(invokeStatus()).isEqualTo(200);

        kms.disable(keyArn);
        endpoints.recheck();
        endpoints.recheck();
        assertThat(events).containsExactly("down iris DisabledException");
        assertThatThrownBy(() -> inference.invoke("iris", ROW, "text/csv", null))
                .isInstanceOfSatisfying(EndpointUnavailableException.class, e -> {
                    assertThat(e.keyServiceErrorCode()).isEqualTo("DisabledException");
                    assertThat(e.keyArn()).isEqualTo(keyArn);
                })
                .hasMessage("Endpoint iris cannot serve: its model key " + keyArn + " is disabled (DisabledException)");
        assertThatThrownBy(() -> model.predict(new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}}))
                .as("the ONNX session is closed").isInstanceOf(ModelInvocationException.class);

        kms.scheduleDeletion(keyArn);
        endpoints.recheck();
        assertThat(endpoints.unavailability("iris")).get()
                .extracting(EndpointUnavailableException::keyServiceErrorCode).isEqualTo("KMSInvalidStateException");
        assertThat(events).as("still down: no new transition").hasSize(1);

        kms.enable(keyArn);
        endpoints.recheck();
        assertThat(events).containsExactly("down iris DisabledException", "up iris " + keyArn);
        assertThat(invokeStatus()).isEqualTo(200);
        assertThat(endpoints.unavailability("iris")).isEmpty();
    }

    @Test
    void anEndpointWhoseKeyIsRefusedAtLoadStartsUnavailable() throws Exception {
        kms.scheduleDeletion(keyArn);
        endpoints.add(iris(Map.of("endpoint", "iris")));
        assertThat(invokeStatus()).isEqualTo(400);
        assertThat(events).containsExactly("down iris KMSInvalidStateException");
        assertThat(handedToFactory.get()).as("nothing was decrypted").isNull();

        kms.enable(keyArn);
        endpoints.recheck();
        assertThat(invokeStatus()).isEqualTo(200);
        assertThat(events).hasSize(2).last().isEqualTo("up iris " + keyArn);
    }

    @Test
    void aModelBoundToAnotherEndpointRefusesToLoad() {
        assertThatThrownBy(() -> endpoints.add(iris(Map.of("endpoint", "fraud"))))
                .isInstanceOfSatisfying(ArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(ArtifactException.Reason.WRONG_CONTEXT));
        assertThat(registry.find("iris")).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void aTamperedArtifactFoundByARecheckKeepsTheVerifiedModelServing() throws Exception {
        endpoints.add(iris(Map.of("endpoint", "iris")));
        byte[] bytes = Files.readAllBytes(store.file("iris"));
        bytes[0] ^= 1;
        Files.write(store.file("iris"), bytes);
        endpoints.recheck();
        assertThat(invokeStatus()).isEqualTo(200);
        assertThat(events).isEmpty();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
