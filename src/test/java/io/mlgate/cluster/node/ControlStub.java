package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.ClusterPem;
import io.mlgate.cluster.pki.InvalidJoinTokenException;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.cluster.tls.ClusterTls;
import io.mlgate.cluster.wire.CertificateResponse;
import io.mlgate.cluster.wire.ClusterError;
import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.DecryptRequest;
import io.mlgate.cluster.wire.EnrollRequest;
import io.mlgate.cluster.wire.EventsRequest;
import io.mlgate.cluster.wire.RefusedConnection;
import io.mlgate.cluster.wire.RegisterRequest;
import io.mlgate.cluster.wire.RegisterResponse;
import io.mlgate.cluster.wire.RenewRequest;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test support: the gateway's control port reduced to what a node calls. Decrypt runs in a real in-process KMS as
 * the node's session of the execution role (so only a KMS grant lets it through). Over h2c the node is the one named
 * at construction; over TLS (with a {@link ClusterCa}) it is the client certificate's identity, and enroll, renew,
 * register and events are served too.
 */
final class ControlStub implements AutoCloseable {

    private final ClusterKms kms;
    private final String plaintextNode;
    private final ClusterCa ca;
    private final JoinTokens tokens;
    private final DisposableServer server;
    final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
    final List<RefusedConnection> events = new CopyOnWriteArrayList<>();
    final AtomicInteger decrypts = new AtomicInteger();
    final AtomicInteger enrollments = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();

    /** h2c, every call speaking for {@code node}. */
    ControlStub(ClusterKms kms, String node) {
        this.kms = kms;
        this.plaintextNode = node;
        this.ca = null;
        this.tokens = null;
        this.server = HttpServer.create().host("127.0.0.1").port(0).protocol(HttpProtocol.H2C)
                .handle(this::handle).bindNow(Duration.ofSeconds(10));
    }

    /** TLS with the gateway's certificate from {@code ca}; client certificates optional (enroll has none). */
    ControlStub(ClusterKms kms, ClusterCa ca, JoinTokens tokens, SslContext tls) {
        this.kms = kms;
        this.plaintextNode = null;
        this.ca = ca;
        this.tokens = tokens;
        this.server = HttpServer.create().host("127.0.0.1").port(0).protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(tls))
                .handle(this::handle).bindNow(Duration.ofSeconds(10));
    }

    HostPort address() {
        return new HostPort("127.0.0.1", server.port());
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        Optional<SpiffeId> peer = plaintextNode != null ? Optional.of(SpiffeId.node(plaintextNode)) : peerOf(req);
        return req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .publishOn(Schedulers.boundedElastic())
                .flatMap(body -> {
                    try {
                        return answer(req.fullPath(), body, peer, res);
                    } catch (Failure f) {
                        return send(res, f.status, new ClusterError(f.code, f.getMessage()));
                    } catch (IllegalArgumentException e) {
                        return send(res, HttpResponseStatus.BAD_REQUEST, new ClusterError("Malformed", "malformed"));
                    }
                });
    }

    private Optional<SpiffeId> peerOf(HttpServerRequest req) {
        Optional<SpiffeId>[] found = new Optional[]{Optional.empty()};
        req.withConnection(conn -> {
            for (Channel c = conn.channel(); c != null; c = c.parent()) {
                SslHandler ssl = c.pipeline().get(SslHandler.class);
                if (ssl != null) {
                    found[0] = ClusterTls.peerIdentity(ssl.engine().getSession());
                    return;
                }
            }
        });
        return found[0];
    }

    private Mono<Void> answer(String path, byte[] body, Optional<SpiffeId> peer, HttpServerResponse res)
            throws Failure {
        if (path.equals("/cluster/v1/enroll")) {
            EnrollRequest r = ClusterJson.read(body, EnrollRequest.class);
            try {
                tokens.verify(r.joinToken(), r.node(), ca.fingerprint());
            } catch (InvalidJoinTokenException e) {
                throw new Failure(HttpResponseStatus.FORBIDDEN, "InvalidJoinToken", e.getMessage());
            }
            enrollments.incrementAndGet();
            return send(res, HttpResponseStatus.OK, issue(r.csr(), SpiffeId.node(r.node())));
        }
        SpiffeId node = peer.orElseThrow(() -> new Failure(HttpResponseStatus.FORBIDDEN, "CertificateRequired",
                "a client certificate is required"));
        switch (path) {
            case "/cluster/v1/renew" -> {
                renewals.incrementAndGet();
                return send(res, HttpResponseStatus.OK,
                        issue(ClusterJson.read(body, RenewRequest.class).csr(), node));
            }
            case "/cluster/v1/register" -> {
                registrations.add(ClusterJson.read(body, RegisterRequest.class));
                return send(res, HttpResponseStatus.OK, new RegisterResponse(1000));
            }
            case "/cluster/v1/events" -> {
                events.addAll(ClusterJson.read(body, EventsRequest.class).events());
                return res.status(HttpResponseStatus.NO_CONTENT).send();
            }
            case "/cluster/v1/data-keys/decrypt" -> {
                decrypts.incrementAndGet();
                return decrypt(ClusterJson.read(body, DecryptRequest.class), node, res);
            }
            default -> throw new Failure(HttpResponseStatus.NOT_FOUND, "NotFound", "no such path");
        }
    }

    private CertificateResponse issue(String csr, SpiffeId id) {
        var chain = ca.issue(csr, id, Duration.ofHours(1));
        return new CertificateResponse(ClusterPem.certificates(chain),
                ClusterPem.certificates(List.of(ca.certificate())), chain.get(0).getNotAfter().toInstant().toString());
    }

    private Mono<Void> decrypt(DecryptRequest r, SpiffeId node, HttpServerResponse res) {
        ObjectNode request = JsonBodies.object().put("CiphertextBlob", r.ciphertextBlob());
        ObjectNode context = JsonBodies.object();
        r.encryptionContext().forEach(context::put);
        request.set("EncryptionContext", context);
        if (r.keyId() != null) {
            request.put("KeyId", r.keyId());
        }
        try {
            JsonNode out = kms.kms.invoke("Decrypt", request, ClusterKms.nodeSession(r.executionRoleArn(),
                    node.name()), RequestContext.builder().build());
            return res.status(HttpResponseStatus.OK).header("content-type", "application/json")
                    .sendString(Mono.just("{\"keyId\":\"" + out.get("KeyId").asString() + "\",\"plaintext\":\""
                            + out.get("Plaintext").asString() + "\"}")).then();
        } catch (JsonServiceException e) {
            HttpResponseStatus status = e.code().equals("AccessDeniedException") ? HttpResponseStatus.FORBIDDEN
                    : HttpResponseStatus.BAD_REQUEST;
            return send(res, status, new ClusterError(e.code(), e.getMessage()));
        }
    }

    private static Mono<Void> send(HttpServerResponse res, HttpResponseStatus status, Object body) {
        return res.status(status).header("content-type", "application/json")
                .sendByteArray(Mono.just(ClusterJson.write(body))).then();
    }

    private static final class Failure extends Exception {
        final HttpResponseStatus status;
        final String code;

        Failure(HttpResponseStatus status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
