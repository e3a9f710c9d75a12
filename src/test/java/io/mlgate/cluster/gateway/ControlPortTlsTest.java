package io.mlgate.cluster.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.cluster.pki.CertificateRequests;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.ClusterPem;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.PeerRule;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.pki.RevocationCheck;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.cluster.tls.ClusterTls;
import io.mlgate.cluster.wire.CertificateResponse;
import io.mlgate.cluster.wire.ClusterError;
import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.DecryptRequest;
import io.mlgate.cluster.wire.DecryptResponse;
import io.mlgate.cluster.wire.EnrollRequest;
import io.mlgate.cluster.wire.EventsRequest;
import io.mlgate.cluster.wire.RefusedConnection;
import io.mlgate.cluster.wire.RegisterRequest;
import io.mlgate.cluster.wire.RegisterResponse;
import io.mlgate.cluster.wire.RenewRequest;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonBodies;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The control port over TLS 1.3 (enroll, register, decrypt through the node's grant, events) and the gateway's mutual
 * TLS to nodes (placement and invocation with encryption always; a node presenting another node's identity is
 * refused and audited).
 */
class ControlPortTlsTest {

    @TempDir
    Path dir;

    ClusterFixture f;
    ClusterGateway gw;

    @BeforeEach
    void setUp() throws Exception {
        f = new ClusterFixture(dir, ClusterSettings.defaults());
    }

    void start(List<ClusterSettings.StaticNode> nodes) throws Exception {
        gw = new ClusterGateway(ClusterSettings.defaults().withNodes(nodes), "127.0.0.1", 0, dir.resolve("keys"),
                dir.resolve("data"), f.root, f.kms, ClusterPlacement.store(f.uploads), arn -> ClusterFixture.role(),
                f.events, 64, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        if (gw != null) {
            gw.close();
        }
        f.close();
    }

    record Answer(int status, byte[] body) {
        <T> T as(Class<T> type) {
            return ClusterJson.read(body, type);
        }
    }

    HttpClient control(ClusterCredentials creds) {
        SslContext ctx = creds == null ? ClusterTls.enrollmentClient(gw.ca().fingerprint(), RefusalListener.NONE)
                : ClusterTls.client(new CredentialHolder(creds), new PeerVerifier(gw.ca().certificate(),
                RevocationCheck.NONE, Clock.systemUTC(), PeerRule.exactly(SpiffeId.gateway("gw"))),
                RefusalListener.NONE);
        return HttpClient.create().protocol(HttpProtocol.H2).secure(s -> s.sslContext(ctx))
                .baseUrl("https://" + gw.controlAddress());
    }

    static Answer post(HttpClient client, String path, Object body) {
        return client.post().uri(path).send(Mono.fromSupplier(() -> io.netty.buffer.Unpooled.wrappedBuffer(
                        ClusterJson.write(body))))
                .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(b -> new Answer(res.status().code(), b))).block(Duration.ofSeconds(20));
    }

    ClusterCredentials nodeCredentials(String node) {
        return gw.ca().issueNew(SpiffeId.node(node), Duration.ofHours(1));
    }

    long refusals() {
        return f.audit.stream().filter(e -> e.eventName().equals(ClusterEvents.CONNECTION_REFUSED)).count();
    }

    @Test
    void enrollTakesOnlyAValidTokenForThatNodeAndTheCertificateThenWorks() throws Exception {
        start(List.of());
        KeyPair keys = CertificateRequests.newKeyPair();
        String csr = CertificateRequests.csr(keys, SpiffeId.node("n1"));
        String token = gw.tokens().issue("n1", Duration.ofHours(1), gw.ca().fingerprint());

        Answer forged = post(control(null), "/cluster/v1/enroll", new EnrollRequest("n1", token + "x", csr));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.as(ClusterError.class).error()).isEqualTo("InvalidJoinToken");
        Answer otherNode = post(control(null), "/cluster/v1/enroll", new EnrollRequest("n2", token, csr));
        assertThat(otherNode.status()).isEqualTo(403);
        assertThat(refusals()).isEqualTo(2);
        assertThat(new String(forged.body(), StandardCharsets.UTF_8)).doesNotContain(token);

        Answer ok = post(control(null), "/cluster/v1/enroll", new EnrollRequest("n1", token, csr));
        assertThat(ok.status()).isEqualTo(200);
        CertificateResponse cert = ok.as(CertificateResponse.class);
        ClusterCredentials issued = new ClusterCredentials(keys.getPrivate(),
                ClusterPem.readCertificates(cert.certificateChain()));

        // without a client certificate, register is refused; with the enrolled one it registers node n1
        RegisterRequest reg = new RegisterRequest("zone-a", "subnet-a", "127.0.0.1:1", null, "boot-1", false);
        Answer anonymous = post(control(null), "/cluster/v1/register", reg);
        assertThat(anonymous.status()).isEqualTo(403);
        assertThat(anonymous.as(ClusterError.class).error()).isEqualTo("CertificateRequired");
        Answer registered = post(control(issued), "/cluster/v1/register", reg);
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.as(RegisterResponse.class).healthIntervalMillis()).isEqualTo(1000);
        assertThat(gw.registry().node("n1")).get().extracting(ClusterNode::zone).isEqualTo("zone-a");

        KeyPair fresh = CertificateRequests.newKeyPair();
        Answer renewed = post(control(issued), "/cluster/v1/renew",
                new RenewRequest(CertificateRequests.csr(fresh, SpiffeId.node("n1"))));
        assertThat(renewed.status()).isEqualTo(200);
        // a revoked identity is refused in the handshake (and audited) before any request
        long before = refusals();
        gw.revocations().revokeIdentity(SpiffeId.node("n1"), "test");
        assertThatThrownBy(() -> post(control(issued), "/cluster/v1/renew",
                new RenewRequest(CertificateRequests.csr(fresh, SpiffeId.node("n1")))))
                .hasRootCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        assertThat(refusals()).isGreaterThan(before);
    }

    @Test
    void aNodeDecryptsADataKeyOnlyThroughItsGrant() throws Exception {
        start(List.of());
        PrincipalContext admin = ClusterFixture.principal("arn:aws:iam::" + ClusterFixture.ACCOUNT + ":user/admin",
                PrincipalType.USER, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
        String keyId = f.kms.invoke("ListKeys", JsonBodies.read("{}".getBytes(StandardCharsets.UTF_8)), admin,
                RequestContext.builder().build()).get("Keys").get(0).get("KeyId").asString();
        JsonNode generated = f.kms.invoke("GenerateDataKey", JsonBodies.read(("{\"KeyId\":\"" + keyId
                + "\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":{\"model\":\"iris\"}}")
                .getBytes(StandardCharsets.UTF_8)), admin, RequestContext.builder().build());
        DecryptRequest ask = new DecryptRequest(ClusterFixture.ROLE, generated.get("CiphertextBlob").asString(),
                Map.of("model", "iris"), null);
        HttpClient n1 = control(nodeCredentials("n1"));

        Answer denied = post(n1, "/cluster/v1/data-keys/decrypt", ask);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.as(ClusterError.class).error()).isEqualTo("AccessDeniedException");

        String grant = new KmsNodeGrants(f.kms, arn -> ClusterFixture.role()).create(ClusterFixture.ROLE, "n1",
                keyId, Map.of("model", "iris"));
        Answer ok = post(n1, "/cluster/v1/data-keys/decrypt", ask);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(ok.as(DecryptResponse.class).plaintext()))
                .isEqualTo(Base64.getDecoder().decode(generated.get("Plaintext").asString()));
        // the grant is n1's only, and only for that encryption context
        assertThat(post(control(nodeCredentials("n2")), "/cluster/v1/data-keys/decrypt", ask).status())
                .isEqualTo(403);
        assertThat(post(n1, "/cluster/v1/data-keys/decrypt", new DecryptRequest(ClusterFixture.ROLE,
                ask.ciphertextBlob(), Map.of("model", "other"), null)).status()).isNotEqualTo(200);

        new KmsNodeGrants(f.kms, arn -> ClusterFixture.role()).retire(ClusterFixture.ROLE, keyId, grant);
        assertThat(post(n1, "/cluster/v1/data-keys/decrypt", ask).status()).isEqualTo(403);

        // refusals a node reports are audited with the node as reporter
        Answer reported = post(n1, "/cluster/v1/events", new EventsRequest(List.of(
                new RefusedConnection("10.0.0.9:4431", null, "plaintext connection"))));
        assertThat(reported.status()).isEqualTo(204);
        AuditEvent e = f.audit.get(f.audit.size() - 1);
        assertThat(e.eventName()).isEqualTo(ClusterEvents.CONNECTION_REFUSED);
        assertThat(e.eventSource()).isEqualTo(ClusterEvents.EVENT_SOURCE);
    }

    @Test
    void plaintextOnTheControlPortIsRefusedAndAudited() throws Exception {
        start(List.of());
        String[] hp = gw.controlAddress().split(":");
        try (java.net.Socket s = new java.net.Socket(hp[0], Integer.parseInt(hp[1]))) {
            s.getOutputStream().write("POST /cluster/v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            byte[] answer = s.getInputStream().readNBytes(64);
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 200");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (refusals() == 0) {
            assertThat(System.nanoTime()).as("the plaintext connection is audited").isLessThan(deadline);
            Thread.sleep(20);
        }
        AuditEvent e = f.audit.stream().filter(x -> x.eventName().equals(ClusterEvents.CONNECTION_REFUSED))
                .findFirst().orElseThrow();
        assertThat(e.errorMessage()).isEqualTo(ClusterTls.PLAINTEXT);
    }

    static SslContext nodeServer(ClusterGateway gw, ClusterCredentials creds) {
        return ClusterTls.server(new CredentialHolder(creds), new PeerVerifier(gw.ca().certificate(),
                RevocationCheck.NONE, Clock.systemUTC(), PeerRule.anyOf(SpiffeId.Kind.GATEWAY)),
                RefusalListener.NONE, true);
    }

    @Test
    void placementAndCallsGoOverMutualTlsAndANodeWithAnotherIdentityIsRefusedAndAudited() throws Exception {
        // the gateway's CA exists once the gateway started: start it, then the nodes, then tell it where they are
        start(List.of());
        TestNode good = f.node("n1", "zone-a", nodeServer(gw, nodeCredentials("n1")));
        TestNode impostor = f.node("n2", "zone-b", nodeServer(gw, nodeCredentials("n3")));
        gw.registry().addStatic(new ClusterSettings.StaticNode("n1", "zone-a", good.address(), null, "s", false));
        gw.registry().addStatic(new ClusterSettings.StaticNode("n2", "zone-b", impostor.address(), null, "s",
                false));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!gw.registry().node("n1").orElseThrow().healthy() || refusals() == 0) {
            assertThat(System.nanoTime()).as("n1 joins and n2 is refused").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(gw.registry().node("n2").orElseThrow().state()).isEqualTo(ClusterNode.State.JOINING);
        AuditEvent refused = f.audit.stream().filter(e -> e.eventName().equals(ClusterEvents.CONNECTION_REFUSED))
                .findFirst().orElseThrow();
        assertThat(refused.eventSource()).isEqualTo(ClusterEvents.EVENT_SOURCE);

        var plan = ClusterFixture.plan("tls", 2, false);
        PlacedVariant v = (PlacedVariant) gw.placement().place(plan, plan.variants().get(0), 1);
        assertThat(v.encrypted()).isTrue();
        assertThat(v.distribution()).isEqualTo(Map.of("n1", 2));
        assertThat(new String(v.invoke(ClusterFixture.SETOSA, "text/csv", null, null).join().body(),
                StandardCharsets.UTF_8)).contains("predicted_label");
        assertThat(impostor.invocations.get()).isZero();
    }
}
