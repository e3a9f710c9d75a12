package io.mlgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The management port: plain HTTP, by default on 127.0.0.1:9464, serving exactly two read-only paths and nothing
 * else (every other path or method is 404):
 * <ul>
 *   <li>{@code GET /actuator/health}: {@code {"status":"UP"}}, or 503 {@code {"status":"DOWN"}} while the audit log
 *       cannot write (the gateway then refuses every call);</li>
 *   <li>{@code GET /actuator/prometheus}: the Prometheus text format of the {@link PrometheusMeterRegistry}, after
 *       {@link EndpointMetrics#refresh()}.</li>
 * </ul>
 * Why not Spring Boot Actuator's {@code management.server.port}: with WebFlux, the actuator's child context builds
 * its {@code HttpHandler} from the parent's {@code WebFilter} beans too, so the gateway's filters (API decoding,
 * SigV4, IAM) run on the management port and answer {@code /actuator/prometheus} with UnknownOperationException.
 * Exempting management requests inside those filters would put a bypass into the security chain of the AWS APIs;
 * this server shares nothing with that chain instead, and the main port's chain stays as it is. It runs on its own
 * event-loop thread, so a scrape never takes time from the data path.
 */
public final class ManagementServer implements AutoCloseable {

    /** The paths served. */
    public static final String HEALTH_PATH = "/actuator/health";
    public static final String PROMETHEUS_PATH = "/actuator/prometheus";
    /** Prometheus text exposition format 0.0.4. */
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Log LOG = LogFactory.getLog(ManagementServer.class);

    private final LoopResources loops;
    private final DisposableServer server;

    private ManagementServer(LoopResources loops, DisposableServer server) {
        this.loops = loops;
        this.server = server;
    }

    /**
     * Binds the management port.
     *
     * @param address  the address to listen on; anything but a loopback address is logged as a warning, since the
     *                 port has no authentication
     * @param port     the port; 0 picks a free one, a negative value disables the management port
     * @param registry the meters to expose
     * @param metrics  refreshed before each scrape
     * @param healthy  whether the gateway can serve calls (the audit log can write)
     * @throws IllegalStateException if the port cannot be bound
     */
    public static ManagementServer start(String address, int port, PrometheusMeterRegistry registry,
                                         EndpointMetrics metrics, BooleanSupplier healthy) {
        if (port < 0) {
            LOG.info("management port disabled (mlgate.management.port < 0): no health or metrics endpoint");
            return new ManagementServer(null, null);
        }
        warnIfNotLoopback(address);
        LoopResources loops = LoopResources.create("mlgate-management", 1, true);
        try {
            DisposableServer server = HttpServer.create()
                    .host(address)
                    .port(port)
                    .runOn(loops)
                    .route(routes -> routes
                            .get(HEALTH_PATH, (request, response) -> {
                                boolean up = healthy.getAsBoolean();
                                return response.status(up ? 200 : 503)
                                        .header("Content-Type", "application/json")
                                        .sendString(Mono.just(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}"));
                            })
                            .get(PROMETHEUS_PATH, (request, response) -> response
                                    .header("Content-Type", PROMETHEUS_CONTENT_TYPE)
                                    .sendString(Mono.fromCallable(() -> {
                                        metrics.refresh();
                                        return registry.scrape();
                                    }))))
                    .bindNow(Duration.ofSeconds(10));
            LOG.info("management port: http://" + hostForUrl(address) + ":" + server.port() + PROMETHEUS_PATH
                    + " and " + HEALTH_PATH);
            return new ManagementServer(loops, server);
        } catch (RuntimeException e) {
            loops.disposeLater().block(Duration.ofSeconds(5));
            throw new IllegalStateException("cannot open the management port " + address + ":" + port
                    + " (mlgate.management.address / mlgate.management.port): " + e.getMessage(), e);
        }
    }

    /** The bound port, or -1 when the management port is disabled. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    /** The bound address, or null when the management port is disabled. */
    public InetSocketAddress address() {
        return server == null ? null : (InetSocketAddress) server.address();
    }

    @Override
    public void close() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
            loops.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    private static void warnIfNotLoopback(String address) {
        try {
            if (!InetAddress.getByName(address).isLoopbackAddress()) {
                LOG.warn("the management port listens on " + address + ", not on a loopback address: its health "
                        + "and metrics (endpoint names, call counts) are served without authentication to anyone "
                        + "who can reach it (docs/security.md)");
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("mlgate.management.address " + address + " is not a known address", e);
        }
    }

    private static String hostForUrl(String address) {
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }
}
