package io.mlgate.gateway;

import io.mlgate.iam.eval.AccessDeniedMessage;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.guardrail.GuardrailInput;
import io.mlgate.iam.guardrail.GuardrailSet;
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
 * {@link GatewayCall} for the AccessDenied message and the audit event. When IAM allows, the OPA guardrails
 * (docs/opa-guardrails.md) are asked next; their denial overrides the allow.
 *
 * <p>Two kinds of query-protocol call are decided elsewhere, by the service itself in its handler: operations the
 * service authorizes internally (STS AssumeRole needs the identity policies and the role's trust policy together)
 * and operations clients send unsigned (AssumeRoleWithWebIdentity, whose proof is the web identity token). Both are
 * marked on the call so the dispatcher and the audit event know who decided.
 */
public final class IamAuthorizationManager implements ReactiveAuthorizationManager<AuthorizationContext> {

    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);
    private static final AuthorizationDecision DENIED = new AuthorizationDecision(false);
    private static final String TARGET_VARIANT = "X-Amzn-SageMaker-Target-Variant";
    private static final String TARGET_MODEL = "X-Amzn-SageMaker-Target-Model";
    private static final String CONTENT_TYPE = "Content-Type";

    private final PolicyEvaluator evaluator;
    private final RequestContexts contexts;
    private final PrincipalDirectory principals;
    private final SageMakerTagKeys sageMakerTags;
    private final PiiInspector pii;
    private final NetworkSources sources;
    private final String hostingAccount;
    private final GuardrailSet guardrails;

    public IamAuthorizationManager(PolicyEvaluator evaluator, String region, RequestTime time,
                                   PrincipalDirectory principals) {
        this(evaluator, region, time, principals, null, null);
    }

    IamAuthorizationManager(PolicyEvaluator evaluator, String region, RequestTime time,
                            PrincipalDirectory principals, io.mlgate.sagemaker.SageMakerService sageMaker,
                            PiiInspector pii) {
        this(evaluator, region, time, principals, sageMaker, pii, NetworkSources.none(), null,
                GuardrailSet.disabled());
    }

    /**
     * @param sageMaker the SageMaker control plane whose tags feed the tag condition keys (null: none)
     * @param pii       the PII step, run before the evaluation so its condition keys are in the context (null: none)
     * @param sources   the simulated VPC: a call through a VPC endpoint with a policy must be allowed by it too
     * @param hostingAccount the account unsigned calls are attributed to when an endpoint policy judges them
     * @param guardrails     the OPA guardrails asked after IAM allowed a call; a denial overrides the allow
     */
    IamAuthorizationManager(PolicyEvaluator evaluator, String region, RequestTime time,
                            PrincipalDirectory principals, io.mlgate.sagemaker.SageMakerService sageMaker,
                            PiiInspector pii, NetworkSources sources, String hostingAccount,
                            GuardrailSet guardrails) {
        this.guardrails = guardrails;
        this.evaluator = evaluator;
        this.contexts = new RequestContexts(region, time);
        this.principals = principals;
        this.sageMakerTags = new SageMakerTagKeys(sageMaker);
        this.pii = pii;
        this.sources = sources;
        this.hostingAccount = hostingAccount;
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        GatewayCall call = GatewayCall.of(context.getExchange());
        ApiCall api = call.apiCall();
        QueryService service = call.queryService();
        if (service != null && api.protocol() == AwsProtocol.QUERY && !api.isPendingQuery()) {
            if (call.caller() == null && !service.requiresSignature(api.operation())) {
                return delegated(call, context, null);
            }
            if (call.caller() != null && service.authorizesInternally(api.operation())) {
                return delegated(call, context, call.caller());
            }
        }
        if (api.protocol() == AwsProtocol.JSON_1_1 && call.jsonService() != null && call.caller() != null
                && call.jsonService().authorizesInternally(api.operation())) {
            return delegated(call, context, call.caller());
        }
        Mono<Void> inspection = pii == null || call.caller() == null ? Mono.empty() : pii.inspectRequest(call);
        return inspection.then(authentication)
                .filter(CallerAuthentication.class::isInstance)
                .flatMap(auth -> {
                    Caller caller = ((CallerAuthentication) auth).getPrincipal();
                    io.mlgate.iam.eval.RequestContext.Builder keys = contexts.of(context.getExchange(), caller);
                    sageMakerTags.addTo(call, keys);
                    PiiInspector.addKeys(call, keys);
                    if (call.jsonService() != null && call.jsonBody() != null) {
                        call.jsonService().conditionKeys(api.operation(), call.jsonBody()).forEach(keys::put);
                    }
                    AuthorizationRequest request = request(caller, api, keys.build(), call);
                    Decision decision = evaluator.evaluate(request);
                    call.decision(decision);
                    if (!decision.isAllowed()) {
                        call.accessDeniedMessage(AccessDeniedMessage.render(request, decision));
                        return Mono.just((AuthorizationResult) DENIED);
                    }
                    if (guardrails.isEmpty()) {
                        return Mono.just((AuthorizationResult) GRANTED);
                    }
                    return guarded(call, request, decision);
                })
                .defaultIfEmpty(DENIED);
    }

    /**
     * The OPA guardrails for a call IAM allowed: a deny (or an error: they fail closed) overrides the allow; an IAM
     * deny never reaches them, so they can never turn it into an allow.
     */
    private Mono<AuthorizationResult> guarded(GatewayCall call, AuthorizationRequest request, Decision decision) {
        ApiCall api = call.apiCall();
        org.springframework.http.HttpHeaders headers = call.requestHeaders();
        GuardrailInput.Builder input = GuardrailInput.builder(request).iamDecision(decision)
                .endpoint(api.endpointName(), headers.getFirst(TARGET_VARIANT), headers.getFirst(TARGET_MODEL))
                .payload(call.body() == null ? -1 : call.body().length, headers.getFirst(CONTENT_TYPE))
                .networkFromContext();
        return Mono.fromFuture(guardrails.evaluate(input.build())).map(result -> {
            call.guardrails(result);
            if (result.allowed()) {
                return GRANTED;
            }
            call.accessDeniedMessage(result.accessDeniedMessage(request.principal().arn(), request.action(),
                    request.resource()));
            return DENIED;
        });
    }

    /**
     * A call its service authorizes itself (or an unsigned one): through a VPC endpoint with a policy, that policy
     * must allow it first (an unsigned caller is anonymous: only {@code Principal: "*"} names it); then the service
     * decides.
     */
    private Mono<AuthorizationResult> delegated(GatewayCall call, AuthorizationContext context, Caller caller) {
        java.util.Optional<io.mlgate.iam.policy.IdentityPolicy> vpce = sources.endpointPolicy(call.networkSource());
        if (vpce.isEmpty()) {
            call.delegateAuthorization();
            return Mono.just(GRANTED);
        }
        ApiCall api = call.apiCall();
        io.mlgate.iam.eval.PrincipalContext principal = caller != null ? caller.principal()
                : io.mlgate.iam.eval.PrincipalContext.builder("*", hostingAccount == null ? "" : hostingAccount,
                        io.mlgate.iam.eval.PrincipalType.ANONYMOUS).build();
        AuthorizationRequest request = AuthorizationRequest.builder(principal, api.action(), api.resourceArn())
                .context(contexts.of(context.getExchange(), caller).build()).vpcEndpointPolicy(vpce.get()).build();
        Decision decision = evaluator.evaluateEndpointPolicy(request);
        if (decision.isAllowed()) {
            call.delegateAuthorization();
            return Mono.just(GRANTED);
        }
        call.decision(decision);
        call.accessDeniedMessage(AccessDeniedMessage.render(request, decision));
        return Mono.just(DENIED);
    }

    /**
     * The request, with the organization's resource control policies for the resource's account and the policy of
     * the VPC endpoint the call came through.
     */
    private AuthorizationRequest request(Caller caller, ApiCall api, io.mlgate.iam.eval.RequestContext keys,
                                         GatewayCall call) {
        java.util.List<io.mlgate.iam.policy.IdentityPolicy> rcps = principals.configuration()
                .resourceControlPolicies(api.accountId());
        java.util.Optional<io.mlgate.iam.policy.IdentityPolicy> vpce = sources.endpointPolicy(call.networkSource());
        if (rcps.isEmpty() && vpce.isEmpty()) {
            return AuthorizationRequest.of(caller.principal(), api.action(), api.resourceArn(), keys);
        }
        AuthorizationRequest.Builder builder = AuthorizationRequest.builder(caller.principal(), api.action(),
                api.resourceArn()).context(keys);
        if (!rcps.isEmpty()) {
            builder.resourceAccount(api.accountId());
            rcps.forEach(builder::resourceControlPolicy);
        }
        vpce.ifPresent(builder::vpcEndpointPolicy);
        return builder.build();
    }

    RequestContexts contexts() {
        return contexts;
    }
}
