package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.PeerRule;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.pki.RevocationCheck;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.cluster.tls.ClusterTls;
import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.HealthResponse;
import io.mlgate.cluster.wire.RefusedConnection;
import io.mlgate.cluster.wire.RegisterRequest;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A whole node ({@link RuntimeNode}) behind a TLS control port: enrollment with a join token, registration, mutual
 * TLS 1.3 on the data port (only gateway identities of the cluster CA), refusal forwarding, credentials that survive
 * a restart, and renewal.
 */
class RuntimeNodeTlsTest {

    @TempDir
    Path dir;

    final Clock clock = Clock.systemUTC();
    ClusterKms kms;
    ClusterCa ca;
    JoinTokens tokens;
    ClusterCredentials gatewayCredentials;
    ControlStub control;
    RuntimeNode node;

    @BeforeEach
    void setUp() throws Exception {
        kms = new ClusterKms(dir);
        ca = ClusterCa.ephemeral(clock);
        byte[] mac = new byte[32];
        new SecureRandom().nextBytes(mac);
        tokens = new JoinTokens(mac, clock);
        gatewayCredentials = ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        SslContext controlTls = ClusterTls.server(new CredentialHolder(gatewayCredentials),
                new PeerVerifier(ca.certificate(), RevocationCheck.NONE, clock, PeerRule.anyOf(SpiffeId.Kind.NODE)),
                RefusalListener.NONE, false);
        control = new ControlStub(kms, ca, tokens, controlTls);
    }

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.close();
        }
        control.close();
    }

    NodeSettings settings(String token) {
        return new NodeSettings("n1", "zone-a", "subnet-a", new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), null, control.address(), false, token, dir.resolve("node"));
    }

    HttpClient gatewayClient(ClusterCredentials credentials, X509Trust trust) {
        SslContext tls = ClusterTls.client(new CredentialHolder(credentials),
                new PeerVerifier(trust.anchor(), RevocationCheck.NONE, clock, PeerRule.exactly(SpiffeId.node("n1"))),
                RefusalListener.NONE);
        return HttpClient.create().protocol(HttpProtocol.H2).secure(spec -> spec.sslContext(tls))
                .baseUrl("https://" + node.tlsAddress());
    }

    record X509Trust(java.security.cert.X509Certificate anchor) {
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void enrollsRegistersAndServesOverMutualTls() throws Exception {
        node = RuntimeNode.start(settings(tokens.issue("n1", Duration.ofHours(1), ca.fingerprint())), clock);
        assertThat(node.registrar().awaitRegistered(30, TimeUnit.SECONDS)).isTrue();
        RegisterRequest registered = control.registrations.get(0);
        assertThat(registered.zone()).isEqualTo("zone-a");
        assertThat(registered.subnet()).isEqualTo("subnet-a");
        assertThat(registered.dataAddress()).isEqualTo(node.tlsAddress().toString());
        assertThat(registered.plaintextAddress()).isEqualTo(node.plaintextAddress().toString());
        assertThat(registered.bootId()).isEqualTo(node.bootId());
        assertThat(control.enrollments.get()).isEqualTo(1);

        Path creds = dir.resolve("node").resolve(NodeCredentials.DIR);
        assertThat(Files.getPosixFilePermissions(creds.resolve(NodeCredentials.KEY)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(creds.resolve(NodeCredentials.CHAIN))).contains("BEGIN CERTIFICATE");

        kms.grant(ClusterKms.ROLE, "n1");
        HttpClient gateway = gatewayClient(gatewayCredentials, new X509Trust(ca.certificate()));
        NodeServerTest.Answer placed = NodeServerTest.call(gateway, "PUT", "/v1/placements/e1.AllTraffic.1",
                ClusterJson.write(NodeServerTest.placement(ClusterKms.ROLE, 1, 8, kms.irisBase64())), Map.of());
        assertThat(placed.status()).as(placed.text()).isEqualTo(200);
        NodeServerTest.Answer answer = NodeServerTest.call(gateway, "POST",
                "/v1/placements/e1.AllTraffic.1/invocations", NodeServerTest.ROWS.getBytes(StandardCharsets.UTF_8),
                Map.of("content-type", "text/csv"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(NodeServerTest.inProcess(NodeServerTest.ROWS));

        HttpClient h2c = HttpClient.create().protocol(HttpProtocol.H2C)
                .baseUrl("http://" + node.plaintextAddress());
        assertThat(NodeServerTest.call(h2c, "POST", "/v1/placements/e1.AllTraffic.1/invocations",
                NodeServerTest.ROWS.getBytes(StandardCharsets.UTF_8), Map.of("content-type", "text/csv")).body())
                .isEqualTo(answer.body());
    }

    @Test
    void refusesPeersThatAreNotGatewaysOfTheClusterCaAndForwardsTheRefusals() throws Exception {
        node = RuntimeNode.start(settings(tokens.issue("n1", Duration.ofHours(1), ca.fingerprint())), clock);
        assertThat(node.registrar().awaitRegistered(30, TimeUnit.SECONDS)).isTrue();

        ClusterCa other = ClusterCa.ephemeral(clock);
        HttpClient foreign = gatewayClient(other.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1)),
                new X509Trust(ca.certificate()));
        assertThatThrownBy(() -> NodeServerTest.call(foreign, "GET", "/v1/health", null, Map.of()))
                .as("a gateway certificate from another CA").isInstanceOf(RuntimeException.class);

        HttpClient aNode = gatewayClient(ca.issueNew(SpiffeId.node("n2"), Duration.ofHours(1)),
                new X509Trust(ca.certificate()));
        assertThatThrownBy(() -> NodeServerTest.call(aNode, "GET", "/v1/health", null, Map.of()))
                .as("a node identity is not a gateway").isInstanceOf(RuntimeException.class);

        java.time.Instant now = java.time.Instant.now();
        HttpClient expired = gatewayClient(ca.issueNew(SpiffeId.gateway("gw"), now.minus(Duration.ofHours(2)),
                now.minus(Duration.ofHours(1))), new X509Trust(ca.certificate()));
        assertThatThrownBy(() -> NodeServerTest.call(expired, "GET", "/v1/health", null, Map.of()))
                .as("an expired gateway certificate").isInstanceOf(RuntimeException.class);

        HttpClient plaintext = HttpClient.create().protocol(HttpProtocol.H2C)
                .baseUrl("http://" + node.tlsAddress());
        assertThatThrownBy(() -> NodeServerTest.call(plaintext, "GET", "/v1/health", null, Map.of()))
                .as("plaintext on the TLS port").isInstanceOf(RuntimeException.class);

        await(() -> control.events.size() >= 4);
        List<String> reasons = control.events.stream().map(RefusedConnection::reason).toList();
        assertThat(reasons).contains(ClusterTls.PLAINTEXT);
        assertThat(control.events).anySatisfy(e -> assertThat(e.identity()).isEqualTo("spiffe://mlgate/node/n2"));
        assertThat(control.events).allSatisfy(e -> assertThat(e.peer()).startsWith("127.0.0.1:"));

        HttpClient gateway = gatewayClient(gatewayCredentials, new X509Trust(ca.certificate()));
        assertThat(NodeServerTest.call(gateway, "GET", "/v1/health", null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void credentialsSurviveARestartAndRenewalReplacesThem() throws Exception {
        node = RuntimeNode.start(settings(tokens.issue("n1", Duration.ofHours(1), ca.fingerprint())), clock);
        String firstBoot = node.bootId();
        java.math.BigInteger firstSerial = node.credentials().leaf().getSerialNumber();
        node.close();
        node = null;

        node = RuntimeNode.start(settings(null), clock);
        assertThat(control.enrollments.get()).as("the stored credentials are reused").isEqualTo(1);
        assertThat(node.credentials().leaf().getSerialNumber()).isEqualTo(firstSerial);
        assertThat(node.bootId()).isNotEqualTo(firstBoot);
        assertThat(node.registrar().awaitRegistered(30, TimeUnit.SECONDS)).isTrue();

        node.renewer().renewNow();
        assertThat(control.renewals.get()).isEqualTo(1);
        java.math.BigInteger renewed = node.credentials().leaf().getSerialNumber();
        assertThat(renewed).isNotEqualTo(firstSerial);
        HttpClient gateway = gatewayClient(gatewayCredentials, new X509Trust(ca.certificate()));
        HealthResponse health = ClusterJson.read(NodeServerTest.call(gateway, "GET", "/v1/health", null, Map.of())
                .body(), HealthResponse.class);
        assertThat(health.bootId()).isEqualTo(node.bootId());
        node.close();
        node = null;

        node = RuntimeNode.start(settings(null), clock);
        assertThat(node.credentials().leaf().getSerialNumber()).as("the renewed files were written")
                .isEqualTo(renewed);
    }

    @Test
    void withoutCredentialsOrTokenTheNodeDoesNotStart() {
        assertThatThrownBy(() -> RuntimeNode.start(settings(null), clock))
                .isInstanceOf(ControlException.class).hasMessageContaining("no join token");
        String forOther = tokens.issue("n9", Duration.ofHours(1), ca.fingerprint());
        assertThatThrownBy(() -> RuntimeNode.start(settings(forOther), clock))
                .isInstanceOf(ControlException.class)
                .satisfies(e -> assertThat(((ControlException) e).code()).isEqualTo("InvalidJoinToken"));
        assertThat(dir.resolve("node").resolve(NodeCredentials.DIR).resolve(NodeCredentials.KEY)).doesNotExist();
    }
}
