package io.mlgate.cluster.gateway;

import io.mlgate.cluster.wire.ClusterError;
import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.HealthResponse;
import io.mlgate.cluster.wire.PlacedContainer;
import io.mlgate.cluster.wire.PlacementRequest;
import io.mlgate.cluster.wire.PlacementStatus;
import io.mlgate.kms.artifact.ArtifactBinding;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.kms.artifact.DecryptedModel;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.BusyException;
import io.mlgate.runtime.Endpoint;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.InferenceService;
import io.mlgate.runtime.InvalidInputException;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.runtime.ModelInvocationException;
import io.mlgate.runtime.OnnxModel;
import io.mlgate.runtime.ProductionVariant;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.VariantModel;
import io.mlgate.runtime.VariantWorkers;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A protocol-level runtime node for tests: the node data port of docs/cluster-protocol.md (health, placements,
 * invocations) over HTTP/2 (h2c, or TLS when given a context), serving placed models in process. It decrypts the
 * placed artifacts with the data keys {@code keys} gives for (role, node): the tests pass the gateway's KMS as the
 * node principal, so a placement loads only if the gateway's grant lets that node decrypt.
 */
public final class TestNode implements AutoCloseable {

    static final String ACCOUNT = "123456789012";

    private final String name;
    private final String zone;
    private final BiFunction<String, String, DataKeys> keys;
    private final SslContext tls;
    private final Map<String, Hosted> placements = new ConcurrentHashMap<>();
    public final AtomicInteger invocations = new AtomicInteger();
    /** False: a PUT of an existing placement answers its current state without resizing it. */
    volatile boolean resizes = true;
    /** Status the next calls answer with instead of running the model (0: run it), and how many. */
    private volatile int injectStatus;
    private final AtomicInteger injectCount = new AtomicInteger();
    private volatile String bootId;
    private volatile DisposableServer server;
    private final java.util.Set<io.netty.channel.Channel> connections = ConcurrentHashMap.newKeySet();
    private int port;

    private record Hosted(String key, PlacementRequest request, VariantWorkers workers, InferenceService inference,
                          String endpointName) {
    }

    public TestNode(String name, String zone, BiFunction<String, String, DataKeys> keys, SslContext tls) {
        this.name = name;
        this.zone = zone;
        this.keys = keys;
        this.tls = tls;
    }

    public String name() {
        return name;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public String bootId() {
        return bootId;
    }

    public Map<String, Integer> hosted() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        placements.forEach((k, h) -> out.put(k, h.workers().size()));
        return out;
    }

    /** Starts (again) as a new process: a new boot id, no placements, on the same port as before if any. */
    public TestNode start() {
        bootId = UUID.randomUUID().toString();
        placements.values().forEach(h -> h.workers().close());
        placements.clear();
        HttpServer s = HttpServer.create().host("127.0.0.1").port(port)
                .doOnChannelInit((observer, channel, remote) -> {
                    connections.add(channel);
                    channel.closeFuture().addListener(done -> connections.remove(channel));
                });
        s = tls == null ? s.protocol(HttpProtocol.H2C)
                : s.protocol(HttpProtocol.H2).secure(spec -> spec.sslContext(tls));
        server = s.route(r -> r
                .get("/v1/health", (req, res) -> json(res, 200, new HealthResponse(name, zone, bootId, statuses())))
                .put("/v1/placements/{key}", this::place)
                .delete("/v1/placements/{key}", (req, res) -> {
                    Hosted h = placements.remove(req.param("key"));
                    if (h != null) {
                        Schedulers.boundedElastic().schedule(() -> h.workers().close());
                    }
                    return res.status(204).send();
                })
                .post("/v1/placements/{key}/invocations", this::invoke))
                .bindNow();
        port = server.port();
        return this;
    }

    /** Dies as a killed process does: the listener and every open connection close at once. */
    public void kill() {
        DisposableServer s = server;
        if (s != null) {
            s.channel().close();
            connections.forEach(io.netty.channel.Channel::close);
            s.disposeNow();
        }
    }

    /** Drops a placement without telling the gateway (its calls then answer 404 PlacementNotFound). */
    public void forget(String key) {
        Hosted h = placements.remove(key);
        if (h != null) {
            h.workers().close();
        }
    }

    public void inject(int status, int count) {
        injectCount.set(count);
        injectStatus = status;
    }

    private List<PlacementStatus> statuses() {
        List<PlacementStatus> out = new ArrayList<>();
        placements.values().forEach(h -> out.add(new PlacementStatus(h.key(), "READY", h.workers().size(),
                h.workers().queued())));
        return out;
    }

    private Mono<Void> place(HttpServerRequest req, HttpServerResponse res) {
        String key = req.param("key");
        return req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .publishOn(Schedulers.boundedElastic())
                .flatMap(bytes -> {
                    PlacementRequest p;
                    try {
                        p = ClusterJson.read(bytes, PlacementRequest.class);
                    } catch (IllegalArgumentException e) {
                        return json(res, 400, new ClusterError("InvalidRequest", e.getMessage()));
                    }
                    Hosted existing = placements.get(key);
                    try {
                        if (existing != null && !resizes) {
                            return json(res, 200, new PlacementStatus(key, "READY", existing.workers().size(), 0));
                        }
                        if (existing != null) {
                            int now = existing.workers().size();
                            if (p.instances() > now) {
                                existing.workers().grow(load(p, p.instances() - now));
                            } else if (p.instances() < now) {
                                existing.workers().shrink(now - p.instances());
                            }
                            return json(res, 200, new PlacementStatus(key, "READY", p.instances(), 0));
                        }
                        List<VariantModel> models = load(p, p.instances());
                        VariantWorkers workers = new VariantWorkers(name + "/" + key, models, p.queuePerWorker());
                        String endpointName = "p" + Math.abs(key.hashCode());
                        EndpointRegistry registry = new EndpointRegistry(ACCOUNT);
                        registry.register(new Endpoint(endpointName, ACCOUNT, List.of(new ProductionVariant(
                                p.variant(), 1, models.get(0), workers, null))));
                        placements.put(key, new Hosted(key, p, workers, new InferenceService(registry), endpointName));
                        return json(res, 200, new PlacementStatus(key, "READY", p.instances(), 0));
                    } catch (RuntimeException e) {
                        return json(res, 422, new ClusterError("LoadFailed", e.getClass().getSimpleName() + ": "
                                + e.getMessage()));
                    }
                });
    }

    private List<VariantModel> load(PlacementRequest p, int copies) {
        if (p.containers().size() != 1) {
            throw new IllegalArgumentException("the test node serves single-container variants");
        }
        PlacedContainer c = p.containers().get(0);
        byte[] artifact = Base64.getDecoder().decode(c.artifact());
        ModelArtifacts artifacts = new ModelArtifacts(keys.apply(p.executionRoleArn(), name));
        try (DecryptedModel model = artifacts.decrypt(new ByteArrayInputStream(artifact),
                ArtifactBinding.context(UploadedModels.contextFor(c.name())).withoutDigestCheck(), 64 << 20)) {
            List<VariantModel> out = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                out.add(OnnxModel.fromBytes(model.bytes(), UploadedModels.descriptorOf(model.header())));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("artifact unreadable");
        }
    }

    private Mono<Void> invoke(HttpServerRequest req, HttpServerResponse res) {
        String key = req.param("key");
        String type = req.requestHeaders().get("content-type");
        String accept = req.requestHeaders().get("accept");
        return req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
            invocations.incrementAndGet();
            Hosted h = placements.get(key);
            if (h == null) {
                return json(res, 404, new ClusterError("PlacementNotFound", "no placement " + key));
            }
            if (injectStatus != 0 && injectCount.getAndDecrement() > 0) {
                String code = switch (injectStatus) {
                    case 400 -> "InvalidInput";
                    case 424 -> "ModelError";
                    case 429 -> "Busy";
                    default -> "Draining";
                };
                return json(res, injectStatus, new ClusterError(code, "injected " + injectStatus));
            }
            return Mono.fromFuture(() -> h.inference().invokeAsync(h.endpointName(), null, null, body, type, accept))
                    .flatMap(r -> answer(res, r))
                    .onErrorResume(e -> {
                        Throwable c = InferenceService.unwrap(e);
                        if (c instanceof InvalidInputException) {
                            return json(res, 400, new ClusterError("InvalidInput", c.getMessage()));
                        }
                        if (c instanceof BusyException) {
                            return json(res, 429, new ClusterError("Busy", c.getMessage()));
                        }
                        if (c instanceof ModelInvocationException) {
                            return json(res, 424, new ClusterError("ModelError", c.getMessage()));
                        }
                        return json(res, 500, new ClusterError("InternalError", c.getClass().getSimpleName()));
                    });
        });
    }

    private static Mono<Void> answer(HttpServerResponse res, InvocationResult r) {
        return res.status(HttpResponseStatus.OK).header("content-type", r.contentType())
                .header("x-mlgate-model-latency-ns", Long.toString(r.modelLatencyNanos()))
                .sendByteArray(Mono.just(r.body())).then();
    }

    private static Mono<Void> json(HttpServerResponse res, int status, Object body) {
        return res.status(status).header("content-type", "application/json")
                .sendByteArray(Mono.just(ClusterJson.write(body))).then();
    }

    @Override
    public void close() {
        kill();
        placements.values().forEach(h -> h.workers().close());
        placements.clear();
    }
}
