package io.mlgate.gateway;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * The last resort for errors no stage handled: the client gets the protocol's InternalFailure (or, for an
 * unmatched route, UnknownOperationException) and never a stack trace; the log gets the exception type and request
 * id, never request data.
 */
@Order(-2)
public final class GatewayExceptionHandler implements WebExceptionHandler {

    private static final Log LOG = LogFactory.getLog(GatewayExceptionHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        GatewayCall call = exchange.getAttribute(GatewayCall.class.getName());
        if (call == null) {
            return Mono.error(ex);
        }
        if (ex instanceof ResponseStatusException rse && rse.getStatusCode().value() == 404) {
            return ErrorResponder.write(exchange, AwsError.unknownOperation("No operation matches this request."));
        }
        LOG.error("request " + call.requestId() + " failed: " + ex.getClass().getName());
        return ErrorResponder.write(exchange, AwsError.internal(call.protocol()));
    }
}
