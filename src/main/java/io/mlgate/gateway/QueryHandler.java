package io.mlgate.gateway;

import io.mlgate.iam.eval.DecisionTrace;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryResponses;
import io.mlgate.protocol.query.XmlWriter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.nio.charset.StandardCharsets;

/**
 * Runs an authorized query-protocol call (IAM, STS) on its service, off the event loop (services may write files),
 * and answers with the XML envelope or the service's error in the {@code ErrorResponse} shape.
 */
public final class QueryHandler {

    private static final Log LOG = LogFactory.getLog(QueryHandler.class);

    private static final String WEB_IDENTITY = "AssumeRoleWithWebIdentity";

    private final Scheduler scheduler;
    private final RequestContexts contexts;

    public QueryHandler(Scheduler scheduler, String region, RequestTime time) {
        this.scheduler = scheduler;
        this.contexts = new RequestContexts(region, time);
    }

    public Mono<Void> handle(ServerWebExchange exchange) {
        GatewayCall call = GatewayCall.of(exchange);
        ApiCall api = call.apiCall();
        Caller caller = call.caller();
        RequestContext context = contexts.of(exchange, caller).build();
        return Mono.fromCallable(() -> {
                    XmlWriter result = new XmlWriter();
                    try (DecisionTrace trace = DecisionTrace.open()) {
                        try {
                            call.queryService().invoke(api.operation(), call.queryParameters(),
                                    caller == null ? null : caller.principal(), context, result);
                        } finally {
                            call.serviceDecision(trace);
                        }
                    }
                    if (WEB_IDENTITY.equals(api.operation())) {
                        // the audit record's WebIdentityUser: what the service proved from the token
                        String xml = result.toString();
                        call.webIdentity(element(xml, "Provider"), element(xml, "Audience"),
                                element(xml, "SubjectFromWebIdentityToken"));
                    }
                    return QueryResponses.success(api.operation(), call.xmlNamespace(), result, call.requestId());
                })
                .subscribeOn(scheduler)
                .flatMap(xml -> respond(exchange, xml))
                .onErrorResume(QueryException.class, e ->
                        ErrorResponder.write(exchange, new AwsError(e.status(), e.code(), e.getMessage())))
                .onErrorResume(RuntimeException.class, e -> {
                    LOG.error("query operation " + api.operation() + " failed for request " + call.requestId()
                            + " (" + e.getClass().getName() + ")", e);
                    return ErrorResponder.write(exchange, new AwsError(500, "ServiceFailure",
                            "The request processing has failed because of an unknown error, exception or failure."));
                });
    }

    /** The text of the first {@code <name>} element of XML this gateway wrote itself, unescaped; null if absent. */
    static String element(String xml, String name) {
        int start = xml.indexOf("<" + name + ">");
        if (start < 0) {
            return null;
        }
        start += name.length() + 2;
        int end = xml.indexOf("</" + name + ">", start);
        if (end < 0) {
            return null;
        }
        return xml.substring(start, end).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&apos;", "'").replace("&#xD;", "\r").replace("&amp;", "&");
    }

    private static Mono<Void> respond(ServerWebExchange exchange, String xml) {
        ServerHttpResponse response = exchange.getResponse();
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.OK);
        response.getHeaders().set(HttpHeaders.CONTENT_TYPE, "text/xml");
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
