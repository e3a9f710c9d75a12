package io.mlgate.gateway;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryRouter;
import io.mlgate.protocol.query.QueryService;
import io.mlgate.protocol.query.QueryTarget;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

import java.util.Locale;
import java.util.Map;

/**
 * Finishes decoding a query-protocol call in two steps. Once the body is buffered: parse the form (or the query
 * string of a {@code GET}), pick the service by {@code Action} and {@code Version}, and so learn which SigV4 service
 * the signature must be scoped to. Once the caller is authenticated: ask the service what the call acts on (IAM
 * action and resource), so authorization and the audit record see the real target.
 */
public final class QueryCallResolver {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final QueryRouter router;

    public QueryCallResolver(QueryRouter router) {
        this.router = router;
    }

    public int maxBodyBytes() {
        return router.maxBodyBytes();
    }

    /** Step 1: the operation and its service, from the signed parameters. */
    public void resolveOperation(GatewayCall call, ServerHttpRequest request, HttpHeaders headers, byte[] body)
            throws QueryException {
        QueryParameters parameters;
        if (request.getMethod() == HttpMethod.GET) {
            if (body.length > 0) {
                throw new QueryException("MalformedQueryString", 400, "A GET request must not have a body.");
            }
            parameters = QueryParameters.parse(request.getURI().getRawQuery());
        } else {
            String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
            if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
                call.xmlNamespace(router.namespaceFor(null));
                throw new QueryException("MalformedQueryString", 400,
                        "Query-protocol requests must have Content-Type " + FORM + ".");
            }
            parameters = QueryParameters.parseForm(body);
        }
        call.xmlNamespace(router.namespaceFor(parameters.version()));
        QueryService service = router.route(parameters);
        call.query(service, parameters);
        ApiCall pending = call.apiCall();
        call.resolve(new ApiCall(AwsProtocol.QUERY, service.signingName(), service.eventSource(), parameters.action(),
                service.signingName() + ":" + parameters.action(), null, null, pending.accountId(), true, false,
                pending.maxBodyBytes(), Map.of(), null));
    }

    /** Step 2: the IAM action and resource, now that the caller is known (null for an unsigned operation). */
    public void resolveTarget(GatewayCall call, PrincipalContext caller) throws QueryException {
        ApiCall api = call.apiCall();
        // an unsigned call (caller null) acts in the hosting account
        String accountId = caller != null ? caller.accountId() : api.accountId();
        QueryTarget target = call.queryService().target(api.operation(), call.queryParameters(), accountId, caller);
        call.resolve(new ApiCall(AwsProtocol.QUERY, api.signingService(), api.eventSource(), api.operation(),
                target.action(), target.resourceArn(), target.resourceType(), accountId, target.readOnly(),
                false, api.maxBodyBytes(), target.requestParameters(), null));
    }
}
