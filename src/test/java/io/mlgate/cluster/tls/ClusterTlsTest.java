package io.mlgate.cluster.tls;

import io.mlgate.cluster.pki.CertificateRequests;
import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.PeerRule;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.pki.RevocationList;
import io.mlgate.cluster.pki.SpiffeId;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import javax.net.ssl.SSLSession;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real Reactor Netty HTTP/2 servers and clients over 127.0.0.1 with the cluster's TLS contexts. */
class ClusterTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** One refusal as a listener saw it. */
    record Refusal(String peer, String identity, String reason) {
    }

    static final class Recorder implements RefusalListener {
        final BlockingQueue<Refusal> seen = new LinkedBlockingQueue<>();

        @Override
        public void refused(String peer, String identity, String reason) {
            seen.add(new Refusal(peer, identity, reason));
        }

        Refusal next() throws InterruptedException {
            Refusal r = seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r).as("a refusal was reported").isNotNull();
            return r;
        }
    }

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private final ClusterCa ca = ClusterCa.ephemeral(clock);
    private final Recorder serverRefusals = new Recorder();
    private final Recorder clientRefusals = new Recorder();
    private final List<DisposableServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(DisposableServer::disposeNow);
    }

    private PeerVerifier verifier(PeerRule rule) {
        return new PeerVerifier(ca.certificate(), io.mlgate.cluster.pki.RevocationCheck.NONE, clock, rule);
    }

    private static CredentialHolder holder(ClusterCredentials credentials) {
        return new CredentialHolder(credentials);
    }

    /** A node data port: TLS 1.3, client certificate required, any gateway; answers "IDENTITY SERIAL". */
    private DisposableServer nodeServer(CredentialHolder credentials, PeerVerifier clients, boolean require) {
        SslContext context = ClusterTls.server(credentials, clients, serverRefusals, require);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(context))
                .doOnChannelInit(ClusterTls.refusalReporter(serverRefusals))
                .handle((request, response) -> {
                    AtomicReference<String> answer = new AtomicReference<>("none");
                    request.withConnection(connection -> {
                        Channel channel = connection.channel();
                        String id = ClusterTls.peerIdentity(channel).map(SpiffeId::uri).orElse("none");
                        SSLSession session = session(channel);
                        String serial = "-";
                        try {
                            serial = ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber()
                                    .toString(16);
                        } catch (Exception noCertificate) {
                            // no client certificate: "-"
                        }
                        answer.set(id + " " + serial + " " + session.getProtocol());
                    });
                    return response.sendString(Mono.just(answer.get()));
                })
                .bindNow();
        servers.add(server);
        return server;
    }

    private static SSLSession session(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            SslHandler ssl = c.pipeline().get(SslHandler.class);
            if (ssl != null) {
                return ssl.engine().getSession();
            }
        }
        throw new AssertionError("no SslHandler");
    }

    /** GET / over a new HTTP/2 connection; records the server's certificate serial and ALPN protocol. */
    private static String get(SslContext context, DisposableServer server, AtomicReference<String> serverSeen) {
        return HttpClient.create(ConnectionProvider.newConnection())
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(context))
                .doOnConnected(connection -> {
                    if (serverSeen != null) {
                        SslHandler ssl = null;
                        for (Channel c = connection.channel(); c != null && ssl == null; c = c.parent()) {
                            ssl = c.pipeline().get(SslHandler.class);
                        }
                        try {
                            serverSeen.set(((X509Certificate) ssl.engine().getSession().getPeerCertificates()[0])
                                    .getSerialNumber().toString(16) + " " + ssl.applicationProtocol());
                        } catch (Exception e) {
                            serverSeen.set("error " + e);
                        }
                    }
                })
                .get().uri("https://127.0.0.1:" + server.port() + "/")
                .responseContent().aggregate().asString()
                .block(WAIT);
    }

    private SslContext gatewayClient(ClusterCredentials credentials, SpiffeId expectedNode) {
        return ClusterTls.client(holder(credentials), verifier(PeerRule.exactly(expectedNode)), clientRefusals);
    }

    private static String serial(ClusterCredentials c) {
        return c.leaf().getSerialNumber().toString(16);
    }

    @Test
    void mutualTlsOverHttp2GivesEachSideThePeersIdentity() {
        ClusterCredentials node = ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1));
        ClusterCredentials gateway = ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        DisposableServer server = nodeServer(holder(node), verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        AtomicReference<String> serverSeen = new AtomicReference<>();

        String answer = get(gatewayClient(gateway, SpiffeId.node("n1")), server, serverSeen);

        assertThat(answer).isEqualTo("spiffe://mlgate/gateway/gw " + serial(gateway) + " TLSv1.3");
        assertThat(serverSeen.get()).isEqualTo(serial(node) + " h2");
        assertThat(serverRefusals.seen).isEmpty();
        assertThat(clientRefusals.seen).isEmpty();
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedAndReported() throws Exception {
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        ClusterCredentials foreign = ClusterCa.ephemeral(clock).issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        assertThatThrownBy(() -> get(gatewayClient(foreign, SpiffeId.node("n1")), server, null))
                .isInstanceOf(Exception.class);
        Refusal r = serverRefusals.next();
        assertThat(r.reason()).isEqualTo("unknown certificate authority");
        assertThat(r.identity()).isEqualTo("spiffe://mlgate/gateway/gw");
        assertThat(r.peer()).matches("127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void anExpiredClientCertificateIsRefusedAndReported() throws Exception {
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        Instant now = clock.instant();
        ClusterCredentials expired = ca.issueNew(SpiffeId.gateway("gw"), now.minus(Duration.ofHours(2)),
                now.minus(Duration.ofHours(1)));
        assertThatThrownBy(() -> get(gatewayClient(expired, SpiffeId.node("n1")), server, null))
                .isInstanceOf(Exception.class);
        Refusal r = serverRefusals.next();
        assertThat(r.reason()).isEqualTo("certificate expired");
        assertThat(r.identity()).isEqualTo("spiffe://mlgate/gateway/gw");
        assertThat(r.peer()).matches("127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void aClientWithTheWrongIdentityIsRefusedAndReported() throws Exception {
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        ClusterCredentials otherNode = ca.issueNew(SpiffeId.node("n2"), Duration.ofHours(1));
        assertThatThrownBy(() -> get(gatewayClient(otherNode, SpiffeId.node("n1")), server, null))
                .isInstanceOf(Exception.class);
        Refusal r = serverRefusals.next();
        assertThat(r.reason()).isEqualTo("identity spiffe://mlgate/node/n2 is not a gateway identity");
        assertThat(r.identity()).isEqualTo("spiffe://mlgate/node/n2");
    }

    @Test
    void aRevokedClientIsRefusedAndReported() throws Exception {
        RevocationList revoked = RevocationList.open(dir.resolve("revoked.json"));
        ClusterCredentials gateway = ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1))),
                new PeerVerifier(ca.certificate(), revoked, clock, PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        // One client context for both connections: the second must not resume the first session (which would
        // skip the revocation check).
        SslContext client = gatewayClient(gateway, SpiffeId.node("n1"));
        assertThat(get(client, server, null)).startsWith("spiffe://mlgate/gateway/gw");
        assertThat(get(client, server, null)).startsWith("spiffe://mlgate/gateway/gw");
        revoked.revokeSerial(gateway.leaf().getSerialNumber(), "test");
        assertThatThrownBy(() -> get(client, server, null)).isInstanceOf(Exception.class);
        assertThat(serverRefusals.next().reason()).isEqualTo("revoked");
    }

    @Test
    void theGatewayRefusesANodeThatIsNotTheOneItMeantToReach() throws Exception {
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n2"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        ClusterCredentials gateway = ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        assertThatThrownBy(() -> get(gatewayClient(gateway, SpiffeId.node("n1")), server, null))
                .isInstanceOf(Exception.class);
        Refusal r = clientRefusals.next();
        assertThat(r.reason()).isEqualTo("identity spiffe://mlgate/node/n2 is not spiffe://mlgate/node/n1");
        assertThat(r.identity()).isEqualTo("spiffe://mlgate/node/n2");
        assertThat(r.peer()).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void enrollmentRefusesANodeServer() throws Exception {
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        SslContext enrollment = ClusterTls.enrollmentClient(ca.fingerprint(), clientRefusals);
        // The node's certificate is not a gateway's: the enrollment client refuses it.
        assertThatThrownBy(() -> get(enrollment, server, null)).isInstanceOf(Exception.class);
        assertThat(clientRefusals.next().reason()).isEqualTo("identity spiffe://mlgate/node/n1 is not a gateway "
                + "identity");
    }

    @Test
    void aClientWithoutCertificateIsRefusedWhereOneIsRequired() {
        ClusterCredentials gateway = ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        DisposableServer required = nodeServer(holder(gateway), verifier(PeerRule.anyOf(SpiffeId.Kind.NODE)), true);
        DisposableServer optional = nodeServer(holder(gateway), verifier(PeerRule.anyOf(SpiffeId.Kind.NODE)), false);
        SslContext noCertificate = ClusterTls.enrollmentClient(ca.fingerprint(), clientRefusals);
        assertThat(get(noCertificate, optional, null)).isEqualTo("none - TLSv1.3");
        assertThatThrownBy(() -> get(noCertificate, required, null)).isInstanceOf(Exception.class);
    }

    @Test
    void enrollmentTrustsOnlyThePinnedCaAndAGatewayIdentity() throws Exception {
        // The gateway control port: client certificate optional, verified when presented.
        DisposableServer control = nodeServer(holder(ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.NODE)), false);
        assertThat(get(ClusterTls.enrollmentClient(ca.fingerprint(), clientRefusals), control, null))
                .isEqualTo("none - TLSv1.3");

        String otherFingerprint = ClusterCa.ephemeral(clock).fingerprint();
        assertThatThrownBy(() -> get(ClusterTls.enrollmentClient(otherFingerprint, clientRefusals), control, null))
                .isInstanceOf(Exception.class);
        Refusal r = clientRefusals.next();
        assertThat(r.reason()).isEqualTo("unknown certificate authority");
        assertThat(r.identity()).isEqualTo("spiffe://mlgate/gateway/gw");

        // A node with a certificate is verified on the control port even though none is required.
        ClusterCredentials node = ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1));
        SslContext nodeClient = ClusterTls.client(holder(node), verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)),
                clientRefusals);
        assertThat(get(nodeClient, control, null)).isEqualTo("spiffe://mlgate/node/n1 " + serial(node) + " TLSv1.3");
        ClusterCredentials foreign = ClusterCa.ephemeral(clock).issueNew(SpiffeId.node("n1"), Duration.ofHours(1));
        SslContext foreignClient = ClusterTls.client(holder(foreign),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), clientRefusals);
        assertThatThrownBy(() -> get(foreignClient, control, null)).isInstanceOf(Exception.class);
        assertThat(serverRefusals.next().reason()).isEqualTo("unknown certificate authority");
    }

    @Test
    void aTls12OnlyClientIsRefused() throws Exception {
        ClusterCredentials gateway = ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1));
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        SslContext tls12 = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.2")
                .keyManager(gateway.privateKey(), gateway.chain())
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new io.netty.handler.ssl.ApplicationProtocolConfig(
                        io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"))
                .build();
        assertThatThrownBy(() -> get(tls12, server, null)).isInstanceOf(Exception.class);
        // The same client with TLS 1.3 allowed gets through: the refusal is the protocol version.
        SslContext tls13 = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3")
                .keyManager(gateway.privateKey(), gateway.chain())
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new io.netty.handler.ssl.ApplicationProtocolConfig(
                        io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"))
                .build();
        assertThat(get(tls13, server, null)).startsWith("spiffe://mlgate/gateway/gw");
    }

    @Test
    void plaintextOnTheTlsPortIsRefusedAndReported() throws Exception {
        DisposableServer server = nodeServer(holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1))),
                verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: n1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            StringBuilder answer = new StringBuilder();
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (java.net.SocketException reset) {
                // closed by the server: what we expect
            }
            assertThat(answer.toString()).doesNotContain("HTTP/1.1 200");
            Refusal r = serverRefusals.next();
            assertThat(r).isEqualTo(new Refusal("127.0.0.1:" + socket.getLocalPort(), null, "plaintext connection"));
        }
        // A TLS connection is not reported.
        get(gatewayClient(ca.issueNew(SpiffeId.gateway("gw"), Duration.ofHours(1)), SpiffeId.node("n1")), server,
                null);
        assertThat(serverRefusals.seen).isEmpty();
    }

    @Test
    void renewalSwapsTheCertificateForNewConnections() throws Exception {
        SpiffeId gw = SpiffeId.gateway("gw");
        CertificateRenewer.Issuer issuer = fresh -> new ClusterCredentials(fresh.getPrivate(),
                ca.issue(CertificateRequests.csr(fresh, gw), gw, Duration.ofSeconds(3)));
        KeyPair first = CertificateRequests.newKeyPair();
        CredentialHolder client = holder(issuer.renew(first));
        CredentialHolder nodeHolder = holder(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1)));
        DisposableServer server = nodeServer(nodeHolder, verifier(PeerRule.anyOf(SpiffeId.Kind.GATEWAY)), true);
        SslContext context = ClusterTls.client(client, verifier(PeerRule.exactly(SpiffeId.node("n1"))),
                clientRefusals);
        String firstSerial = serial(client.current());
        assertThat(get(context, server, null)).isEqualTo("spiffe://mlgate/gateway/gw " + firstSerial + " TLSv1.3");

        try (CertificateRenewer renewer = new CertificateRenewer("gw", client, issuer, clock)) {
            renewer.start();
            assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(t -> {
                assertThat(t.getName()).isEqualTo("mlgate-cert-renewer-gw");
                assertThat(t.isDaemon()).isTrue();
            });
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (serial(client.current()).equals(firstSerial) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String renewed = serial(client.current());
            assertThat(renewed).isNotEqualTo(firstSerial);
            assertThat(client.current().privateKey()).isNotEqualTo(first.getPrivate());
            // The same context, a new connection: the new certificate is presented.
            assertThat(get(context, server, null)).isEqualTo("spiffe://mlgate/gateway/gw " + renewed + " TLSv1.3");
        }

        // The server side too: a renewed server certificate is seen by the next connection.
        String oldServerSerial = serial(nodeHolder.current());
        nodeHolder.update(ca.issueNew(SpiffeId.node("n1"), Duration.ofHours(1)));
        AtomicReference<String> serverSeen = new AtomicReference<>();
        get(context, server, serverSeen);
        assertThat(serverSeen.get()).isEqualTo(serial(nodeHolder.current()) + " h2")
                .doesNotStartWith(oldServerSerial);
    }

    @Test
    void peerIdentityOfASessionWithoutCertificateIsEmpty() {
        assertThat(ClusterTls.peerIdentity((SSLSession) null)).isEmpty();
    }
}
