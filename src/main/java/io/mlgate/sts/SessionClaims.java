package io.mlgate.sts;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a session token vouches for: who the session is (kind, principal ARN, role, session name, account), its
 * credentials (access key id and secret), its limits (session policies, session tags, transitive tag keys), how it
 * was authenticated (MFA, web identity) and its lifetime. Immutable; the secret never appears in {@link #toString()}.
 */
public final class SessionClaims {

    private final SessionKind kind;
    private final String accountId;
    private final String principalArn;
    private final String roleArn;
    private final String roleId;
    private final String sessionName;
    private final String sourceArn;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final PackedPolicies policies;
    private final Map<String, String> sessionTags;
    private final List<String> transitiveTagKeys;
    private final Instant mfaAuthenticatedAt;
    private final String sourceIdentity;
    private final String webIdentityProvider;
    private final String webIdentityProviderArn;
    private final String webIdentitySubject;
    private final String webIdentityAudience;
    private final Map<String, List<String>> webIdentityKeys;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final boolean roleChained;

    private SessionClaims(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.accountId = Objects.requireNonNull(b.accountId, "accountId");
        this.principalArn = Objects.requireNonNull(b.principalArn, "principalArn");
        this.roleArn = b.roleArn;
        this.roleId = b.roleId;
        this.sessionName = b.sessionName;
        this.sourceArn = b.sourceArn;
        this.accessKeyId = Objects.requireNonNull(b.accessKeyId, "accessKeyId");
        this.secretAccessKey = Objects.requireNonNull(b.secretAccessKey, "secretAccessKey");
        this.policies = b.policies == null ? PackedPolicies.NONE : b.policies;
        this.sessionTags = Collections.unmodifiableMap(new LinkedHashMap<>(b.sessionTags));
        this.transitiveTagKeys = List.copyOf(b.transitiveTagKeys);
        this.mfaAuthenticatedAt = b.mfaAuthenticatedAt;
        this.sourceIdentity = b.sourceIdentity;
        this.webIdentityProvider = b.webIdentityProvider;
        this.webIdentityProviderArn = b.webIdentityProviderArn;
        this.webIdentitySubject = b.webIdentitySubject;
        this.webIdentityAudience = b.webIdentityAudience;
        Map<String, List<String>> keys = new TreeMap<>();
        b.webIdentityKeys.forEach((k, v) -> keys.put(k, List.copyOf(v)));
        this.webIdentityKeys = Collections.unmodifiableMap(keys);
        this.issuedAt = Objects.requireNonNull(b.issuedAt, "issuedAt");
        this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
        this.roleChained = b.roleChained;
        if (kind.isRoleSession() && (roleArn == null || roleId == null || sessionName == null)) {
            throw new IllegalArgumentException("a role session needs a role ARN, role id and session name");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("a session must expire after it is issued");
        }
    }

    /**
     * Starts the claims of a new session; the access key id and secret are filled in by {@link SessionTokens#issue}.
     *
     * @param principalArn the ARN requests made with the session show (assumed-role, federated-user or user ARN)
     */
    public static Builder builder(SessionKind kind, String accountId, String principalArn) {
        return new Builder(kind, accountId, principalArn);
    }

    /** A builder holding everything of these claims (for deriving a similar session in tests and tools). */
    Builder toBuilder() {
        Builder b = new Builder(kind, accountId, principalArn);
        b.roleArn = roleArn;
        b.roleId = roleId;
        b.sessionName = sessionName;
        b.sourceArn = sourceArn;
        b.accessKeyId = accessKeyId;
        b.secretAccessKey = secretAccessKey;
        b.policies = policies;
        b.sessionTags.putAll(sessionTags);
        b.transitiveTagKeys.addAll(transitiveTagKeys);
        b.mfaAuthenticatedAt = mfaAuthenticatedAt;
        b.sourceIdentity = sourceIdentity;
        b.webIdentityProvider = webIdentityProvider;
        b.webIdentityProviderArn = webIdentityProviderArn;
        b.webIdentitySubject = webIdentitySubject;
        b.webIdentityAudience = webIdentityAudience;
        b.webIdentityKeys.putAll(webIdentityKeys);
        b.issuedAt = issuedAt;
        b.expiresAt = expiresAt;
        b.roleChained = roleChained;
        return b;
    }

    public SessionKind kind() {
        return kind;
    }

    /** The account the session belongs to (aws:PrincipalAccount). */
    public String accountId() {
        return accountId;
    }

    /** The ARN requests made with the session show, e.g. {@code arn:aws:sts::A:assumed-role/R/S}. */
    public String principalArn() {
        return principalArn;
    }

    /** For a role session, the role's ARN (aws:PrincipalArn). */
    public Optional<String> roleArn() {
        return Optional.ofNullable(roleArn);
    }

    /** For a role session, the role's unique id ({@code AROA...}). */
    public Optional<String> roleId() {
        return Optional.ofNullable(roleId);
    }

    /** The role session name, or the federated user's name. */
    public Optional<String> sessionName() {
        return Optional.ofNullable(sessionName);
    }

    /**
     * The identity that created the session: the caller of AssumeRole, the IAM user of GetFederationToken or
     * GetSessionToken; for web identity, the provider ARN.
     */
    public Optional<String> sourceArn() {
        return Optional.ofNullable(sourceArn);
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    /** The session's secret access key, for verifying SigV4 signatures. Never log it. */
    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** The session policies (inline first, then managed in request order); decoded on each call. */
    public List<SessionPolicy> sessionPolicies() {
        return policies.policies();
    }

    /** Whether the session carries session policies (without decoding them). */
    public boolean hasSessionPolicies() {
        return policies.count() > 0;
    }

    PackedPolicies packedPolicies() {
        return policies;
    }

    /** Session tags (keys keep their case); they override the role's or user's tags with the same key. */
    public Map<String, String> sessionTags() {
        return sessionTags;
    }

    /** Keys of session tags that pass on to sessions this session creates by role chaining. */
    public List<String> transitiveTagKeys() {
        return transitiveTagKeys;
    }

    /** Whether MFA was used to authenticate the session (aws:MultiFactorAuthPresent). */
    public boolean mfaPresent() {
        return mfaAuthenticatedAt != null;
    }

    /** When MFA was used, if it was (aws:MultiFactorAuthAge is measured from here). */
    public Optional<Instant> mfaAuthenticatedAt() {
        return Optional.ofNullable(mfaAuthenticatedAt);
    }

    /** The source identity set with sts:SetSourceIdentity (persists through role chaining). */
    public Optional<String> sourceIdentity() {
        return Optional.ofNullable(sourceIdentity);
    }

    /** For a web-identity session, the token's issuer ({@code iss}). */
    public Optional<String> webIdentityProvider() {
        return Optional.ofNullable(webIdentityProvider);
    }

    /** For a web-identity session, the OIDC provider ARN ({@code arn:aws:iam::A:oidc-provider/host/path}). */
    public Optional<String> webIdentityProviderArn() {
        return Optional.ofNullable(webIdentityProviderArn);
    }

    /** For a web-identity session, the token's subject ({@code sub}). */
    public Optional<String> webIdentitySubject() {
        return Optional.ofNullable(webIdentitySubject);
    }

    /** For a web-identity session, the audience (client id) the token was accepted for. */
    public Optional<String> webIdentityAudience() {
        return Optional.ofNullable(webIdentityAudience);
    }

    /** For a web-identity session, the provider's condition keys that stay usable, e.g. {@code host:sub}. */
    public Map<String, List<String>> webIdentityKeys() {
        return webIdentityKeys;
    }

    /** When the session was issued (aws:TokenIssueTime). */
    public Instant issuedAt() {
        return issuedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Duration lifetime() {
        return Duration.between(issuedAt, expiresAt);
    }

    /** Whether the session was created by role chaining (a role session calling AssumeRole). */
    public boolean roleChained() {
        return roleChained;
    }

    @Override
    public String toString() {
        return "SessionClaims[" + kind + " " + principalArn + " key=" + accessKeyId + " expires=" + expiresAt + "]";
    }

    /** Builds {@link SessionClaims}. */
    public static final class Builder {
        private final SessionKind kind;
        private final String accountId;
        private final String principalArn;
        private String roleArn;
        private String roleId;
        private String sessionName;
        private String sourceArn;
        private String accessKeyId;
        private String secretAccessKey;
        private PackedPolicies policies;
        private final Map<String, String> sessionTags = new LinkedHashMap<>();
        private final List<String> transitiveTagKeys = new java.util.ArrayList<>();
        private Instant mfaAuthenticatedAt;
        private String sourceIdentity;
        private String webIdentityProvider;
        private String webIdentityProviderArn;
        private String webIdentitySubject;
        private String webIdentityAudience;
        private final Map<String, List<String>> webIdentityKeys = new TreeMap<>();
        private Instant issuedAt;
        private Instant expiresAt;
        private boolean roleChained;

        private Builder(SessionKind kind, String accountId, String principalArn) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            this.principalArn = Objects.requireNonNull(principalArn, "principalArn");
        }

        /** The role of a role session, its unique id and the session name. */
        public Builder role(String roleArn, String roleId, String sessionName) {
            this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
            this.roleId = Objects.requireNonNull(roleId, "roleId");
            this.sessionName = Objects.requireNonNull(sessionName, "sessionName");
            return this;
        }

        /** The federated user's name (GetFederationToken). */
        public Builder sessionName(String name) {
            this.sessionName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The identity that created the session. */
        public Builder sourceArn(String arn) {
            this.sourceArn = Objects.requireNonNull(arn, "arn");
            return this;
        }

        /** The session policies, already packed and size-checked by {@link PackedPolicies#pack}. */
        public Builder sessionPolicies(PackedPolicies packed) {
            this.policies = Objects.requireNonNull(packed, "packed");
            return this;
        }

        public Builder sessionTags(Map<String, String> tags) {
            sessionTags.putAll(tags);
            return this;
        }

        public Builder transitiveTagKeys(List<String> keys) {
            transitiveTagKeys.addAll(keys);
            return this;
        }

        public Builder mfaAuthenticatedAt(Instant at) {
            this.mfaAuthenticatedAt = at;
            return this;
        }

        public Builder sourceIdentity(String sourceIdentity) {
            this.sourceIdentity = sourceIdentity;
            return this;
        }

        /** The web identity behind the session: issuer, provider ARN, subject, audience and the provider's keys. */
        public Builder webIdentity(String issuer, String providerArn, String subject, String audience,
                                   Map<String, List<String>> providerKeys) {
            this.webIdentityProvider = Objects.requireNonNull(issuer, "issuer");
            this.webIdentityProviderArn = Objects.requireNonNull(providerArn, "providerArn");
            this.webIdentitySubject = Objects.requireNonNull(subject, "subject");
            this.webIdentityAudience = Objects.requireNonNull(audience, "audience");
            this.webIdentityKeys.putAll(providerKeys);
            return this;
        }

        public Builder validity(Instant issuedAt, Instant expiresAt) {
            this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
            this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
            return this;
        }

        public Builder roleChained(boolean chained) {
            this.roleChained = chained;
            return this;
        }

        Builder credentials(String accessKeyId, String secretAccessKey) {
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            return this;
        }

        SessionClaims build() {
            return new SessionClaims(this);
        }
    }
}
