package io.mlgate.gateway;

import io.mlgate.iam.eval.DecisionTrace;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs an authorized JSON 1.1 call (KMS, later SageMaker and CloudTrail) on its service, off the event loop, and
 * answers {@code 200 application/x-amz-json-1.1} with the service's JSON, or the service's error in the
 * {@code {"__type","message"}} shape.
 */
public final class JsonHandler {

    private static final Log LOG = LogFactory.getLog(JsonHandler.class);

    private final Scheduler scheduler;
    private final RequestContexts contexts;

    public JsonHandler(Scheduler scheduler, String region, RequestTime time) {
        this.scheduler = scheduler;
        this.contexts = new RequestContexts(region, time);
    }

    public Mono<Void> handle(ServerWebExchange exchange) {
        GatewayCall call = GatewayCall.of(exchange);
        ApiCall api = call.apiCall();
        RequestContext context = contexts.of(exchange, call.caller()).build();
        return Mono.fromCallable(() -> {
                    try (DecisionTrace trace = DecisionTrace.open()) {
                        try {
                            return JsonBodies.write(call.jsonService().invoke(api.operation(), call.jsonBody(),
                                    call.caller().principal(), context));
                        } finally {
                            call.serviceDecision(trace);
                        }
                    }
                })
                .subscribeOn(scheduler)
                .flatMap(body -> {
                    ServerHttpResponse response = exchange.getResponse();
                    response.setStatusCode(HttpStatus.OK);
                    response.getHeaders().set(HttpHeaders.CONTENT_TYPE, "application/x-amz-json-1.1");
                    response.getHeaders().setContentLength(body.length);
                    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
                })
                .onErrorResume(JsonServiceException.class, e ->
                        ErrorResponder.write(exchange, new AwsError(e.status(), e.code(), e.getMessage())))
                .onErrorResume(RuntimeException.class, e -> {
                    LOG.error("JSON operation " + api.operation() + " failed for request " + call.requestId()
                            + " (" + e.getClass().getName() + ")", e);
                    return ErrorResponder.write(exchange, AwsError.internal(AwsProtocol.JSON_1_1));
                });
    }
}
