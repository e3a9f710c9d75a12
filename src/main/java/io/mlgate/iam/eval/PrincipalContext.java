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
 * type), tags, and the effective identity-based policies. Immutable; build once per principal and reuse across
 * requests (the principal-derived condition keys are computed here, not per request).
 */
public final class PrincipalContext {

    private final String arn;
    private final String accountId;
    private final PrincipalType type;
    private final String userId;
    private final String userName;
    private final Map<String, String> tags;
    private final List<IdentityPolicy> identityPolicies;
    private final IdentityPolicy[] policyArray;
    private final Map<String, List<String>> keys;

    private PrincipalContext(Builder b) {
        this.arn = b.arn;
        this.accountId = b.accountId;
        this.type = b.type;
        this.userId = b.userId;
        this.userName = b.userName;
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
        this.identityPolicies = List.copyOf(b.policies);
        this.policyArray = identityPolicies.toArray(new IdentityPolicy[0]);
        Map<String, List<String>> k = new HashMap<>();
        k.put(PrincipalKeys.PRINCIPAL_ARN, List.of(arn));
        k.put(PrincipalKeys.PRINCIPAL_ACCOUNT, List.of(accountId));
        k.put(PrincipalKeys.PRINCIPAL_TYPE, List.of(type.awsName()));
        if (userId != null) {
            k.put(PrincipalKeys.USERID, List.of(userId));
        }
        if (userName != null) {
            k.put(PrincipalKeys.USERNAME, List.of(userName));
        }
        for (Map.Entry<String, String> t : tags.entrySet()) {
            k.put(PrincipalKeys.PRINCIPAL_TAG_PREFIX + PrincipalKeys.lower(t.getKey()), List.of(t.getValue()));
        }
        this.keys = Map.copyOf(k);
    }

    /**
     * Starts a principal.
     *
     * @param arn       the principal ARN (aws:PrincipalArn)
     * @param accountId the 12-digit account (aws:PrincipalAccount)
     * @param type      the principal type (aws:PrincipalType)
     */
    public static Builder builder(String arn, String accountId, PrincipalType type) {
        return new Builder(arn, accountId, type);
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

    /** Tags as written (keys keep their case). */
    public Map<String, String> tags() {
        return tags;
    }

    /** Effective identity-based policies: the user's inline and attached ones, then its groups' ones. */
    public List<IdentityPolicy> identityPolicies() {
        return identityPolicies;
    }

    IdentityPolicy[] policyArray() {
        return policyArray;
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
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final Map<String, String> lowerTagKeys = new HashMap<>();
        private final List<IdentityPolicy> policies = new ArrayList<>();

        private Builder(String arn, String accountId, PrincipalType type) {
            this.arn = Objects.requireNonNull(arn, "arn");
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder userId(String userId) {
            this.userId = Objects.requireNonNull(userId, "userId");
            return this;
        }

        public Builder userName(String userName) {
            this.userName = Objects.requireNonNull(userName, "userName");
            return this;
        }

        /** Adds a tag; tag keys are unique ignoring case, as in IAM. */
        public Builder tag(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            String previous = lowerTagKeys.putIfAbsent(PrincipalKeys.lower(key), key);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate tag key '" + key + "' (tag keys are case-insensitive; already have '" + previous + "')");
            }
            tags.put(key, value);
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        public Builder identityPolicy(IdentityPolicy policy) {
            policies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        public Builder identityPolicies(List<IdentityPolicy> policies) {
            policies.forEach(this::identityPolicy);
            return this;
        }

        public PrincipalContext build() {
            return new PrincipalContext(this);
        }
    }
}
