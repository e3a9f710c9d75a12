package io.mlgate.gateway;

import io.mlgate.protocol.json.JsonRouter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an HTTP request into an {@link ApiCall} by the dispatch rule of shared/reference/aws-wire-protocols.md §1:
 * {@code POST /endpoints/{name}/invocations} is SageMaker Runtime's InvokeEndpoint; {@code POST /} with a form body
 * (or {@code GET /?Action=}) is a query-protocol call (IAM, STS) whose operation the authentication step reads from
 * the signed body ({@link QueryCallResolver}). Returns null for anything the gateway does not serve. Only the raw
 * path, method and headers are read here, never the body.
 */
public final class ApiCallDecoder {

    private static final String INVOKE_PREFIX = "/endpoints/";
    private static final String INVOKE_SUFFIX = "/invocations";
    private static final int MAX_ENDPOINT_NAME = 63;

    private final String region;
    private final String accountId;
    private final int maxInvokeBody;
    private final int maxQueryBody;
    private final JsonRouter json;

    public ApiCallDecoder(String region, String accountId, int maxInvokeBody, int maxQueryBody) {
        this(region, accountId, maxInvokeBody, maxQueryBody, new JsonRouter(java.util.List.of()));
    }

    public ApiCallDecoder(String region, String accountId, int maxInvokeBody, int maxQueryBody, JsonRouter json) {
        this.region = region;
        this.accountId = accountId;
        this.maxInvokeBody = maxInvokeBody;
        this.maxQueryBody = maxQueryBody;
        this.json = json;
    }

    public ApiCall decode(ServerHttpRequest request) {
        String path = request.getURI().getRawPath();
        if (path != null && path.startsWith(INVOKE_PREFIX) && path.endsWith(INVOKE_SUFFIX)
                && path.length() > INVOKE_PREFIX.length() + INVOKE_SUFFIX.length()) {
            if (request.getMethod() != HttpMethod.POST) {
                return null;
            }
            String name = path.substring(INVOKE_PREFIX.length(), path.length() - INVOKE_SUFFIX.length());
            return invokeEndpoint(name, request.getHeaders());
        }
        String target = request.getHeaders().getFirst("X-Amz-Target");
        if ("/".equals(path) && target != null && request.getMethod() == HttpMethod.POST) {
            // rule 2: X-Amz-Target selects a JSON 1.1 service and operation (the header is always signed)
            JsonRouter.Route route = json.route(target);
            return route == null ? null : ApiCall.pendingJson(route.service().api().signingName(),
                    route.service().api().eventSource(), route.operation(), accountId,
                    route.service().maxBodyBytes());
        }
        if ("/".equals(path) && isQueryCall(request)) {
            return ApiCall.pendingQuery(accountId, maxQueryBody);
        }
        return null;
    }

    /**
     * Rule 3 of the dispatch rule: {@code POST /} without {@code X-Amz-Target} (the JSON protocols' selector) is a
     * query-protocol call whose {@code Action} is in the body; {@code GET /?Action=...} carries it in the query.
     */
    private static boolean isQueryCall(ServerHttpRequest request) {
        if (request.getMethod() == HttpMethod.POST) {
            return !request.getHeaders().containsHeader("X-Amz-Target");
        }
        if (request.getMethod() == HttpMethod.GET) {
            String query = request.getURI().getRawQuery();
            return query != null && (query.startsWith("Action=") || query.contains("&Action="));
        }
        return false;
    }

    private ApiCall invokeEndpoint(String name, HttpHeaders headers) {
        Map<String, Object> params = new LinkedHashMap<>(8);
        params.put("endpointName", name);
        putIfPresent(params, "contentType", headers.getFirst(HttpHeaders.CONTENT_TYPE));
        putIfPresent(params, "accept", headers.getFirst(HttpHeaders.ACCEPT));
        putIfPresent(params, "targetVariant", headers.getFirst("X-Amzn-SageMaker-Target-Variant"));
        putIfPresent(params, "targetModel", headers.getFirst("X-Amzn-SageMaker-Target-Model"));
        putIfPresent(params, "inferenceId", headers.getFirst("X-Amzn-SageMaker-Inference-Id"));
        String error = validEndpointName(name) ? null
                : "1 validation error detected: Value '" + printable(name) + "' at 'endpointName' failed to satisfy "
                + "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*";
        String arnName = error == null ? name.toLowerCase(Locale.ROOT) : "invalid";
        return new ApiCall(AwsProtocol.REST_JSON, "sagemaker", "sagemaker.amazonaws.com", "InvokeEndpoint",
                "sagemaker:InvokeEndpoint",
                "arn:aws:sagemaker:" + region + ":" + accountId + ":endpoint/" + arnName,
                "AWS::SageMaker::Endpoint", accountId, false, true, maxInvokeBody, params, error);
    }

    /** SageMaker's endpoint name rule: {@code ^[a-zA-Z0-9](-*[a-zA-Z0-9])*}, at most 63 characters. */
    static boolean validEndpointName(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_ENDPOINT_NAME) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && !(c == '-' && i > 0 && i < n - 1)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) : value;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static void putIfPresent(Map<String, Object> params, String key, String value) {
        if (value != null) {
            params.put(key, value.length() > 1024 ? value.substring(0, 1024) : value);
        }
    }
}
