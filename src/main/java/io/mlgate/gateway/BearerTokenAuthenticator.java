package io.mlgate.gateway;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.sts.SessionClaims;
import io.mlgate.sts.SessionPrincipals;
import io.mlgate.sts.StsQueryService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Optional authentication of non-AWS clients on the invoke route: {@code Authorization: Bearer <OIDC ID token>}
 * becomes a web-identity session of the configured role ({@code mlgate.bearer-role-arn}), through exactly the
 * checks of AssumeRoleWithWebIdentity (token validation against policies/oidc-providers/, the role's trust policy
 * with the provider's condition keys). Off unless a role is configured. Validation may fetch a provider's JWKS, so
 * it runs off the event loop.
 */
public final class BearerTokenAuthenticator {

    static final String PREFIX = "Bearer ";

    private final String roleArn;
    private final StsQueryService sts;
    private final SessionPrincipals sessions;
    private final RequestContexts contexts;
    private final Scheduler scheduler;

    public BearerTokenAuthenticator(String roleArn, StsQueryService sts, SessionPrincipals sessions,
                                    String region, RequestTime time, Scheduler scheduler) {
        this.roleArn = roleArn;
        this.sts = sts;
        this.sessions = sessions;
        this.contexts = new RequestContexts(region, time);
        this.scheduler = scheduler;
    }

    public boolean enabled() {
        return roleArn != null;
    }

    static boolean isBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** The caller the bearer token proves, or an error with the STS code (InvalidIdentityToken, AccessDenied, ...). */
    Mono<Caller> authenticate(ServerWebExchange exchange, String authorization) {
        String token = authorization.substring(PREFIX.length()).strip();
        return Mono.fromCallable(() -> {
            SessionClaims claims = sts.bearerSession(token, roleArn, contexts.of(exchange, null).build());
            PrincipalContext principal = sessions.principalFor(claims);
            return new Caller(claims.accessKeyId(), principal, claims);
        }).subscribeOn(scheduler);
    }

    static AwsError error(QueryException e) {
        return new AwsError(e.status(), e.code(), e.getMessage());
    }
}
