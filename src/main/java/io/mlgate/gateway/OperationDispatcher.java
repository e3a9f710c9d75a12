package io.mlgate.gateway;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The end of the filter path: after authentication and authorization have let a call through, hands it to the
 * handler of its operation. The {@link ApiCallDecoder} already routed the request, so there is no second routing
 * table; a call only gets here if IAM allowed it.
 */
public final class OperationDispatcher implements WebFilter, Ordered {

    private final InvokeEndpointHandler invokeEndpoint;
    private final QueryHandler queries;
    private final JsonHandler jsons;

    public OperationDispatcher(InvokeEndpointHandler invokeEndpoint, QueryHandler queries, JsonHandler jsons) {
        this.invokeEndpoint = invokeEndpoint;
        this.queries = queries;
        this.jsons = jsons;
    }

    @Override
    public int getOrder() {
        return 0; // after Spring Security's WebFilterChainProxy (-100)
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        GatewayCall call = GatewayCall.of(exchange);
        boolean allowed = call.caller() != null && call.decision() != null && call.decision().isAllowed();
        boolean delegated = call.authorizationDelegated() && (
                call.apiCall().protocol() == AwsProtocol.QUERY && call.queryService() != null
                        && (call.caller() != null || !call.queryService().requiresSignature(call.apiCall().operation()))
                || call.apiCall().protocol() == AwsProtocol.JSON_1_1 && call.jsonService() != null
                        && call.caller() != null);
        if (!allowed && !delegated) {
            // defence in depth: never dispatch a call that did not pass authentication and IAM
            return ErrorResponder.write(exchange, AwsError.accessDenied(call.protocol(),
                    "You are not authorized to perform this operation."));
        }
        if (call.apiCall().protocol() == AwsProtocol.QUERY) {
            return queries.handle(exchange);
        }
        if (call.apiCall().protocol() == AwsProtocol.JSON_1_1) {
            return jsons.handle(exchange);
        }
        return switch (call.apiCall().operation()) {
            case "InvokeEndpoint" -> invokeEndpoint.handle(exchange);
            default -> ErrorResponder.write(exchange, AwsError.unknownOperation(
                    "Operation " + call.apiCall().operation() + " is not served."));
        };
    }
}
