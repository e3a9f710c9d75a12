package io.mlgate.gateway;

import io.mlgate.iam.eval.AccessDeniedMessage;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.protocol.query.QueryService;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

/**
 * Spring Security's authorization step: evaluates the caller's IAM policies for the decoded call's action and
 * resource with the request's context keys. The decision (with the statements that decided it) is kept on the
 * {@link GatewayCall} for the AccessDenied message and the audit event.
 *
 * <p>Two kinds of query-protocol call are decided elsewhere, by the service itself in its handler: operations the
 * service authorizes internally (STS AssumeRole needs the identity policies and the role's trust policy together)
 * and operations clients send unsigned (AssumeRoleWithWebIdentity, whose proof is the web identity token). Both are
 * marked on the call so the dispatcher and the audit event know who decided.
 */
public final class IamAuthorizationManager implements ReactiveAuthorizationManager<AuthorizationContext> {

    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);
    private static final AuthorizationDecision DENIED = new AuthorizationDecision(false);

    private final PolicyEvaluator evaluator;
    private final RequestContexts contexts;
    private final PrincipalDirectory principals;
    private final SageMakerTagKeys sageMakerTags;
    private final PiiInspector pii;

    public IamAuthorizationManager(PolicyEvaluator evaluator, String region, RequestTime time,
                                   PrincipalDirectory principals) {
        this(evaluator, region, time, principals, null, null);
    }

    /**
     * @param sageMaker the SageMaker control plane whose tags feed the tag condition keys (null: none)
     * @param pii       the PII step, run before the evaluation so its condition keys are in the context (null: none)
     */
    IamAuthorizationManager(PolicyEvaluator evaluator, String region, RequestTime time,
                            PrincipalDirectory principals, io.mlgate.sagemaker.SageMakerService sageMaker,
                            PiiInspector pii) {
        this.evaluator = evaluator;
        this.contexts = new RequestContexts(region, time);
        this.principals = principals;
        this.sageMakerTags = new SageMakerTagKeys(sageMaker);
        this.pii = pii;
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        GatewayCall call = GatewayCall.of(context.getExchange());
        ApiCall api = call.apiCall();
        QueryService service = call.queryService();
        if (service != null && api.protocol() == AwsProtocol.QUERY && !api.isPendingQuery()) {
            if (call.caller() == null && !service.requiresSignature(api.operation())) {
                call.delegateAuthorization();
                return Mono.just(GRANTED);
            }
            if (call.caller() != null && service.authorizesInternally(api.operation())) {
                call.delegateAuthorization();
                return Mono.just(GRANTED);
            }
        }
        if (api.protocol() == AwsProtocol.JSON_1_1 && call.jsonService() != null && call.caller() != null
                && call.jsonService().authorizesInternally(api.operation())) {
            call.delegateAuthorization();
            return Mono.just(GRANTED);
        }
        Mono<Void> inspection = pii == null || call.caller() == null ? Mono.empty() : pii.inspectRequest(call);
        return inspection.then(authentication)
                .filter(CallerAuthentication.class::isInstance)
                .map(auth -> {
                    Caller caller = ((CallerAuthentication) auth).getPrincipal();
                    io.mlgate.iam.eval.RequestContext.Builder keys = contexts.of(context.getExchange(), caller);
                    sageMakerTags.addTo(call, keys);
                    PiiInspector.addKeys(call, keys);
                    if (call.jsonService() != null && call.jsonBody() != null) {
                        call.jsonService().conditionKeys(api.operation(), call.jsonBody()).forEach(keys::put);
                    }
                    AuthorizationRequest request = request(caller, api, keys.build());
                    Decision decision = evaluator.evaluate(request);
                    call.decision(decision);
                    if (!decision.isAllowed()) {
                        call.accessDeniedMessage(AccessDeniedMessage.render(request, decision));
                    }
                    return (AuthorizationResult) (decision.isAllowed() ? GRANTED : DENIED);
                })
                .defaultIfEmpty(DENIED);
    }

    /** The request, with the organization's resource control policies for the resource's account. */
    private AuthorizationRequest request(Caller caller, ApiCall api, io.mlgate.iam.eval.RequestContext keys) {
        java.util.List<io.mlgate.iam.policy.IdentityPolicy> rcps = principals.configuration()
                .resourceControlPolicies(api.accountId());
        if (rcps.isEmpty()) {
            return AuthorizationRequest.of(caller.principal(), api.action(), api.resourceArn(), keys);
        }
        AuthorizationRequest.Builder builder = AuthorizationRequest.builder(caller.principal(), api.action(),
                api.resourceArn()).context(keys).resourceAccount(api.accountId());
        rcps.forEach(builder::resourceControlPolicy);
        return builder.build();
    }

    RequestContexts contexts() {
        return contexts;
    }
}
