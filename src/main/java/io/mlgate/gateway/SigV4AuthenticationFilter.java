package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Exception;
import io.mlgate.auth.sigv4.SigV4Failure;
import io.mlgate.auth.sigv4.SigV4Verifier;
import io.mlgate.auth.sigv4.SignedRequest;
import io.mlgate.auth.sigv4.VerifiedSignature;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.sts.SessionClaims;
import io.mlgate.sts.SessionPrincipals;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Spring Security's authentication step for AWS calls: buffers the body (up to the operation's limit, rejecting
 * larger ones early), hashes it, verifies the SigV4 signature (header or presigned form) with the
 * {@link SigV4Verifier}, and resolves the access key to its IAM principal. On success the caller goes into the
 * security context; on failure the protocol's error is written and the chain stops, so nothing else runs.
 */
public final class SigV4AuthenticationFilter implements WebFilter {

    private static final byte[] EMPTY = new byte[0];
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final SigV4Verifier verifier;
    private final PrincipalDirectory principals;
    private final QueryCallResolver queries;
    private final SessionPrincipals sessions;
    private final BearerTokenAuthenticator bearers;
    private final JsonCallResolver jsons;

    public SigV4AuthenticationFilter(SigV4Verifier verifier, PrincipalDirectory principals, QueryCallResolver queries,
                                     SessionPrincipals sessions, BearerTokenAuthenticator bearers,
                                     JsonCallResolver jsons) {
        this.verifier = verifier;
        this.principals = principals;
        this.queries = queries;
        this.sessions = sessions;
        this.bearers = bearers;
        this.jsons = jsons;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        GatewayCall call = GatewayCall.of(exchange);
        ApiCall api = call.apiCall();
        ServerHttpRequest request = exchange.getRequest();
        call.claimedAccessKeyId(claimedAccessKeyId(request, call.requestHeaders()));

        long declared = call.requestHeaders().getContentLength();
        if (declared > api.maxBodyBytes()) {
            return ErrorResponder.write(exchange, tooLarge(api, declared));
        }
        return DataBufferUtils.join(request.getBody(), api.maxBodyBytes())
                .map(SigV4AuthenticationFilter::drain)
                .defaultIfEmpty(EMPTY)
                .flatMap(body -> authenticate(exchange, chain, call, body))
                .onErrorResume(DataBufferLimitException.class,
                        e -> ErrorResponder.write(exchange, tooLarge(api, -1)));
    }

    private Mono<Void> authenticate(ServerWebExchange exchange, WebFilterChain chain, GatewayCall call, byte[] body) {
        MessageDigest digest = SHA256.get();
        String sha256 = HEX.formatHex(digest.digest(body));
        call.body(body, sha256);
        if (call.apiCall().isPendingQuery()) {
            try {
                queries.resolveOperation(call, exchange.getRequest(), call.requestHeaders(), body);
            } catch (QueryException e) {
                return ErrorResponder.write(exchange, new AwsError(e.status(), e.code(), e.getMessage()));
            }
        }
        ApiCall api = call.apiCall();
        String authorization = call.requestHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (BearerTokenAuthenticator.isBearer(authorization)) {
            return bearer(exchange, chain, call, authorization);
        }
        if (api.protocol() == AwsProtocol.QUERY && !call.queryService().requiresSignature(api.operation())
                && call.claimedAccessKeyId() == null && !hasAuthentication(exchange.getRequest(), call.requestHeaders())) {
            return unsigned(exchange, chain, call);
        }

        VerifiedSignature verified;
        try {
            verified = verifier.verify(toSignedRequest(exchange.getRequest(), call.requestHeaders(), sha256),
                    api.signingService());
        } catch (SigV4Exception e) {
            return ErrorResponder.write(exchange, AwsError.forProtocol(api.protocol(), e));
        }
        SessionClaims session = verified.owner() instanceof SessionClaims claims ? claims : null;
        PrincipalContext principal = session != null ? sessions.principalFor(session)
                : principals.find((String) verified.owner());
        if (principal == null) {
            // the key exists but its user is gone from the IAM configuration: same answer as an unknown key
            return ErrorResponder.write(exchange, AwsError.forProtocol(api.protocol(),
                    new SigV4Exception(SigV4Failure.UNKNOWN_ACCESS_KEY, "access key owner not found")));
        }
        Caller caller = new Caller(verified.accessKeyId(), principal, session);
        call.authenticated(caller);
        if (api.protocol() == AwsProtocol.JSON_1_1) {
            try {
                jsons.resolveTarget(call, call.requestHeaders(), body, principal);
            } catch (JsonServiceException e) {
                return ErrorResponder.write(exchange, new AwsError(e.status(), e.code(), e.getMessage()),
                        ErrorResponder.withoutQuotedValues(e.getMessage()));
            }
        }
        if (api.protocol() == AwsProtocol.QUERY) {
            try {
                queries.resolveTarget(call, principal);
            } catch (QueryException e) {
                return ErrorResponder.write(exchange, new AwsError(e.status(), e.code(), e.getMessage()),
                        ErrorResponder.withoutQuotedValues(e.getMessage()));
            }
        }
        if (api.validationError() != null) {
            return ErrorResponder.write(exchange, AwsError.validation(api.protocol(), api.validationError()));
        }
        return chain.filter(exchange)
                .contextWrite(ReactiveSecurityContextHolder.withAuthentication(new CallerAuthentication(caller)));
    }

    /** {@code Authorization: Bearer}: only on InvokeEndpoint, only when enabled (mlgate.bearer-role-arn). */
    private Mono<Void> bearer(ServerWebExchange exchange, WebFilterChain chain, GatewayCall call, String authorization) {
        ApiCall api = call.apiCall();
        if (!bearers.enabled() || !"InvokeEndpoint".equals(api.operation())) {
            return ErrorResponder.write(exchange, new AwsError(403,
                    api.protocol() == AwsProtocol.QUERY ? "InvalidClientTokenId" : "UnrecognizedClientException",
                    "Bearer tokens are not accepted here: sign the request with SigV4."));
        }
        return bearers.authenticate(exchange, authorization)
                .flatMap(caller -> {
                    call.authenticated(caller);
                    if (api.validationError() != null) {
                        return ErrorResponder.write(exchange, AwsError.validation(api.protocol(), api.validationError()));
                    }
                    return chain.filter(exchange).contextWrite(
                            ReactiveSecurityContextHolder.withAuthentication(new CallerAuthentication(caller)));
                })
                .onErrorResume(QueryException.class,
                        e -> ErrorResponder.write(exchange, BearerTokenAuthenticator.error(e)));
    }

    /**
     * An operation clients send unsigned by design (STS AssumeRoleWithWebIdentity: the web identity token is the
     * proof, checked by the service): no caller, no Spring authentication; the authorization manager lets exactly
     * these operations through to their service.
     */
    private Mono<Void> unsigned(ServerWebExchange exchange, WebFilterChain chain, GatewayCall call) {
        try {
            queries.resolveTarget(call, null);
        } catch (QueryException e) {
            return ErrorResponder.write(exchange, new AwsError(e.status(), e.code(), e.getMessage()),
                    ErrorResponder.withoutQuotedValues(e.getMessage()));
        }
        return chain.filter(exchange);
    }

    private static boolean hasAuthentication(ServerHttpRequest request, HttpHeaders headers) {
        if (headers.getFirst(HttpHeaders.AUTHORIZATION) != null) {
            return true;
        }
        String query = request.getURI().getRawQuery();
        return query != null && query.contains("X-Amz-Signature=");
    }

    static SignedRequest toSignedRequest(ServerHttpRequest request, HttpHeaders headers, String bodySha256) {
        SignedRequest.Builder builder = SignedRequest.builder()
                .method(request.getMethod().name())
                .rawPath(request.getURI().getRawPath())
                .rawQuery(request.getURI().getRawQuery())
                .payloadSha256Hex(bodySha256);
        for (String name : headers.headerNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            List<String> values = headers.get(name);
            if (values != null) {
                for (String value : values) {
                    builder.header(lower, value);
                }
            }
        }
        return builder.build();
    }

    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static AwsError tooLarge(ApiCall api, long declared) {
        return AwsError.validation(api.protocol(), "Request payload size "
                + (declared >= 0 ? declared + " bytes " : "")
                + "exceeds the limit of " + api.maxBodyBytes() + " bytes for " + api.operation() + ".");
    }

    /** The access key id a request claims (unverified), for the audit record of a failed authentication. */
    static String claimedAccessKeyId(ServerHttpRequest request, HttpHeaders headers) {
        String credential = null;
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            int at = authorization.indexOf("Credential=");
            if (at >= 0) {
                credential = authorization.substring(at + "Credential=".length());
            }
        } else {
            credential = request.getQueryParams().getFirst("X-Amz-Credential");
        }
        if (credential == null) {
            return null;
        }
        int slash = credential.indexOf('/');
        String id = slash > 0 ? credential.substring(0, slash) : credential;
        if (id.length() > 128) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return null;
            }
        }
        return id;
    }
}
