package io.mlgate.gateway;

import io.mlgate.iam.eval.AccessDeniedMessage;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.RequestContext;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;

/**
 * Spring Security's authorization step: evaluates the caller's IAM policies for the decoded call's action and
 * resource with the request's context keys. The decision (with the statements that decided it) is kept on the
 * {@link GatewayCall} for the AccessDenied message and the audit event.
 */
public final class IamAuthorizationManager implements ReactiveAuthorizationManager<AuthorizationContext> {

    private final PolicyEvaluator evaluator;
    private final String region;
    private final RequestTime time;

    public IamAuthorizationManager(PolicyEvaluator evaluator, String region, RequestTime time) {
        this.evaluator = evaluator;
        this.region = region;
        this.time = time;
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        GatewayCall call = GatewayCall.of(context.getExchange());
        return authentication
                .filter(CallerAuthentication.class::isInstance)
                .map(auth -> {
                    Caller caller = ((CallerAuthentication) auth).getPrincipal();
                    AuthorizationRequest request = request(context, call, caller);
                    Decision decision = evaluator.evaluate(request);
                    call.decision(decision);
                    if (!decision.isAllowed()) {
                        call.accessDeniedMessage(AccessDeniedMessage.render(request, decision));
                    }
                    return (AuthorizationResult) new AuthorizationDecision(decision.isAllowed());
                })
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    private AuthorizationRequest request(AuthorizationContext context, GatewayCall call, Caller caller) {
        ApiCall api = call.apiCall();
        InetSocketAddress remote = context.getExchange().getRequest().getRemoteAddress();
        RequestTime.Second now = time.now();
        RequestContext.Builder keys = RequestContext.builder()
                .put("aws:SecureTransport", context.getExchange().getRequest().getSslInfo() != null ? "true" : "false")
                .put("aws:CurrentTime", now.iso())
                .put("aws:EpochTime", now.epoch())
                .put("aws:RequestedRegion", region);
        if (remote != null && remote.getAddress() != null) {
            keys.put("aws:SourceIp", remote.getAddress().getHostAddress());
        }
        return AuthorizationRequest.of(caller.principal(), api.action(), api.resourceArn(), keys.build());
    }
}
