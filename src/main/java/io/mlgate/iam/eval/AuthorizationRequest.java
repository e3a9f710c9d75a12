package io.mlgate.iam.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.mlgate.iam.policy.ConditionKeys;
import io.mlgate.iam.policy.IdentityPolicy;

/**
 * One question for the evaluator: may this principal perform this action (e.g. {@code sagemaker:InvokeEndpoint}) on
 * this resource ARN, given these request condition keys, the resource's policy and tags, and the resource account's
 * resource control policies?
 */
public final class AuthorizationRequest {

    private final PrincipalContext principal;
    private final String action;
    private final String lowerAction;
    private final String resource;
    private final RequestContext context;
    private final String resourceAccount;
    private final IdentityPolicy resourcePolicy;
    private final ResourcePolicyType resourcePolicyType;
    private final IdentityPolicy[] rcps;
    private final IdentityPolicy vpcEndpointPolicy;
    private final Map<String, List<String>> derived;
    private final ConditionKeys keys;

    private static final IdentityPolicy[] NO_POLICIES = new IdentityPolicy[0];
    private static final String SAGEMAKER_ARN_PREFIX = "arn:aws:sagemaker:";

    private AuthorizationRequest(PrincipalContext principal, String action, String resource, RequestContext context,
            String resourceAccount, IdentityPolicy resourcePolicy, ResourcePolicyType resourcePolicyType,
            IdentityPolicy[] rcps, IdentityPolicy vpcEndpointPolicy, Map<String, List<String>> derived) {
        this.principal = Objects.requireNonNull(principal, "principal");
        this.action = Objects.requireNonNull(action, "action");
        this.lowerAction = action.toLowerCase(Locale.ROOT);
        this.resource = Objects.requireNonNull(resource, "resource");
        this.context = Objects.requireNonNull(context, "context");
        this.resourceAccount = resourceAccount;
        this.resourcePolicy = resourcePolicy;
        this.resourcePolicyType = resourcePolicyType;
        this.rcps = rcps;
        this.vpcEndpointPolicy = vpcEndpointPolicy;
        this.derived = derived;
        this.keys = derived == null ? this::lookup : this::lookupWithDerived;
    }

    private static AuthorizationRequest build(Builder b) {
        Map<String, List<String>> d = new HashMap<>();
        // SageMaker resource types expose their tags as aws:ResourceTag/k and sagemaker:ResourceTag/k [SAR-SM]
        boolean sageMaker = b.resource.startsWith(SAGEMAKER_ARN_PREFIX);
        b.resourceTags.forEach((k, v) -> {
            d.put(PrincipalKeys.RESOURCE_TAG_PREFIX + PrincipalKeys.lower(k), List.of(v));
            if (sageMaker) {
                d.put(PrincipalKeys.SAGEMAKER_RESOURCE_TAG_PREFIX + PrincipalKeys.lower(k), List.of(v));
            }
        });
        if (b.requestTags != null) {
            b.requestTags.forEach((k, v) -> d.put(PrincipalKeys.REQUEST_TAG_PREFIX + PrincipalKeys.lower(k), List.of(v)));
            d.put(PrincipalKeys.TAG_KEYS, List.copyOf(b.requestTags.keySet()));
        }
        return new AuthorizationRequest(b.principal, b.action, b.resource, b.context, b.resourceAccount, b.resourcePolicy,
                b.resourcePolicyType, b.rcps.toArray(NO_POLICIES), b.vpcEndpointPolicy, d.isEmpty() ? null : Map.copyOf(d));
    }

    public static AuthorizationRequest of(PrincipalContext principal, String action, String resource, RequestContext context) {
        return new AuthorizationRequest(principal, action, resource, context, null, null, ResourcePolicyType.GENERIC,
                NO_POLICIES, null, null);
    }

    public static AuthorizationRequest of(PrincipalContext principal, String action, String resource) {
        return of(principal, action, resource, RequestContext.empty());
    }

    /** Starts a request with optional parts (resource policy, resource account and tags, request tags, RCPs). */
    public static Builder builder(PrincipalContext principal, String action, String resource) {
        return new Builder(principal, action, resource);
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

    /** The resource's account; {@code null} means the principal's own account. */
    public String resourceAccount() {
        return resourceAccount;
    }

    /** Whether the resource belongs to another account than the principal (cross-account request). */
    public boolean isCrossAccount() {
        return resourceAccount != null && !resourceAccount.equals(principal.accountId());
    }

    /** The resource-based policy of the resource, or {@code null}. */
    public IdentityPolicy resourcePolicy() {
        return resourcePolicy;
    }

    public ResourcePolicyType resourcePolicyType() {
        return resourcePolicyType;
    }

    IdentityPolicy[] rcpArray() {
        return rcps;
    }

    /** The policy of the VPC endpoint the call came through, or {@code null} (not through one, or its default policy). */
    public IdentityPolicy vpcEndpointPolicy() {
        return vpcEndpointPolicy;
    }

    /** True when only the principal's identity-based policies can decide (no resource side at all). */
    boolean identityOnly() {
        return resourcePolicy == null && rcps.length == 0 && vpcEndpointPolicy == null && resourcePolicyType == ResourcePolicyType.GENERIC
                && !isCrossAccount() && principal.identityOnly();
    }

    /**
     * The condition keys of this request: principal-derived keys from the principal; all others from the context,
     * and where the context does not give them, aws:ResourceTag/* (plus sagemaker:ResourceTag/* for a SageMaker
     * resource), aws:RequestTag/* and aws:TagKeys from the request's resource and request tags.
     */
    public ConditionKeys conditionKeys() {
        return keys;
    }

    private List<String> lookup(String lowerKey) {
        return PrincipalKeys.owns(lowerKey) ? principal.keyValues(lowerKey) : context.valuesLower(lowerKey);
    }

    private List<String> lookupWithDerived(String lowerKey) {
        if (PrincipalKeys.owns(lowerKey)) {
            return principal.keyValues(lowerKey);
        }
        List<String> v = context.valuesLower(lowerKey);
        return v != null ? v : derived.get(lowerKey);
    }

    /** Builds an {@link AuthorizationRequest}. */
    public static final class Builder {
        private final PrincipalContext principal;
        private final String action;
        private final String resource;
        private RequestContext context = RequestContext.empty();
        private String resourceAccount;
        private IdentityPolicy resourcePolicy;
        private ResourcePolicyType resourcePolicyType = ResourcePolicyType.GENERIC;
        private final List<IdentityPolicy> rcps = new ArrayList<>();
        private IdentityPolicy vpcEndpointPolicy;
        private final Map<String, String> resourceTags = new LinkedHashMap<>();
        private Map<String, String> requestTags;

        private Builder(PrincipalContext principal, String action, String resource) {
            this.principal = Objects.requireNonNull(principal, "principal");
            this.action = Objects.requireNonNull(action, "action");
            this.resource = Objects.requireNonNull(resource, "resource");
        }

        public Builder context(RequestContext context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /** The account that owns the resource; when it differs from the principal's, both sides must allow. */
        public Builder resourceAccount(String accountId) {
            this.resourceAccount = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** The resource's resource-based policy (parsed as a RESOURCE or TRUST policy). */
        public Builder resourcePolicy(IdentityPolicy policy) {
            this.resourcePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** What the resource policy is; a trust or key policy must allow the principal itself. */
        public Builder resourcePolicyType(ResourcePolicyType type) {
            this.resourcePolicyType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** Adds a resource control policy of the resource's account (only its Deny statements can decide). */
        public Builder resourceControlPolicy(IdentityPolicy policy) {
            rcps.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * The endpoint policy of the VPC endpoint the call came through (parsed as a RESOURCE policy): it must allow
         * the call as well, with a Principal that names the caller; a Deny in it is an explicit deny.
         */
        public Builder vpcEndpointPolicy(IdentityPolicy policy) {
            this.vpcEndpointPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Tags on the resource (aws:ResourceTag/k, and sagemaker:ResourceTag/k when the resource is a SageMaker ARN). */
        public Builder resourceTags(Map<String, String> tags) {
            tags.forEach((k, v) -> resourceTags.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
            return this;
        }

        /** Tags passed in the request (aws:RequestTag/k, and their keys as aws:TagKeys). */
        public Builder requestTags(Map<String, String> tags) {
            Map<String, String> copy = new LinkedHashMap<>();
            tags.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
            this.requestTags = copy;
            return this;
        }

        public AuthorizationRequest build() {
            return AuthorizationRequest.build(this);
        }
    }
}
