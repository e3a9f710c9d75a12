package io.mlgate.iam.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.mlgate.iam.policy.IdentityPolicy;

/**
 * The authenticated principal of a request as the evaluator sees it: identity (ARN, account, unique id, user name,
 * type, role and session facts), tags and session tags, and the policies that apply to it (identity-based, permissions
 * boundary, session policies, service control policies). Immutable; build once per principal and reuse across
 * requests (the principal-derived condition keys are computed here, not per request).
 */
public final class PrincipalContext {

    private final String arn;
    private final String accountId;
    private final PrincipalType type;
    private final String userId;
    private final String userName;
    private final String roleArn;
    private final String federatingUserArn;
    private final String provider;
    private final String orgId;
    private final Map<String, String> tags;
    private final Map<String, String> sessionTags;
    private final List<IdentityPolicy> identityPolicies;
    private final IdentityPolicy[] policyArray;
    /** Per action (lower-cased): for each identity policy, the statements whose Action/NotAction match it. */
    private final java.util.concurrent.ConcurrentHashMap<String, io.mlgate.iam.policy.Statement[][]> actionIndex =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final IdentityPolicy boundary;
    private final IdentityPolicy[] boundaryArray;
    private final List<IdentityPolicy> sessionPolicies;
    private final IdentityPolicy[] sessionArray;
    private final List<IdentityPolicy> scps;
    private final IdentityPolicy[] scpArray;
    private final boolean identityOnly;
    private final Map<String, List<String>> keys;

    private PrincipalContext(Builder b) {
        this.arn = b.arn;
        this.accountId = b.accountId;
        this.type = b.type;
        this.userId = b.userId;
        this.userName = b.userName;
        this.roleArn = b.roleArn;
        this.federatingUserArn = b.federatingUserArn;
        this.provider = b.provider;
        this.orgId = b.orgId;
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
        this.sessionTags = Collections.unmodifiableMap(new LinkedHashMap<>(b.sessionTags));
        this.identityPolicies = List.copyOf(b.policies);
        this.policyArray = identityPolicies.toArray(new IdentityPolicy[0]);
        this.boundary = b.boundary;
        this.boundaryArray = boundary == null ? new IdentityPolicy[0] : new IdentityPolicy[] {boundary};
        this.sessionPolicies = List.copyOf(b.sessionPolicies);
        this.sessionArray = sessionPolicies.toArray(new IdentityPolicy[0]);
        this.scps = List.copyOf(b.scps);
        this.scpArray = scps.toArray(new IdentityPolicy[0]);
        this.identityOnly = (type == PrincipalType.USER || type == PrincipalType.ASSUMED_ROLE) && boundary == null
                && sessionArray.length == 0 && scpArray.length == 0;
        Map<String, List<String>> k = new HashMap<>();
        k.put(PrincipalKeys.PRINCIPAL_ARN, List.of(type == PrincipalType.ASSUMED_ROLE && roleArn != null ? roleArn : arn));
        if (!accountId.isEmpty()) {
            k.put(PrincipalKeys.PRINCIPAL_ACCOUNT, List.of(accountId));
        }
        k.put(PrincipalKeys.PRINCIPAL_TYPE, List.of(type.awsName()));
        if (userId != null) {
            k.put(PrincipalKeys.USERID, List.of(userId));
        }
        if (userName != null) {
            k.put(PrincipalKeys.USERNAME, List.of(userName));
        }
        if (orgId != null) {
            k.put(PrincipalKeys.PRINCIPAL_ORG_ID, List.of(orgId));
        }
        for (Map.Entry<String, String> t : tags.entrySet()) {
            k.put(PrincipalKeys.PRINCIPAL_TAG_PREFIX + PrincipalKeys.lower(t.getKey()), List.of(t.getValue()));
        }
        // session tags override entity tags with the same key, whatever its case [STAGS]
        for (Map.Entry<String, String> t : sessionTags.entrySet()) {
            k.put(PrincipalKeys.PRINCIPAL_TAG_PREFIX + PrincipalKeys.lower(t.getKey()), List.of(t.getValue()));
        }
        k.putAll(b.overrides);
        this.keys = Map.copyOf(k);
    }

    /**
     * Starts a principal.
     *
     * @param arn       the principal ARN: a user ARN, a role-session ARN ({@code arn:aws:sts::A:assumed-role/R/S}),
     *                  a federated-user ARN, {@code arn:aws:iam::A:root}, an identity provider, or a service name
     * @param accountId the 12-digit account (aws:PrincipalAccount); empty for web-identity and service principals
     * @param type      the principal type (aws:PrincipalType)
     */
    public static Builder builder(String arn, String accountId, PrincipalType type) {
        return new Builder(arn, accountId, type);
    }

    /** Whether a condition key (any case) is derived from the principal rather than from the request. */
    public static boolean isPrincipalKey(String key) {
        return PrincipalKeys.owns(PrincipalKeys.lower(key));
    }

    public String arn() {
        return arn;
    }

    public String accountId() {
        return accountId;
    }

    public PrincipalType type() {
        return type;
    }

    /** The unique id (aws:userid), e.g. {@code AIDA...} for an IAM user. */
    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    /** The IAM user name (aws:username); only IAM users have one. */
    public Optional<String> userName() {
        return Optional.ofNullable(userName);
    }

    /** For a role session, the role's ARN (which is aws:PrincipalArn). */
    public Optional<String> roleArn() {
        return Optional.ofNullable(roleArn);
    }

    /** For a federated-user session, the ARN of the IAM user that called GetFederationToken. */
    public Optional<String> federatingUserArn() {
        return Optional.ofNullable(federatingUserArn);
    }

    /** For a web-identity caller, the identity provider as named in {@code Federated} principals. */
    public Optional<String> provider() {
        return Optional.ofNullable(provider);
    }

    /** The organization id of the principal's account (aws:PrincipalOrgID). */
    public Optional<String> orgId() {
        return Optional.ofNullable(orgId);
    }

    /** Tags as written (keys keep their case). */
    public Map<String, String> tags() {
        return tags;
    }

    /** Session tags (they override entity tags with the same key in aws:PrincipalTag/*). */
    public Map<String, String> sessionTags() {
        return sessionTags;
    }

    /** Effective identity-based policies: the user's inline and attached ones, then its groups' ones. */
    public List<IdentityPolicy> identityPolicies() {
        return identityPolicies;
    }

    /** The permissions boundary of the user or role, if one is set. */
    public Optional<IdentityPolicy> permissionsBoundary() {
        return Optional.ofNullable(boundary);
    }

    /** Session policies passed when the session was created (empty: none). */
    public List<IdentityPolicy> sessionPolicies() {
        return sessionPolicies;
    }

    /** Service control policies that apply to the principal's account (empty: not in an organization). */
    public List<IdentityPolicy> serviceControlPolicies() {
        return scps;
    }

    /** Most distinct actions whose candidate statements are kept; the index is emptied when it is full. */
    static final int MAX_INDEXED_ACTIONS = 512;

    /**
     * The identity-policy statements whose Action/NotAction match {@code lowerAction}, per policy in
     * {@link #policyArray()} order, statement order kept. Computed on first use for each action and kept (the
     * principal is immutable), so a decision only tries the resource and conditions of statements that can apply.
     */
    io.mlgate.iam.policy.Statement[][] candidateStatements(String lowerAction) {
        io.mlgate.iam.policy.Statement[][] candidates = actionIndex.get(lowerAction);
        if (candidates == null) {
            candidates = new io.mlgate.iam.policy.Statement[policyArray.length][];
            for (int i = 0; i < policyArray.length; i++) {
                candidates[i] = policyArray[i].document().statements().stream()
                        .filter(statement -> statement.matchesAction(lowerAction))
                        .toArray(io.mlgate.iam.policy.Statement[]::new);
            }
            if (actionIndex.size() >= MAX_INDEXED_ACTIONS) {
                actionIndex.clear();
            }
            actionIndex.put(lowerAction, candidates);
        }
        return candidates;
    }

    IdentityPolicy[] policyArray() {
        return policyArray;
    }

    IdentityPolicy boundary() {
        return boundary;
    }

    /** The boundary as a zero- or one-element array; do not modify. */
    IdentityPolicy[] boundaryArray() {
        return boundaryArray;
    }

    IdentityPolicy[] sessionArray() {
        return sessionArray;
    }

    IdentityPolicy[] scpArray() {
        return scpArray;
    }

    /** True when only identity-based policies decide for this principal (the gateway's common case). */
    boolean identityOnly() {
        return identityOnly;
    }

    /** Values of a principal-derived key ({@code aws:PrincipalArn}, {@code aws:PrincipalTag/k}, ...), or null. */
    List<String> keyValues(String lowerKey) {
        return keys.get(lowerKey);
    }

    @Override
    public String toString() {
        return type.awsName() + " " + arn;
    }

    /** Builds a {@link PrincipalContext}. */
    public static final class Builder {
        private final String arn;
        private final String accountId;
        private final PrincipalType type;
        private String userId;
        private String userName;
        private String roleArn;
        private String federatingUserArn;
        private String provider;
        private String orgId;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final Map<String, String> lowerTagKeys = new HashMap<>();
        private final Map<String, String> sessionTags = new LinkedHashMap<>();
        private final Map<String, String> lowerSessionTagKeys = new HashMap<>();
        private final List<IdentityPolicy> policies = new ArrayList<>();
        private IdentityPolicy boundary;
        private final List<IdentityPolicy> sessionPolicies = new ArrayList<>();
        private final List<IdentityPolicy> scps = new ArrayList<>();
        private final Map<String, List<String>> overrides = new HashMap<>();

        private Builder(String arn, String accountId, PrincipalType type) {
            this.arn = Objects.requireNonNull(arn, "arn");
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            this.type = Objects.requireNonNull(type, "type");
            if (accountId.isEmpty() && type.isAccountIdentity()) {
                throw new IllegalArgumentException("a " + type.awsName() + " principal needs an account id");
            }
        }

        public Builder userId(String userId) {
            this.userId = Objects.requireNonNull(userId, "userId");
            return this;
        }

        public Builder userName(String userName) {
            this.userName = Objects.requireNonNull(userName, "userName");
            return this;
        }

        /** For a role session: the role ARN (aws:PrincipalArn, and what role-ARN principals match). */
        public Builder roleArn(String roleArn) {
            this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
            return this;
        }

        /** For a federated-user session: the IAM user that called GetFederationToken. */
        public Builder federatingUserArn(String federatingUserArn) {
            this.federatingUserArn = Objects.requireNonNull(federatingUserArn, "federatingUserArn");
            return this;
        }

        /** For a web-identity caller: the identity provider (e.g. {@code accounts.google.com} or an OIDC provider ARN). */
        public Builder provider(String provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** The organization of the principal's account (aws:PrincipalOrgID). */
        public Builder orgId(String orgId) {
            this.orgId = Objects.requireNonNull(orgId, "orgId");
            return this;
        }

        /** Adds a tag; tag keys are unique ignoring case, as in IAM. */
        public Builder tag(String key, String value) {
            addTag(tags, lowerTagKeys, key, value);
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        /** Adds a session tag; it overrides an entity tag with the same key (any case). */
        public Builder sessionTag(String key, String value) {
            addTag(sessionTags, lowerSessionTagKeys, key, value);
            return this;
        }

        public Builder sessionTags(Map<String, String> tags) {
            tags.forEach(this::sessionTag);
            return this;
        }

        private static void addTag(Map<String, String> into, Map<String, String> lower, String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            String previous = lower.putIfAbsent(PrincipalKeys.lower(key), key);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate tag key '" + key + "' (tag keys are case-insensitive; already have '" + previous + "')");
            }
            into.put(key, value);
        }

        public Builder identityPolicy(IdentityPolicy policy) {
            policies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        public Builder identityPolicies(List<IdentityPolicy> policies) {
            policies.forEach(this::identityPolicy);
            return this;
        }

        /** Sets the permissions boundary. */
        public Builder permissionsBoundary(IdentityPolicy boundary) {
            this.boundary = Objects.requireNonNull(boundary, "boundary");
            return this;
        }

        /** Adds a session policy (inline or managed); the session's permissions are limited to their union. */
        public Builder sessionPolicy(IdentityPolicy policy) {
            sessionPolicies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** Adds a service control policy that applies to the principal's account. */
        public Builder serviceControlPolicy(IdentityPolicy policy) {
            scps.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * Sets a principal-derived condition key to given values, replacing what would be derived (for simulation,
         * where the request context states the key).
         *
         * @throws IllegalArgumentException if the key is not principal-derived
         */
        public Builder conditionKey(String key, List<String> values) {
            String lower = PrincipalKeys.lower(Objects.requireNonNull(key, "key"));
            if (!PrincipalKeys.owns(lower)) {
                throw new IllegalArgumentException("condition key '" + key + "' is not derived from the principal");
            }
            overrides.put(lower, List.copyOf(values));
            return this;
        }

        public PrincipalContext build() {
            return new PrincipalContext(this);
        }
    }
}
