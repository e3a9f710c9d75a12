package io.mlgate.cluster.node;

import io.mlgate.cluster.wire.EventsRequest;
import io.mlgate.cluster.wire.RegisterRequest;
import io.mlgate.cluster.wire.RegisterResponse;
import io.mlgate.kms.artifact.DecryptedDataKey;
import io.mlgate.kms.artifact.KeyServiceException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's small parts: addresses, the decrypt answer reader, refusal forwarding, registration retries. */
class NodePartsTest {

    @Test
    void hostPortsParseAndRefuseWhatIsNotHostColonPort() {
        assertThat(HostPort.parse("127.0.0.1:9444")).isEqualTo(new HostPort("127.0.0.1", 9444));
        assertThat(HostPort.parse("[::1]:80").toString()).isEqualTo("[::1]:80");
        for (String bad : List.of("127.0.0.1", ":80", "host:", "::1:80", "h:99999", "h:x", "a b:1")) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theDecryptAnswerIsReadIntoBytesAndAnythingElseIsRefused() {
        DecryptedDataKey key = GatewayDataKeys.read("{\"keyId\":\"arn:k\",\"plaintext\":\"AQID\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(key.keyArn()).isEqualTo("arn:k");
        assertThat(key.toString()).doesNotContain("AQID");
        for (String bad : List.of("{}", "[]", "{\"keyId\":\"k\"}", "{\"keyId\":\"k\",\"plaintext\":\"AQID\",\"x\":1}",
                "{\"keyId\":\"k\",\"plaintext\":\"AQID\"} {}", "{\"keyId\":\"k\",\"plaintext\":\"!!\"}", "not json")) {
            assertThatThrownBy(() -> GatewayDataKeys.read(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(KeyServiceException.class).hasMessageNotContaining("AQID");
        }
    }

    @Test
    void nodesRefuseToGenerateOrReEncryptDataKeys() {
        GatewayDataKeys keys = new GatewayDataKeys(ControlClient.plaintextForTests(new HostPort("127.0.0.1", 9),
                java.time.Duration.ofSeconds(1)), "arn:aws:iam::123456789012:role/r");
        assertThatThrownBy(() -> keys.generate("k", Map.of())).isInstanceOf(KeyServiceException.class);
        assertThatThrownBy(() -> keys.reEncrypt(new byte[1], Map.of(), "k", Map.of()))
                .isInstanceOf(KeyServiceException.class);
        assertThatThrownBy(() -> keys.decrypt(new byte[1], Map.of(), Optional.empty()))
                .as("an unreachable gateway").isInstanceOf(KeyServiceException.class)
                .satisfies(e -> assertThat(((KeyServiceException) e).errorCode())
                        .isEqualTo(KeyServiceException.KEY_UNAVAILABLE));
    }

    @Test
    void refusalsAreLoggedAndForwardedInBatchesRetryingUntilTheGatewayTakesThem() throws Exception {
        List<EventsRequest> sent = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(1);
        List<String> lines = new ArrayList<>();
        RefusalForwarder forwarder = new RefusalForwarder(batch -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new ControlException(0, ControlException.UNREACHABLE, "down");
            }
            sent.add(batch);
        }, line -> {
            synchronized (lines) {
                lines.add(line);
            }
        });
        for (int i = 0; i < 150; i++) {
            forwarder.refused("127.0.0.1:" + (1000 + i), i == 0 ? "spiffe://mlgate/node/n2" : null,
                    "unknown certificate authority");
        }
        forwarder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sent.stream().mapToInt(b -> b.events().size()).sum() < 150 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        forwarder.close();
        assertThat(sent.stream().mapToInt(b -> b.events().size()).sum()).isEqualTo(150);
        assertThat(sent).allSatisfy(b -> assertThat(b.events().size()).isLessThanOrEqualTo(RefusalForwarder.BATCH));
        assertThat(sent.get(0).events().get(0).identity()).isEqualTo("spiffe://mlgate/node/n2");
        assertThat(lines).hasSize(150);
        assertThat(lines.get(0)).contains("127.0.0.1:1000").contains("spiffe://mlgate/node/n2")
                .contains("unknown certificate authority");
    }

    @Test
    void registrationIsRetriedUntilItSucceedsThenRepeated() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RegisterRequest request = new RegisterRequest("z", null, "127.0.0.1:1", null, "b", false);
        List<RegisterRequest> seen = new CopyOnWriteArrayList<>();
        Registrar registrar = new Registrar(r -> {
            if (calls.incrementAndGet() <= 2) {
                throw new ControlException(0, ControlException.UNREACHABLE, "down");
            }
            seen.add(r);
            return new RegisterResponse(1000);
        }, request, 10).start();
        try {
            assertThat(registrar.awaitRegistered(30, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(seen).hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> assertThat(r).isEqualTo(request));
        } finally {
            registrar.close();
        }
    }
}
