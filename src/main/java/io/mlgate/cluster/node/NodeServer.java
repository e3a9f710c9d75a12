package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.tls.ClusterTls;
import io.mlgate.cluster.wire.ClusterError;
import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.HealthResponse;
import io.mlgate.cluster.wire.PlacementRequest;
import io.mlgate.cluster.wire.PlacementStatus;
import io.mlgate.runtime.BusyException;
import io.mlgate.runtime.InferenceService;
import io.mlgate.runtime.InvalidInputException;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.runtime.ModelInvocationException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's data port ({@code docs/cluster-protocol.md}, "Node data port"): HTTP/2 over TLS 1.3 with a required
 * gateway certificate, and optionally h2c. Health, placements (PUT/DELETE) and invocations. Bodies are bounded
 * (placements {@value #MAX_PLACEMENT_BYTES} bytes, invocations {@value #MAX_INVOCATION_BYTES}) and refused from
 * {@code Content-Length} before they are read; every error is a {@link ClusterError}, never a stack trace. Model
 * work and loads run on their own schedulers, never on Netty's event loops.
 */
public final class NodeServer implements AutoCloseable {

    public static final int MAX_PLACEMENT_BYTES = 512 * 1024 * 1024;
    public static final int MAX_INVOCATION_BYTES = 6 * 1024 * 1024;
    public static final String LATENCY_HEADER = "x-mlgate-model-latency-ns";
    public static final String REQUEST_ID_HEADER = "x-mlgate-request-id";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeServer.class);
    private static final String PLACEMENTS = "/v1/placements/";
    private static final String INVOCATIONS = "/invocations";

    /** Who this node is, as health answers. */
    public record Identity(String node, String zone, String bootId) {
        public Identity {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(bootId, "bootId");
        }
    }

    private final Identity identity;
    private final Placements placements;
    private final Scheduler calls;
    private final Scheduler loads;
    private final AtomicInteger active = new AtomicInteger();
    private final List<DisposableServer> servers = new ArrayList<>();
    private volatile boolean draining;

    public NodeServer(Identity identity, Placements placements) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.placements = Objects.requireNonNull(placements, "placements");
        int cores = Runtime.getRuntime().availableProcessors();
        this.calls = Schedulers.newBoundedElastic(Math.max(2, cores), 10_000, "mlgate-node-calls");
        this.loads = Schedulers.newBoundedElastic(2, 256, "mlgate-node-loads");
    }

    /**
     * Listens with TLS ({@code ClusterTls.server(...)}, whose trust manager reports refused handshakes) on
     * {@code address}, with {@link ClusterTls#refusalReporter}: plaintext bytes on this port are reported to
     * {@code refusals}, and refused handshakes name the peer's address.
     */
    public synchronized DisposableServer bindTls(HostPort address, SslContext tls, RefusalListener refusals) {
        Objects.requireNonNull(tls, "tls");
        DisposableServer s = HttpServer.create()
                .host(address.host()).port(address.port())
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(tls))
                .doOnChannelInit(ClusterTls.refusalReporter(refusals))
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
        servers.add(s);
        return s;
    }

    /** Listens with h2c (HTTP/2 over cleartext, prior knowledge) on {@code address}. */
    public synchronized DisposableServer bindPlaintext(HostPort address) {
        DisposableServer s = HttpServer.create()
                .host(address.host()).port(address.port())
                .protocol(HttpProtocol.H2C)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
        servers.add(s);
        return s;
    }

    public Identity identity() {
        return identity;
    }

    public Placements placements() {
        return placements;
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String path = req.fullPath();
        HttpMethod method = req.method();
        try {
            if (path.equals("/v1/health")) {
                return method.equals(HttpMethod.GET) ? health(res) : notAllowed(res);
            }
            if (path.startsWith(PLACEMENTS)) {
                String rest = path.substring(PLACEMENTS.length());
                if (rest.endsWith(INVOCATIONS)) {
                    String key = rest.substring(0, rest.length() - INVOCATIONS.length());
                    if (Placements.validKey(key)) {
                        return method.equals(HttpMethod.POST) ? invoke(key, req, res) : notAllowed(res);
                    }
                } else if (Placements.validKey(rest)) {
                    if (method.equals(HttpMethod.PUT)) {
                        return place(rest, req, res);
                    }
                    if (method.equals(HttpMethod.DELETE)) {
                        return remove(rest, res);
                    }
                    return notAllowed(res);
                }
            }
            return error(res, HttpResponseStatus.NOT_FOUND, "NotFound", "no such resource on a runtime node");
        } catch (RuntimeException e) {
            return internal(res, e);
        }
    }

    private Mono<Void> health(HttpServerResponse res) {
        return json(res, HttpResponseStatus.OK, new HealthResponse(identity.node(), identity.zone(),
                identity.bootId(), placements.statuses()));
    }

    private Mono<Void> place(String key, HttpServerRequest req, HttpServerResponse res) {
        if (draining) {
            return draining(res);
        }
        Mono<Void> early = refuseByLength(req, res, MAX_PLACEMENT_BYTES);
        if (early != null) {
            return early;
        }
        return body(req, MAX_PLACEMENT_BYTES)
                .publishOn(loads)
                .map(bytes -> {
                    PlacementRequest p = ClusterJson.read(bytes, PlacementRequest.class);
                    String why = Placements.refusal(p);
                    if (why != null) {
                        throw new BadRequest("InvalidPlacement", why);
                    }
                    return p;
                })
                .flatMap(p -> {
                    try {
                        PlacementStatus status = placements.place(key, p);
                        return Mono.just(status);
                    } catch (LoadFailure f) {
                        return Mono.error(f);
                    }
                })
                .flatMap(status -> json(res, HttpResponseStatus.OK, status))
                .onErrorResume(e -> {
                    if (e instanceof LoadFailure f) {
                        LOG.warn("placement " + key + " failed to load: "
                                + f.getMessage());
                        return error(res, HttpResponseStatus.UNPROCESSABLE_ENTITY, "LoadFailed", f.getMessage());
                    }
                    if (e instanceof IllegalStateException) {
                        return draining(res);
                    }
                    return requestError(res, e);
                });
    }

    private Mono<Void> remove(String key, HttpServerResponse res) {
        return Mono.fromCallable(() -> placements.remove(key))
                .subscribeOn(loads)
                .flatMap(removed -> {
                    if (removed.isEmpty()) {
                        return placementNotFound(res, key);
                    }
                    LOG.info("placement " + key + " removed (endpoint "
                            + removed.get().endpoint() + ", variant " + removed.get().variant() + ")");
                    return res.status(HttpResponseStatus.NO_CONTENT).send();
                })
                .onErrorResume(e -> internal(res, e));
    }

    private Mono<Void> invoke(String key, HttpServerRequest req, HttpServerResponse res) {
        if (draining) {
            return draining(res);
        }
        Placement placement = placements.find(key).orElse(null);
        if (placement == null) {
            return placementNotFound(res, key);
        }
        Mono<Void> early = refuseByLength(req, res, MAX_INVOCATION_BYTES);
        if (early != null) {
            return early;
        }
        String contentType = req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        String accept = req.requestHeaders().get(HttpHeaderNames.ACCEPT);
        active.incrementAndGet();
        return body(req, MAX_INVOCATION_BYTES)
                .publishOn(calls)
                .flatMap(bytes -> Mono.fromFuture(placement.invoke(bytes, contentType, accept)))
                .flatMap(result -> answer(res, result))
                .onErrorResume(e -> invocationError(res, key, placement, InferenceService.unwrap(e)))
                .doFinally(signal -> active.decrementAndGet());
    }

    private static Mono<Void> answer(HttpServerResponse res, InvocationResult result) {
        return res.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, result.contentType())
                .header(LATENCY_HEADER, Long.toString(result.modelLatencyNanos()))
                .sendByteArray(Mono.just(result.body()))
                .then();
    }

    private Mono<Void> invocationError(HttpServerResponse res, String key, Placement placement, Throwable e) {
        if (e instanceof InvalidInputException) {
            return error(res, HttpResponseStatus.BAD_REQUEST, "InvalidInput", e.getMessage());
        }
        if (e instanceof BusyException) {
            return error(res, HttpResponseStatus.TOO_MANY_REQUESTS, "Busy", e.getMessage());
        }
        if (e instanceof ModelInvocationException) {
            if (placement.isRemoved()) {
                return placementNotFound(res, key);
            }
            return error(res, HttpResponseStatus.FAILED_DEPENDENCY, "ModelError", e.getMessage());
        }
        return requestError(res, e);
    }

    /** Errors of reading and decoding a request body. */
    private static Mono<Void> requestError(HttpServerResponse res, Throwable e) {
        if (e instanceof TooLarge t) {
            return error(res, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "BodyTooLarge", t.getMessage());
        }
        if (e instanceof BadRequest b) {
            return error(res, HttpResponseStatus.BAD_REQUEST, b.code, b.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return error(res, HttpResponseStatus.BAD_REQUEST, "MalformedRequest", e.getMessage());
        }
        return internal(res, e);
    }

    private static Mono<Void> internal(HttpServerResponse res, Throwable e) {
        LOG.warn("request failed: " + e.getClass().getName());
        return error(res, HttpResponseStatus.INTERNAL_SERVER_ERROR, "InternalFailure",
                "the node failed to handle the request");
    }

    private static Mono<Void> placementNotFound(HttpServerResponse res, String key) {
        return error(res, HttpResponseStatus.NOT_FOUND, "PlacementNotFound", "no placement " + key
                + " on this node");
    }

    private static Mono<Void> draining(HttpServerResponse res) {
        return error(res, HttpResponseStatus.SERVICE_UNAVAILABLE, "Draining", "the node is shutting down");
    }

    private static Mono<Void> notAllowed(HttpServerResponse res) {
        return error(res, HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed",
                "the method is not allowed on this resource");
    }

    /** A 413 before reading anything if {@code Content-Length} says the body is too large; else null. */
    private static Mono<Void> refuseByLength(HttpServerRequest req, HttpServerResponse res, int limit) {
        String length = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return error(res, HttpResponseStatus.BAD_REQUEST, "MalformedRequest", "invalid Content-Length");
        }
        if (declared > limit) {
            return error(res, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "BodyTooLarge",
                    "the body is " + declared + " bytes, over the limit of " + limit);
        }
        return null;
    }

    /** The body, failing with {@link TooLarge} as soon as more than {@code limit} bytes arrived. */
    private static Mono<byte[]> body(HttpServerRequest req, int limit) {
        String length = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        int expected = 8192;
        if (length != null) {
            try {
                expected = (int) Math.max(1, Math.min(limit, Long.parseLong(length.trim())));
            } catch (NumberFormatException e) {
                expected = 8192;
            }
        }
        int initial = expected;
        return req.receive().asByteArray()
                .collect(() -> new Accumulator(limit, initial), Accumulator::add)
                .map(Accumulator::bytes);
    }

    private static final class Accumulator {
        private final int limit;
        private byte[] buffer;
        private int size;

        /** @param initial the expected size (Content-Length when given), so a large body is not copied as it grows */
        Accumulator(int limit, int initial) {
            this.limit = limit;
            this.buffer = new byte[initial];
        }

        void add(byte[] chunk) {
            if ((long) size + chunk.length > limit) {
                throw new TooLarge("the body is over the limit of " + limit + " bytes");
            }
            if (size + chunk.length > buffer.length) {
                long grown = Math.max((long) buffer.length * 2, (long) size + chunk.length);
                buffer = java.util.Arrays.copyOf(buffer, (int) Math.min(grown, limit));
            }
            System.arraycopy(chunk, 0, buffer, size, chunk.length);
            size += chunk.length;
        }

        byte[] bytes() {
            return buffer.length == size ? buffer : java.util.Arrays.copyOf(buffer, size);
        }
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    private static final class BadRequest extends RuntimeException {
        private final String code;

        BadRequest(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private static Mono<Void> json(HttpServerResponse res, HttpResponseStatus status, Object body) {
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendByteArray(Mono.just(ClusterJson.write(body)))
                .then();
    }

    private static Mono<Void> error(HttpServerResponse res, HttpResponseStatus status, String code,
                                    String message) {
        return json(res, status, new ClusterError(code, message == null ? code : message));
    }

    /** Invocations being answered now. */
    public int active() {
        return active.get();
    }

    /**
     * Stops taking calls and placements (503 {@code Draining}) and waits up to {@code grace} for the calls in flight.
     *
     * @return true if none was left in flight
     */
    public boolean drain(Duration grace) {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (active.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return active.get() == 0;
    }

    public boolean isDraining() {
        return draining;
    }

    /** Closes the listeners and the schedulers (call {@link #drain} first for a clean stop). */
    @Override
    public synchronized void close() {
        for (DisposableServer s : servers) {
            try {
                s.disposeNow(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing a listener failed: " + e.getClass().getSimpleName());
            }
        }
        servers.clear();
        calls.dispose();
        loads.dispose();
    }
}
