package io.mlgate.cluster.gateway;

import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.ClusterPem;
import io.mlgate.cluster.pki.InvalidJoinTokenException;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.RevocationList;
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
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.api.KmsService;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.netty.channel.Channel;
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

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The gateway's control port ({@code mlgate.cluster.listen}, HTTP/2 over TLS 1.3, docs/cluster-protocol.md): nodes
 * enroll with a join token, renew their certificate, register their data ports, decrypt placed models' data keys as
 * their node principal (only their KMS grant lets that through), and report refused connections, which are audited.
 * A client certificate is optional at the TLS layer (enrollment has none) but every path except enroll needs one
 * that names a node; the node a request speaks for is always the certificate's. Work that may block (issuing,
 * KMS) runs off the event loop.
 */
public final class ControlServer implements AutoCloseable {

    /** The most bytes of a control body. */
    public static final int MAX_BODY = 1 << 20;
    /** The most refusals one events call may report. */
    public static final int MAX_EVENTS = 100;

    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}:[0-9]{1,5}");
    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());

    private final ClusterCa ca;
    private final JoinTokens tokens;
    private final RevocationList revocations;
    private final NodeRegistry registry;
    private final ClusterEvents events;
    private final KmsService kms;
    private final Duration lifetime;
    private final Duration healthInterval;
    private DisposableServer server;

    public ControlServer(ClusterCa ca, JoinTokens tokens, RevocationList revocations, NodeRegistry registry,
                         ClusterEvents events, KmsService kms, Duration certificateLifetime,
                         Duration healthInterval) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.events = Objects.requireNonNull(events, "events");
        this.kms = Objects.requireNonNull(kms, "kms");
        this.lifetime = Objects.requireNonNull(certificateLifetime, "certificateLifetime");
        this.healthInterval = Objects.requireNonNull(healthInterval, "healthInterval");
    }

    /**
     * Listens on {@code host:port} (port 0: any free port).
     *
     * @param tls the server context ({@code ClusterTls.server(gateway credentials, node verifier, events, false)})
     * @param channelInit extra configuration of each connection's pipeline (the plaintext refusal reporter), or null
     */
    public ControlServer start(String host, int port, SslContext tls,
                               reactor.netty.ChannelPipelineConfigurer channelInit) {
        HttpServer s = HttpServer.create().host(host).port(port).protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(tls));
        if (channelInit != null) {
            s = s.doOnChannelInit(channelInit);
        }
        server = s.handle(this::handle).bindNow();
        LOG.log(System.Logger.Level.INFO, "cluster control port listening on " + address());
        return this;
    }

    /** host:port the server listens on. */
    public String address() {
        InetSocketAddress a = (InetSocketAddress) server.address();
        return a.getHostString() + ":" + a.getPort();
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (req.method().name().equals("POST")) {
            switch (path) {
                case "/cluster/v1/enroll":
                    return body(req, res, EnrollRequest.class, this::enroll);
                case "/cluster/v1/renew":
                    return withNode(req, res, node -> body(req, res, RenewRequest.class, r -> renew(node, r)));
                case "/cluster/v1/register":
                    return withNode(req, res, node -> body(req, res, RegisterRequest.class, r -> register(node, r)));
                case "/cluster/v1/data-keys/decrypt":
                    return withNode(req, res, node -> body(req, res, DecryptRequest.class, r -> decrypt(node, r)));
                case "/cluster/v1/events":
                    return withNode(req, res, node -> body(req, res, EventsRequest.class, r -> events(node, r)));
                default:
                    break;
            }
        }
        return send(res, Answer.error(404, "NotFound", "no such cluster operation"));
    }

    /** An answer: status and JSON body (null for none). */
    record Answer(int status, Object body) {
        static Answer error(int status, String code, String message) {
            return new Answer(status, new ClusterError(code, message));
        }
    }

    private Mono<Void> withNode(HttpServerRequest req, HttpServerResponse res, Function<SpiffeId, Mono<Void>> then) {
        Optional<SpiffeId> id = identity(req);
        if (id.isEmpty() || id.get().kind() != SpiffeId.Kind.NODE) {
            events.refused(peer(req), id.map(SpiffeId::uri).orElse(null), "no node client certificate",
                    "gateway control port");
            return send(res, Answer.error(403, "CertificateRequired", "this operation needs a node's client "
                    + "certificate"));
        }
        if (revocations.isRevoked(id.get())) {
            events.refused(peer(req), id.get().uri(), "revoked", "gateway control port");
            return send(res, Answer.error(403, "Revoked", "the identity " + id.get().uri() + " is revoked"));
        }
        return then.apply(id.get());
    }

    private static Optional<SpiffeId> identity(HttpServerRequest req) {
        AtomicReference<Optional<SpiffeId>> out = new AtomicReference<>(Optional.empty());
        req.withConnection(c -> {
            for (Channel ch = c.channel(); ch != null; ch = ch.parent()) {
                SslHandler ssl = ch.pipeline().get(SslHandler.class);
                if (ssl != null) {
                    out.set(ClusterTls.peerIdentity(ssl.engine().getSession()));
                    return;
                }
            }
        });
        return out.get();
    }

    private static String peer(HttpServerRequest req) {
        InetSocketAddress a = req.remoteAddress();
        return a == null ? "unknown" : a.getHostString() + ":" + a.getPort();
    }

    private <T> Mono<Void> body(HttpServerRequest req, HttpServerResponse res, Class<T> type,
                                Function<T, Answer> work) {
        return req.receive().asByteArray().reduceWith(ByteArrayOutputStream::new, (out, bytes) -> {
                    if (out.size() + bytes.length > MAX_BODY) {
                        throw new TooLarge();
                    }
                    out.write(bytes, 0, bytes.length);
                    return out;
                }).defaultIfEmpty(new ByteArrayOutputStream())
                .publishOn(Schedulers.boundedElastic())
                .map(out -> {
                    T request;
                    try {
                        request = ClusterJson.read(out.toByteArray(), type);
                    } catch (IllegalArgumentException e) {
                        return Answer.error(400, "InvalidRequest", e.getMessage());
                    }
                    try {
                        return work.apply(request);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "cluster control call failed: "
                                + e.getClass().getSimpleName());
                        return Answer.error(500, "InternalError", "the gateway could not complete the call");
                    }
                })
                .onErrorResume(TooLarge.class, e -> Mono.just(Answer.error(413, "RequestTooLarge",
                        "control bodies are at most " + MAX_BODY + " bytes")))
                .flatMap(a -> send(res, a));
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    private static Mono<Void> send(HttpServerResponse res, Answer a) {
        if (a.body() == null) {
            return res.status(a.status()).send();
        }
        return res.status(a.status()).header("content-type", "application/json")
                .sendByteArray(Mono.just(ClusterJson.write(a.body()))).then();
    }

    // ---- operations ----

    private Answer enroll(EnrollRequest r) {
        if (r.node() == null || !SpiffeId.validName(r.node()) || r.joinToken() == null) {
            return Answer.error(403, "InvalidJoinToken", "the join token is not valid for this node");
        }
        SpiffeId id = SpiffeId.node(r.node());
        try {
            tokens.verify(r.joinToken(), r.node(), ca.fingerprint());
        } catch (InvalidJoinTokenException e) {
            events.refused("unknown", id.uri(), "invalid join token (" + e.getMessage() + ")",
                    "gateway control port");
            return Answer.error(403, "InvalidJoinToken", "the join token is not valid for this node");
        }
        if (revocations.isRevoked(id)) {
            events.refused("unknown", id.uri(), "revoked", "gateway control port");
            return Answer.error(403, "Revoked", "the identity " + id.uri() + " is revoked");
        }
        return issue(r.csr(), id);
    }

    private Answer renew(SpiffeId node, RenewRequest r) {
        return issue(r.csr(), node);
    }

    private Answer issue(String csr, SpiffeId id) {
        if (csr == null) {
            return Answer.error(400, "InvalidCsr", "a PKCS#10 request in PEM is required");
        }
        List<X509Certificate> chain;
        try {
            chain = ca.issue(csr, id, lifetime);
        } catch (IllegalArgumentException e) {
            return Answer.error(400, "InvalidCsr", "the certificate request is not a valid EC P-256 PKCS#10 request");
        }
        return new Answer(200, new CertificateResponse(ClusterPem.certificates(chain),
                ClusterPem.certificates(List.of(ca.certificate())),
                chain.get(0).getNotAfter().toInstant().toString()));
    }

    private Answer register(SpiffeId node, RegisterRequest r) {
        if (r.zone() == null || r.zone().isBlank() || r.zone().length() > 64) {
            return Answer.error(400, "InvalidRequest", "zone is required (at most 64 characters)");
        }
        if (r.dataAddress() == null || !ADDRESS.matcher(r.dataAddress()).matches()
                || (r.plaintextAddress() != null && !ADDRESS.matcher(r.plaintextAddress()).matches())) {
            return Answer.error(400, "InvalidRequest", "dataAddress (and plaintextAddress) are host:port");
        }
        registry.register(node.name(), new ClusterNode.Location(r.zone(), r.subnet(), r.dataAddress(),
                r.plaintextAddress(), r.isolated()));
        return new Answer(200, new RegisterResponse(healthInterval.toMillis()));
    }

    private Answer decrypt(SpiffeId node, DecryptRequest r) {
        if (r.executionRoleArn() == null || r.ciphertextBlob() == null) {
            return Answer.error(400, "ValidationException", "executionRoleArn and ciphertextBlob are required");
        }
        ObjectNode body = JsonBodies.object().put("CiphertextBlob", r.ciphertextBlob());
        if (r.encryptionContext() != null) {
            ObjectNode ec = body.putObject("EncryptionContext");
            r.encryptionContext().forEach(ec::put);
        }
        if (r.keyId() != null) {
            body.put("KeyId", r.keyId());
        }
        try {
            JsonNode out = kms.invoke("Decrypt", body, NodePrincipals.principal(r.executionRoleArn(), node.name()),
                    RequestContext.builder().put("aws:SecureTransport", "true").build());
            return new Answer(200, new DecryptResponse(out.path("KeyId").asString(),
                    out.path("Plaintext").asString()));
        } catch (IllegalArgumentException e) {
            return Answer.error(400, "ValidationException", "executionRoleArn is not a role ARN");
        } catch (JsonServiceException e) {
            // the protocol answers an access refusal with 403, other KMS errors with KMS's status
            return Answer.error(e.code().equals("AccessDeniedException") ? 403 : e.status(), e.code(),
                    e.getMessage());
        }
    }

    private Answer events(SpiffeId node, EventsRequest r) {
        List<RefusedConnection> list = r.events() == null ? List.of() : r.events();
        if (list.size() > MAX_EVENTS) {
            return Answer.error(400, "InvalidRequest", "at most " + MAX_EVENTS + " events per call");
        }
        for (RefusedConnection e : list) {
            events.refused(clip(e.peer()), clip(e.identity()), clip(e.reason()), node.uri());
        }
        return new Answer(204, null);
    }

    private static String clip(String s) {
        return s == null ? null : s.length() > 256 ? s.substring(0, 256) : s;
    }

    @Override
    public void close() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }
}
