package io.mlgate.gateway;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * The first stage of every request and the last word on it. It gives the call its request id and {@code Date}
 * header, decodes which API call it is, refuses all calls while the audit log cannot write (fail closed), and
 * registers the audit append as a before-commit action, so no response leaves before its event is durable —
 * whichever stage produced the response (handler, authentication failure, denial, error). The same action records
 * the call's {@link EndpointMetrics} once the event is durable, so refused calls are counted too.
 */
public final class CallLifecycleFilter implements WebFilter, Ordered {

    private final ApiCallDecoder decoder;
    private final AuditRecorder audit;
    private final RequestTime time;
    private final EndpointMetrics metrics;
    private final NetworkSources sources;

    public CallLifecycleFilter(ApiCallDecoder decoder, AuditRecorder audit, RequestTime time,
                               EndpointMetrics metrics) {
        this(decoder, audit, time, metrics, NetworkSources.none());
    }

    /** @param sources maps the connection to its network source (aws:SourceIp or the VPC endpoint it came through) */
    public CallLifecycleFilter(ApiCallDecoder decoder, AuditRecorder audit, RequestTime time,
                               EndpointMetrics metrics, NetworkSources sources) {
        this.decoder = decoder;
        this.audit = audit;
        this.time = time;
        this.metrics = metrics;
        this.sources = sources;
    }

    /**
     * First of the API path, right after the console's static-file filter ({@code console/ConsoleWebFilter}, at
     * {@link Ordered#HIGHEST_PRECEDENCE}), which answers {@code /console} requests itself and passes all others on.
     */
    @Override
    public int getOrder() {
        return ORDER;
    }

    /** This filter's order: {@link Ordered#HIGHEST_PRECEDENCE} + 10. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String requestId = UUID.randomUUID().toString();
        ApiCall apiCall = decoder.decode(exchange.getRequest());
        GatewayCall call = GatewayCall.start(exchange, requestId, apiCall);
        call.networkSource(sources.source(exchange.getRequest()));
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("x-amzn-RequestId", requestId);
        headers.set(HttpHeaders.DATE, time.now().httpDate());
        // metrics once the event is durable, so OverheadLatency includes the audit wait the client sees; a failed
        // append withholds the response, which the client sees as a server error
        exchange.getResponse().beforeCommit(() -> audit.record(exchange, call)
                .doOnSuccess(durable -> metrics.record(call, status(exchange), System.nanoTime()))
                .doOnError(failed -> metrics.record(call, 500, System.nanoTime())));

        if (!audit.healthy()) {
            return ErrorResponder.write(exchange, AwsError.serviceUnavailable(
                    "The audit log cannot record calls; the gateway refuses calls until it can."));
        }
        if (apiCall == null) {
            return ErrorResponder.write(exchange, AwsError.unknownOperation(
                    "No operation matches " + exchange.getRequest().getMethod() + " "
                            + truncate(exchange.getRequest().getURI().getRawPath())));
        }
        return chain.filter(exchange);
    }

    private static int status(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status == null ? 200 : status.value();
    }

    private static String truncate(String path) {
        if (path == null) {
            return "/";
        }
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }
}
