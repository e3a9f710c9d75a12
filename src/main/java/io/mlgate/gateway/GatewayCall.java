package io.mlgate.gateway;

import io.mlgate.iam.eval.Decision;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * What the gateway learns about one request as it passes socket → authentication → authorization → handler; the
 * audit event is built from it just before the response is committed. One instance per exchange, touched by one
 * stage at a time.
 */
public final class GatewayCall {

    private static final String ATTRIBUTE = GatewayCall.class.getName();

    private final String requestId;
    private final long startNanos;
    private volatile ApiCall apiCall;
    private volatile io.mlgate.protocol.query.QueryService queryService;
    private volatile io.mlgate.protocol.query.QueryParameters queryParameters;
    private volatile String xmlNamespace;
    private volatile io.mlgate.protocol.json.JsonService jsonService;
    private volatile tools.jackson.databind.JsonNode jsonBody;
    private final HttpHeaders requestHeaders;
    private volatile String claimedAccessKeyId;
    private volatile Caller caller;
    private volatile byte[] body;
    private volatile String bodySha256;
    private volatile Decision decision;
    private volatile boolean allowedByGrant;
    private volatile boolean authorizationDelegated;
    private volatile String[] webIdentity;
    private volatile String accessDeniedMessage;
    private volatile io.mlgate.iam.guardrail.GuardrailResult guardrails;
    private volatile String errorCode;
    private volatile String errorMessage;
    private volatile String invokedVariant;
    private volatile long modelNanos = -1;
    private volatile Boolean modelCacheHit;
    private volatile long modelLoadWaitNanos;
    private volatile PiiInspection pii;
    private volatile io.mlgate.vpc.NetworkSource networkSource;

    private GatewayCall(String requestId, ApiCall apiCall, HttpHeaders requestHeaders) {
        this.requestId = requestId;
        this.apiCall = apiCall;
        this.requestHeaders = requestHeaders;
        this.startNanos = System.nanoTime();
    }

    public static GatewayCall start(ServerWebExchange exchange, String requestId, ApiCall apiCall) {
        GatewayCall call = new GatewayCall(requestId, apiCall, exchange.getRequest().getHeaders());
        exchange.getAttributes().put(ATTRIBUTE, call);
        return call;
    }

    /** The call of an exchange, or {@code null} if the lifecycle filter has not started one. */
    static GatewayCall find(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    public static GatewayCall of(ServerWebExchange exchange) {
        GatewayCall call = exchange.getAttribute(ATTRIBUTE);
        if (call == null) {
            throw new IllegalStateException("no GatewayCall on this exchange");
        }
        return call;
    }

    public String requestId() { return requestId; }
    public long startNanos() { return startNanos; }
    /** The decoded call, or null when the request matched no operation. */
    public ApiCall apiCall() { return apiCall; }
    /**
     * The request headers as Reactor Netty parsed them (Netty's codec has validated names and values), read
     * directly rather than through Spring Security's firewall wrapper, which re-validates every value with regular
     * expressions on each access.
     */
    public HttpHeaders requestHeaders() { return requestHeaders; }
    public AwsProtocol protocol() { return apiCall == null ? AwsProtocol.REST_JSON : apiCall.protocol(); }
    /**
     * Replaces the decoded call once more is known about it: a query-protocol call learns its operation from the
     * (signed) body, and what it acts on once the caller is known.
     */
    public void resolve(ApiCall resolved) { this.apiCall = resolved; }

    /** The query-protocol service of the call, or null. */
    public io.mlgate.protocol.query.QueryService queryService() { return queryService; }
    /** The parsed query-protocol parameters of the call, or null. */
    public io.mlgate.protocol.query.QueryParameters queryParameters() { return queryParameters; }
    public void query(io.mlgate.protocol.query.QueryService service, io.mlgate.protocol.query.QueryParameters parameters) {
        this.queryService = service;
        this.queryParameters = parameters;
        this.xmlNamespace = service.xmlNamespace();
    }
    /** The JSON-protocol service of the call, or null. */
    public io.mlgate.protocol.json.JsonService jsonService() { return jsonService; }
    public void jsonService(io.mlgate.protocol.json.JsonService service) { this.jsonService = service; }
    /** The parsed JSON-protocol request body, or null until it is read. */
    public tools.jackson.databind.JsonNode jsonBody() { return jsonBody; }
    public void jsonBody(tools.jackson.databind.JsonNode body) { this.jsonBody = body; }
    /** The XML namespace of query-protocol responses and errors, or null when not yet known. */
    public String xmlNamespace() { return xmlNamespace; }
    public void xmlNamespace(String namespace) { this.xmlNamespace = namespace; }

    public String claimedAccessKeyId() { return claimedAccessKeyId; }
    public void claimedAccessKeyId(String id) { this.claimedAccessKeyId = id; }

    public Caller caller() { return caller; }
    public void authenticated(Caller caller) { this.caller = caller; }

    public byte[] body() { return body; }
    public String bodySha256() { return bodySha256; }
    public void body(byte[] body, String sha256) { this.body = body; this.bodySha256 = sha256; }

    public Decision decision() { return decision; }
    /** True when the service decides authorization itself (or the operation is unsigned by design). */
    public boolean authorizationDelegated() { return authorizationDelegated; }
    public void delegateAuthorization() { this.authorizationDelegated = true; }
    /** The web identity an unsigned AssumeRoleWithWebIdentity call proved (provider, audience, subject), or null. */
    public String[] webIdentity() { return webIdentity; }
    public void webIdentity(String provider, String audience, String subject) {
        this.webIdentity = new String[] {provider, audience, subject};
    }
    public void decision(Decision decision) { this.decision = decision; }

    /** What the OPA guardrails decided after IAM allowed the call (null: not evaluated). */
    public io.mlgate.iam.guardrail.GuardrailResult guardrails() { return guardrails; }
    public void guardrails(io.mlgate.iam.guardrail.GuardrailResult result) { this.guardrails = result; }

    /** True when a KMS grant allowed the call that the key policy and IAM left implicitly denied. */
    public boolean allowedByGrant() { return allowedByGrant; }

    /**
     * Keeps the decision a service made itself (authorizesInternally / unsigned STS calls) for the audit record.
     */
    public void serviceDecision(io.mlgate.iam.eval.DecisionTrace trace) {
        if (decision == null && trace.deciding() != null) {
            this.decision = trace.deciding();
        }
        this.allowedByGrant = trace.allowedByGrant();
    }
    /** AWS's AccessDenied text for a denied call (who, which action, which resource, why). */
    /** Where the call came from (aws:SourceIp, or through a VPC endpoint); {@code null} if the peer is unknown. */
    public io.mlgate.vpc.NetworkSource networkSource() { return networkSource; }
    void networkSource(io.mlgate.vpc.NetworkSource source) { this.networkSource = source; }

    public String accessDeniedMessage() { return accessDeniedMessage; }
    public void accessDeniedMessage(String message) { this.accessDeniedMessage = message; }

    public String errorCode() { return errorCode; }
    public String errorMessage() { return errorMessage; }
    public void fail(String code, String message) { this.errorCode = code; this.errorMessage = message; }

    public String invokedVariant() { return invokedVariant; }
    public long modelNanos() { return modelNanos; }
    public void served(String variant, long modelNanos) { this.invokedVariant = variant; this.modelNanos = modelNanos; }
    /** Multi-model calls: whether the target model was loaded already (null for other calls), and the load wait. */
    public Boolean modelCacheHit() { return modelCacheHit; }
    public long modelLoadWaitNanos() { return modelLoadWaitNanos; }
    public void servedFromCache(boolean hit, long loadWaitNanos) { this.modelCacheHit = hit; this.modelLoadWaitNanos = loadWaitNanos; }

    /** What the PII step found on this call (InvokeEndpoint under a policy other than OFF), or null. */
    PiiInspection pii() { return pii; }
    void pii(PiiInspection inspection) { this.pii = inspection; }
}
