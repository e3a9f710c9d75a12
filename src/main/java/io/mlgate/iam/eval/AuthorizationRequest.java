package io.mlgate.iam.eval;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.mlgate.iam.policy.ConditionKeys;

/**
 * One question for the evaluator: may this principal perform this action (e.g. {@code sagemaker:InvokeEndpoint}) on
 * this resource ARN, given these request condition keys?
 */
public final class AuthorizationRequest {

    private final PrincipalContext principal;
    private final String action;
    private final String lowerAction;
    private final String resource;
    private final RequestContext context;
    private final ConditionKeys keys;

    private AuthorizationRequest(PrincipalContext principal, String action, String resource, RequestContext context) {
        this.principal = Objects.requireNonNull(principal, "principal");
        this.action = Objects.requireNonNull(action, "action");
        this.lowerAction = action.toLowerCase(Locale.ROOT);
        this.resource = Objects.requireNonNull(resource, "resource");
        this.context = Objects.requireNonNull(context, "context");
        this.keys = this::lookup;
    }

    public static AuthorizationRequest of(PrincipalContext principal, String action, String resource, RequestContext context) {
        return new AuthorizationRequest(principal, action, resource, context);
    }

    public static AuthorizationRequest of(PrincipalContext principal, String action, String resource) {
        return new AuthorizationRequest(principal, action, resource, RequestContext.empty());
    }

    public PrincipalContext principal() {
        return principal;
    }

    /** The action as given by the caller, e.g. {@code sagemaker:InvokeEndpoint}. */
    public String action() {
        return action;
    }

    String lowerAction() {
        return lowerAction;
    }

    public String resource() {
        return resource;
    }

    public RequestContext context() {
        return context;
    }

    /** The condition keys of this request: principal-derived keys from the principal, all others from the context. */
    public ConditionKeys conditionKeys() {
        return keys;
    }

    private List<String> lookup(String lowerKey) {
        return PrincipalKeys.owns(lowerKey) ? principal.keyValues(lowerKey) : context.valuesLower(lowerKey);
    }
}
