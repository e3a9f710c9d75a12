package io.mlgate.sts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Supplier;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyDocument;
import io.mlgate.iam.policy.PolicyParseException;
import io.mlgate.iam.policy.PolicyParser;

/**
 * The evaluator's view of sessions: turns {@link SessionClaims} into a {@link PrincipalContext} built from the
 * current IAM configuration (role or user policies and boundary, session policies, tags overridden by session tags),
 * adds the session's request-side condition keys (MFA, token issue time, source identity, web-identity keys), and
 * remembers which claims a principal it built stands for, so STS can read a calling session's claims (role chaining).
 * Thread-safe; principals are cached per access key id and configuration snapshot.
 */
public final class SessionPrincipals {

    private static final int MAX_CACHED = 10_000;

    private final Supplier<IamConfiguration> configuration;
    private final Map<PrincipalContext, SessionClaims> claimsByPrincipal =
            Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<String, Cached> cache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_CACHED;
        }
    });

    private record Cached(IamConfiguration configuration, SessionClaims claims, PrincipalContext principal) {
    }

    /** @param configuration the current IAM configuration (read on each build, so hot reloads apply) */
    public SessionPrincipals(Supplier<IamConfiguration> configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /**
     * The principal a session stands for. A role or user that no longer exists yields a principal without
     * identity policies (every request implicitly denied), as in AWS.
     */
    public PrincipalContext principalFor(SessionClaims claims) {
        IamConfiguration config = configuration.get();
        Cached c = cache.get(claims.accessKeyId());
        if (c != null && c.configuration == config && c.claims.expiresAt().equals(claims.expiresAt())) {
            return c.principal;
        }
        PrincipalContext p = build(claims, config);
        claimsByPrincipal.put(p, claims);
        cache.put(claims.accessKeyId(), new Cached(config, claims, p));
        return p;
    }

    /** The session claims behind a principal built by {@link #principalFor}; empty for long-term credentials. */
    public Optional<SessionClaims> claimsOf(PrincipalContext principal) {
        return principal == null ? Optional.empty() : Optional.ofNullable(claimsByPrincipal.get(principal));
    }

    /**
     * The request condition keys a session contributes (they are request-side in the evaluator):
     * aws:MultiFactorAuthPresent (always, true or false), aws:MultiFactorAuthAge (when MFA was used),
     * aws:TokenIssueTime, aws:SourceIdentity, aws:FederatedProvider and the web-identity provider keys.
     */
    public static Map<String, List<String>> requestKeys(SessionClaims claims, Instant now) {
        Map<String, List<String>> k = new LinkedHashMap<>();
        k.put("aws:MultiFactorAuthPresent", List.of(Boolean.toString(claims.mfaPresent())));
        claims.mfaAuthenticatedAt().ifPresent(at ->
                k.put("aws:MultiFactorAuthAge", List.of(Long.toString(Math.max(0, now.getEpochSecond() - at.getEpochSecond())))));
        k.put("aws:TokenIssueTime", List.of(claims.issuedAt().toString()));
        claims.sourceIdentity().ifPresent(s -> k.put("aws:SourceIdentity", List.of(s)));
        claims.webIdentityProviderArn().ifPresent(p -> k.put("aws:FederatedProvider", List.of(p)));
        k.putAll(claims.webIdentityKeys());
        return k;
    }

    /** Adds {@link #requestKeys} to a request context being built. */
    public static RequestContext.Builder addRequestKeys(SessionClaims claims, Instant now, RequestContext.Builder context) {
        requestKeys(claims, now).forEach(context::put);
        return context;
    }

    static PrincipalContext build(SessionClaims claims, IamConfiguration config) {
        return switch (claims.kind()) {
            case ASSUMED_ROLE, WEB_IDENTITY -> roleSession(claims, config);
            case FEDERATED_USER -> federatedUser(claims, config);
            case USER_SESSION -> userSession(claims, config);
        };
    }

    private static PrincipalContext roleSession(SessionClaims claims, IamConfiguration config) {
        String roleArn = claims.roleArn().orElseThrow();
        PrincipalContext.Builder b = PrincipalContext.builder(claims.principalArn(), claims.accountId(),
                        PrincipalType.ASSUMED_ROLE)
                .userId(claims.roleId().orElseThrow() + ":" + claims.sessionName().orElseThrow())
                .roleArn(roleArn);
        Optional<IamRole> role = config.role(roleArn);
        Map<String, String> sessionTags = claims.sessionTags();
        role.ifPresent(r -> {
            r.tags().forEach((k, v) -> {
                if (!containsIgnoreCase(sessionTags, k)) {
                    b.tag(k, v);
                }
            });
            b.identityPolicies(config.identityPoliciesOf(r));
            r.permissionsBoundaryArn().flatMap(config::managedPolicy).ifPresent(p ->
                    b.permissionsBoundary(IdentityPolicy.managed(p.name(), p.arn(), r.arn(), p.document())));
        });
        b.sessionTags(sessionTags);
        config.applyOrganization(b, claims.accountId());
        addSessionPolicies(b, claims, config);
        return b.build();
    }

    private static PrincipalContext federatedUser(SessionClaims claims, IamConfiguration config) {
        String userArn = claims.sourceArn().orElseThrow();
        PrincipalContext.Builder b = PrincipalContext.builder(claims.principalArn(), claims.accountId(),
                        PrincipalType.FEDERATED_USER)
                .userId(claims.accountId() + ":" + claims.sessionName().orElseThrow())
                .federatingUserArn(userArn);
        config.user(userArn).ifPresent(u -> addUserPolicies(b, u, config));
        b.sessionTags(claims.sessionTags());
        addSessionPolicies(b, claims, config);
        // no session policy: the evaluator gives a federated user no permissions [GFT]
        return b.build();
    }

    private static PrincipalContext userSession(SessionClaims claims, IamConfiguration config) {
        String arn = claims.principalArn();
        if (arn.endsWith(":root")) {
            return PrincipalContext.builder(arn, claims.accountId(), PrincipalType.ACCOUNT)
                    .userId(claims.accountId()).build();
        }
        Optional<IamUser> user = config.user(arn);
        if (user.isEmpty()) {
            return PrincipalContext.builder(arn, claims.accountId(), PrincipalType.USER).build();
        }
        IamUser u = user.get();
        PrincipalContext.Builder b = PrincipalContext.builder(arn, claims.accountId(), PrincipalType.USER)
                .userId(u.userId()).userName(u.name()).tags(u.tags());
        addUserPolicies(b, u, config);
        return b.build();
    }

    private static void addUserPolicies(PrincipalContext.Builder b, IamUser u, IamConfiguration config) {
        config.applyOrganization(b, u.accountId());
        b.identityPolicies(config.identityPoliciesOf(u));
        u.permissionsBoundaryArn().flatMap(config::managedPolicy).ifPresent(p ->
                b.permissionsBoundary(IdentityPolicy.managed(p.name(), p.arn(), u.arn(), p.document())));
    }

    private static void addSessionPolicies(PrincipalContext.Builder b, SessionClaims claims, IamConfiguration config) {
        if (!claims.hasSessionPolicies()) {
            return;
        }
        for (SessionPolicy p : claims.sessionPolicies()) {
            if (p.isInline()) {
                PolicyDocument doc;
                try {
                    doc = PolicyParser.parse(p.document(), "session policy");
                } catch (PolicyParseException e) {
                    doc = ALLOW_NOTHING; // validated when issued; never widen a session
                }
                b.sessionPolicy(IdentityPolicy.inline("session-policy", claims.principalArn(), doc));
            } else {
                String name = p.arn().substring(p.arn().lastIndexOf('/') + 1);
                PolicyDocument doc = config.managedPolicy(p.arn()).map(m -> m.document()).orElse(ALLOW_NOTHING);
                b.sessionPolicy(IdentityPolicy.managed(name, p.arn(), claims.principalArn(), doc));
            }
        }
    }

    /** A session policy that allows no action (stands in for a managed session policy that no longer exists). */
    static final PolicyDocument ALLOW_NOTHING = allowNothing();

    private static PolicyDocument allowNothing() {
        try {
            return PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                    + "\"Action\":\"mlgate:NoSuchAction\",\"Resource\":\"arn:aws:mlgate:::none\"}]}", "allow-nothing");
        } catch (PolicyParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean containsIgnoreCase(Map<String, String> tags, String key) {
        for (String k : tags.keySet()) {
            if (k.equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    /** Principals currently remembered (for tests and metrics). */
    int remembered() {
        return new ArrayList<>(claimsByPrincipal.keySet()).size();
    }
}
