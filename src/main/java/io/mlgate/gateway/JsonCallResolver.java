package io.mlgate.gateway;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonRouter;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import org.springframework.http.HttpHeaders;

import java.util.Locale;

/**
 * Finishes decoding a JSON 1.1 call once its caller is authenticated: the body must be declared as
 * {@code application/x-amz-json-1.x} and be one JSON object (parsed strictly), and the service says what the call
 * acts on (IAM action, resource, audit-safe parameters), which the authorization step then evaluates.
 */
public final class JsonCallResolver {

    private final JsonRouter router;

    public JsonCallResolver(JsonRouter router) {
        this.router = router;
    }

    public JsonRouter router() {
        return router;
    }

    public void resolveTarget(GatewayCall call, HttpHeaders headers, byte[] body, PrincipalContext caller)
            throws JsonServiceException {
        JsonRouter.Route route = router.route(headers.getFirst("X-Amz-Target"));
        if (route == null) {
            throw new JsonServiceException("UnknownOperationException", 400, "The operation is not served.");
        }
        String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/x-amz-json-1.1") && !type.startsWith("application/x-amz-json-1.0")) {
            throw new JsonServiceException("SerializationException", 400,
                    "JSON requests must have Content-Type application/x-amz-json-1.1.");
        }
        call.jsonService(route.service());
        call.jsonBody(JsonBodies.read(body));
        ApiCall api = call.apiCall();
        JsonTarget target = route.service().target(route.operation(), call.jsonBody(), caller.accountId(), caller);
        call.resolve(new ApiCall(AwsProtocol.JSON_1_1, api.signingService(), api.eventSource(), api.operation(),
                target.action(), target.resourceArn(), target.resourceType(), caller.accountId(), target.readOnly(),
                false, api.maxBodyBytes(), target.requestParameters(), null));
    }
}
