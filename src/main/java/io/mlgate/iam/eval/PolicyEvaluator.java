package io.mlgate.iam.eval;

import java.util.List;
import java.util.Set;

import io.mlgate.iam.policy.ConditionKeys;
import io.mlgate.iam.policy.Effect;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PrincipalSpec;
import io.mlgate.iam.policy.Statement;

/**
 * Decides IAM authorization requests over every policy type: service and resource control policies, the resource
 * policy (with the same-account principal rules, cross-account evaluation, and trust/key policies that must allow
 * explicitly), identity-based policies, the permissions boundary and session policies. An applicable Deny anywhere
 * wins (explicit deny); otherwise each type that limits the request must allow. Stateless and thread-safe; the hot
 * path does no parsing, no regular expressions and no string building.
 */
public final class PolicyEvaluator {

    /** Services whose resources resource control policies cover (not SageMaker) [EVAL, KMSRCP]. */
    private static final Set<String> RCP_SERVICES = Set.of("s3", "sts", "kms", "sqs", "secretsmanager", "dynamodb",
            "ecr", "logs", "cognito-identity", "aoss");

    /** How a resource-policy statement's principal names the requesting principal, weakest first. */
    enum PrincipalMatch {
        NONE,
        /** The principal's account (number or root ARN): delegates to the account, not a grant [PRIN]. */
        ACCOUNT,
        /** The role of a role session, or the IAM user behind a federated-user session: boundary and session policy limit it. */
        ENTITY_BEHIND_SESSION,
        /** The principal itself (user, role session, federated user, provider, service) or "*": a complete grant. */
        DIRECT
    }

    public PolicyEvaluator() {
    }

    /** Evaluates the request. A runtime exception here is a bug; callers must treat it as a deny (fail closed). */
    public Decision evaluate(AuthorizationRequest request) {
        Decision decision = request.identityOnly() ? evaluateIdentityOnly(request) : evaluateAll(request);
        DecisionTrace.observe(decision);
        return decision;
    }

    private Decision evaluateIdentityOnly(AuthorizationRequest request) {
        String action = request.lowerAction();
        String resource = request.resource();
        ConditionKeys keys = request.conditionKeys();
        IdentityPolicy allowPolicy = null;
        Statement allow = null;
        IdentityPolicy[] policies = request.principal().policyArray();
        Statement[][] candidates = request.principal().candidateStatements(action);
        for (int i = 0; i < policies.length; i++) {
            IdentityPolicy p = policies[i];
            Statement s = firstApplicable(candidates[i], allow == null, resource, keys);
            if (s == null) {
                continue;
            }
            if (s.effect() == Effect.DENY) {
                return decision(request, Decision.Outcome.EXPLICIT_DENY, PolicyType.IDENTITY,
                        List.of(new DecidingStatement(p, s)));
            }
            allow = s;
            allowPolicy = p;
        }
        if (allow != null) {
            return decision(request, Decision.Outcome.ALLOW, PolicyType.IDENTITY,
                    List.of(new DecidingStatement(allowPolicy, allow)));
        }
        return decision(request, Decision.Outcome.IMPLICIT_DENY, PolicyType.IDENTITY, List.of());
    }

    /**
     * Among statements whose action already matched, the first that applies (resource and conditions): a Deny at
     * once, else the first Allow when {@code allowsToo}; the same answer as {@code PolicyDocument.firstApplicable}
     * / {@code firstApplicableDeny} over the whole policy.
     */
    private static Statement firstApplicable(Statement[] candidates, boolean allowsToo, String resource,
                                             ConditionKeys keys) {
        Statement allow = null;
        for (Statement s : candidates) {
            boolean deny = s.effect() == Effect.DENY;
            if (!deny && (!allowsToo || allow != null)) {
                continue;
            }
            if (s.matchesResource(resource, keys) && s.condition().matches(keys)) {
                if (deny) {
                    return s;
                }
                allow = s;
            }
        }
        return allow;
    }

    private Decision evaluateAll(AuthorizationRequest request) {
        PrincipalContext principal = request.principal();
        PrincipalType type = principal.type();
        String action = request.lowerAction();
        String resource = request.resource();
        ConditionKeys keys = request.conditionKeys();
        boolean accountIdentity = type.isAccountIdentity();

        // 1. Deny evaluation over every applicable policy [EVAL]
        DecidingStatement deny = null;
        if (accountIdentity) {
            deny = firstDeny(PolicyType.SERVICE_CONTROL, principal.scpArray(), action, resource, keys);
        }
        if (deny == null && request.rcpArray().length > 0 && rcpCovers(action)) {
            deny = firstRcpDeny(request.rcpArray(), principal, action, resource, keys);
        }
        // the VPC endpoint's policy: one pass finds its Deny and whether it allows
        IdentityPolicy vpce = request.vpcEndpointPolicy();
        DecidingStatement vpceAllow = null;
        if (deny == null && vpce != null) {
            DecidingStatement[] found = endpointPolicy(vpce, principal, action, resource, keys);
            deny = found[0];
            vpceAllow = found[1];
        }
        // resource policy: one pass finds its Deny and its strongest Allow
        IdentityPolicy rp = request.resourcePolicy();
        Statement resourceAllow = null;
        PrincipalMatch resourceMatch = PrincipalMatch.NONE;
        if (deny == null && rp != null) {
            for (Statement s : rp.document().statements()) {
                PrincipalMatch m = appliesTo(s, principal);
                if (m == PrincipalMatch.NONE || !s.applies(action, resource, keys)) {
                    continue;
                }
                if (s.effect() == Effect.DENY) {
                    deny = new DecidingStatement(PolicyType.RESOURCE, rp, s);
                    break;
                }
                if (m.compareTo(resourceMatch) > 0) {
                    resourceMatch = m;
                    resourceAllow = s;
                }
            }
        }
        if (deny == null && accountIdentity) {
            deny = firstDeny(PolicyType.IDENTITY, principal.policyArray(), action, resource, keys);
            if (deny == null && principal.boundary() != null) {
                deny = firstDeny(PolicyType.PERMISSIONS_BOUNDARY, principal.boundaryArray(), action, resource, keys);
            }
            if (deny == null) {
                deny = firstDeny(PolicyType.SESSION, principal.sessionArray(), action, resource, keys);
            }
        }
        if (deny != null) {
            return decision(request, Decision.Outcome.EXPLICIT_DENY, deny.policyType(), List.of(deny));
        }
        DecidingStatement resourceGrant = resourceAllow == null ? null
                : new DecidingStatement(PolicyType.RESOURCE, rp, resourceAllow);

        // Callers that are not AWS identities (web identity, services): only the resource (trust) policy counts [ROLES]
        if (!accountIdentity) {
            if (vpce != null && vpceAllow == null) {
                return implicitDeny(request, PolicyType.VPC_ENDPOINT);
            }
            return resourceMatch == PrincipalMatch.DIRECT
                    ? decision(request, Decision.Outcome.ALLOW, PolicyType.RESOURCE, List.of(resourceGrant))
                    : implicitDeny(request, PolicyType.RESOURCE);
        }

        // 2./3. Organization guardrails: RCPs carry RCPFullAWSAccess everywhere, so only their Denies matter; SCPs
        // never grant, but an SCP set without an applicable Allow denies [EVAL, SCP]
        IdentityPolicy[] scps = principal.scpArray();
        if (scps.length > 0 && firstAllow(PolicyType.SERVICE_CONTROL, scps, action, resource, keys) == null) {
            return implicitDeny(request, PolicyType.SERVICE_CONTROL);
        }
        // the VPC endpoint's policy does not grant, it filters: without an Allow for this caller the call is denied
        // whatever IAM says [vpc-endpoints-access]
        if (vpce != null && vpceAllow == null) {
            return implicitDeny(request, PolicyType.VPC_ENDPOINT);
        }

        DecidingStatement identityAllow = type == PrincipalType.ACCOUNT ? null
                : firstAllow(PolicyType.IDENTITY, principal.policyArray(), action, resource, keys);
        boolean identityAllows = identityAllow != null || type == PrincipalType.ACCOUNT;
        boolean boundaryAllows = principal.boundary() == null
                || firstAllow(PolicyType.PERMISSIONS_BOUNDARY, principal.boundaryArray(), action, resource, keys) != null;
        boolean sessionAllows;
        if (principal.sessionArray().length > 0) {
            sessionAllows = firstAllow(PolicyType.SESSION, principal.sessionArray(), action, resource, keys) != null;
        } else {
            // no session policy: a role session keeps the role's permissions; a GetFederationToken session has none [EVAL, GFT]
            sessionAllows = type != PrincipalType.FEDERATED_USER;
        }

        // 1.3 Cross-account: the trusted side (identity, boundary, session, SCPs) and the trusting side (resource
        // policy naming the principal, its role, its account or *) must both allow [XACCT]
        if (request.isCrossAccount()) {
            Decision principalSide = identityChain(request, identityAllows, boundaryAllows, sessionAllows);
            if (principalSide != null) {
                return principalSide;
            }
            if (resourceGrant == null) {
                return implicitDeny(request, PolicyType.RESOURCE);
            }
            return decision(request, Decision.Outcome.ALLOW, PolicyType.RESOURCE,
                    identityAllow == null ? List.of(resourceGrant) : List.of(identityAllow, resourceGrant));
        }

        // 1.1 / 1.2 Same account
        if (request.resourcePolicyType().mustAllowExplicitly() && resourceGrant == null) {
            return implicitDeny(request, PolicyType.RESOURCE); // trust and key policies must allow themselves [EVAL, KMS]
        }
        if (resourceMatch == PrincipalMatch.DIRECT) {
            return decision(request, Decision.Outcome.ALLOW, PolicyType.RESOURCE, List.of(resourceGrant));
        }
        if (resourceMatch == PrincipalMatch.ENTITY_BEHIND_SESSION) {
            // grant to the role (or federating user): identity implicit deny ignored, boundary and session limit [PB, SESS]
            Decision limited = identityChain(request, true, boundaryAllows, sessionAllows);
            return limited != null ? limited
                    : decision(request, Decision.Outcome.ALLOW, PolicyType.RESOURCE, List.of(resourceGrant));
        }
        Decision chain = identityChain(request, identityAllows, boundaryAllows, sessionAllows);
        if (chain != null) {
            return chain;
        }
        if (resourceGrant != null && request.resourcePolicyType().mustAllowExplicitly()) {
            // account-level delegation in a trust or key policy, then the identity policy
            return decision(request, Decision.Outcome.ALLOW, PolicyType.RESOURCE,
                    identityAllow == null ? List.of(resourceGrant) : List.of(resourceGrant, identityAllow));
        }
        return decision(request, Decision.Outcome.ALLOW, PolicyType.IDENTITY,
                identityAllow == null ? List.of() : List.of(identityAllow));
    }

    /**
     * Decides a request by its VPC endpoint policy alone, for calls whose service authorizes itself (STS, KMS): ALLOW
     * (with the allowing statement), EXPLICIT_DENY or IMPLICIT_DENY, all of type {@link PolicyType#VPC_ENDPOINT}.
     *
     * @throws IllegalArgumentException if the request has no VPC endpoint policy
     */
    public Decision evaluateEndpointPolicy(AuthorizationRequest request) {
        IdentityPolicy vpce = request.vpcEndpointPolicy();
        if (vpce == null) {
            throw new IllegalArgumentException("the request came through no VPC endpoint with a policy");
        }
        DecidingStatement[] found = endpointPolicy(vpce, request.principal(), request.lowerAction(),
                request.resource(), request.conditionKeys());
        Decision decision;
        if (found[0] != null) {
            decision = decision(request, Decision.Outcome.EXPLICIT_DENY, PolicyType.VPC_ENDPOINT, List.of(found[0]));
        } else if (found[1] != null) {
            decision = decision(request, Decision.Outcome.ALLOW, PolicyType.VPC_ENDPOINT, List.of(found[1]));
        } else {
            decision = implicitDeny(request, PolicyType.VPC_ENDPOINT);
        }
        DecisionTrace.observe(decision);
        return decision;
    }

    /**
     * The applicable Deny and the first applicable Allow of an endpoint policy, as {@code [deny, allow]}. Its
     * statements are resource-policy statements: they apply only to the principals their Principal names (an account
     * there stands for every principal of the account, as in AWS's endpoint policy examples).
     */
    private static DecidingStatement[] endpointPolicy(IdentityPolicy vpce, PrincipalContext principal, String action,
            String resource, ConditionKeys keys) {
        DecidingStatement allow = null;
        for (Statement s : vpce.document().statements()) {
            if (appliesTo(s, principal) == PrincipalMatch.NONE || !s.applies(action, resource, keys)) {
                continue;
            }
            if (s.effect() == Effect.DENY) {
                return new DecidingStatement[] {new DecidingStatement(PolicyType.VPC_ENDPOINT, vpce, s), null};
            }
            if (allow == null) {
                allow = new DecidingStatement(PolicyType.VPC_ENDPOINT, vpce, s);
            }
        }
        return new DecidingStatement[] {null, allow};
    }

    /** The implicit deny of the first limiting policy type that does not allow, or {@code null} if all allow. */
    private static Decision identityChain(AuthorizationRequest request, boolean identity, boolean boundary, boolean session) {
        if (!identity) {
            return implicitDeny(request, PolicyType.IDENTITY);
        }
        if (!boundary) {
            return implicitDeny(request, PolicyType.PERMISSIONS_BOUNDARY);
        }
        if (!session) {
            return implicitDeny(request, PolicyType.SESSION);
        }
        return null;
    }

    private static boolean rcpCovers(String lowerAction) {
        int colon = lowerAction.indexOf(':');
        return colon > 0 && RCP_SERVICES.contains(lowerAction.substring(0, colon));
    }

    private static DecidingStatement firstDeny(PolicyType type, IdentityPolicy[] policies, String action, String resource,
            ConditionKeys keys) {
        for (IdentityPolicy p : policies) {
            Statement s = p.document().firstApplicableDeny(action, resource, keys);
            if (s != null) {
                return new DecidingStatement(type, p, s);
            }
        }
        return null;
    }

    /** RCP statements name {@code Principal: "*"} (optionally narrowed by conditions); honour it if present. */
    private static DecidingStatement firstRcpDeny(IdentityPolicy[] rcps, PrincipalContext principal, String action,
            String resource, ConditionKeys keys) {
        for (IdentityPolicy p : rcps) {
            for (Statement s : p.document().statements()) {
                if (s.effect() == Effect.DENY && (s.principal().isEmpty() || appliesTo(s, principal) != PrincipalMatch.NONE)
                        && s.applies(action, resource, keys)) {
                    return new DecidingStatement(PolicyType.RESOURCE_CONTROL, p, s);
                }
            }
        }
        return null;
    }

    /** The first applicable Allow (callers have already ruled out Denies). */
    private static DecidingStatement firstAllow(PolicyType type, IdentityPolicy[] policies, String action, String resource,
            ConditionKeys keys) {
        for (IdentityPolicy p : policies) {
            Statement s = p.document().firstApplicable(action, resource, keys);
            if (s != null && s.effect() == Effect.ALLOW) {
                return new DecidingStatement(type, p, s);
            }
        }
        return null;
    }

    /**
     * Whether a resource-policy statement's Principal (or NotPrincipal) covers the principal, and how strongly. A
     * statement without Principal (should not happen in resource policies) covers no one.
     */
    static PrincipalMatch appliesTo(Statement s, PrincipalContext p) {
        PrincipalSpec spec = s.principal().orElse(null);
        if (spec == null) {
            return PrincipalMatch.NONE;
        }
        if (!spec.isNegated()) {
            return match(spec, p);
        }
        // NotPrincipal [NPRIN]: applies to everyone not fully exempted; a Deny always applies to a principal with a
        // permissions boundary
        if (s.effect() == Effect.DENY && p.boundary() != null) {
            return PrincipalMatch.DIRECT;
        }
        return exempted(spec, p) ? PrincipalMatch.NONE : PrincipalMatch.DIRECT;
    }

    static PrincipalMatch match(PrincipalSpec spec, PrincipalContext p) {
        if (spec.isAnyone()) {
            return PrincipalMatch.DIRECT;
        }
        PrincipalMatch best = PrincipalMatch.NONE;
        PrincipalType type = p.type();
        List<String> aws = spec.byType().get("AWS");
        if (aws != null && type.isAccountIdentity()) {
            for (String id : aws) {
                PrincipalMatch m = matchAws(id, p);
                if (m.compareTo(best) > 0) {
                    best = m;
                }
            }
        }
        if (best != PrincipalMatch.DIRECT) {
            if (type == PrincipalType.WEB_IDENTITY && contains(spec.byType().get("Federated"), p.provider().orElse(null))) {
                best = PrincipalMatch.DIRECT;
            } else if (type == PrincipalType.SERVICE && contains(spec.byType().get("Service"), p.arn())) {
                best = PrincipalMatch.DIRECT;
            }
        }
        return best;
    }

    private static PrincipalMatch matchAws(String id, PrincipalContext p) {
        if (id.equals("*")) {
            return PrincipalMatch.DIRECT;
        }
        if (id.equals(p.arn())) {
            return p.type() == PrincipalType.ACCOUNT ? PrincipalMatch.ACCOUNT : PrincipalMatch.DIRECT;
        }
        if (namesAccount(id, p.accountId())) {
            return PrincipalMatch.ACCOUNT;
        }
        if (p.type() == PrincipalType.ASSUMED_ROLE && id.equals(p.roleArn().orElse(null))) {
            return PrincipalMatch.ENTITY_BEHIND_SESSION;
        }
        if (p.type() == PrincipalType.FEDERATED_USER && id.equals(p.federatingUserArn().orElse(null))) {
            return PrincipalMatch.ENTITY_BEHIND_SESSION;
        }
        return PrincipalMatch.NONE;
    }

    /** {@code 123456789012} or {@code arn:aws:iam::123456789012:root}. */
    private static boolean namesAccount(String id, String account) {
        if (id.length() == 12) {
            return id.equals(account);
        }
        return id.length() == 13 + 12 + 5 && id.startsWith("arn:aws:iam::") && id.endsWith(":root")
                && id.regionMatches(13, account, 0, 12);
    }

    /** NotPrincipal exempts a principal only if its whole chain is listed: account, role, and the principal itself. */
    private static boolean exempted(PrincipalSpec spec, PrincipalContext p) {
        if (spec.isAnyone()) {
            return true;
        }
        PrincipalType type = p.type();
        if (type == PrincipalType.WEB_IDENTITY) {
            return contains(spec.byType().get("Federated"), p.provider().orElse(null));
        }
        if (type == PrincipalType.SERVICE) {
            return contains(spec.byType().get("Service"), p.arn());
        }
        List<String> aws = spec.byType().get("AWS");
        if (aws == null) {
            return false;
        }
        boolean account = false;
        for (String id : aws) {
            if (namesAccount(id, p.accountId())) {
                account = true;
            }
        }
        if (!account) {
            return false;
        }
        if (type == PrincipalType.ACCOUNT) {
            return true;
        }
        if (!aws.contains(p.arn())) {
            return false;
        }
        return type != PrincipalType.ASSUMED_ROLE || aws.contains(p.roleArn().orElse(null));
    }

    private static boolean contains(List<String> values, String v) {
        return values != null && v != null && values.contains(v);
    }

    private static Decision implicitDeny(AuthorizationRequest request, PolicyType type) {
        return decision(request, Decision.Outcome.IMPLICIT_DENY, type, List.of());
    }

    private static Decision decision(AuthorizationRequest request, Decision.Outcome outcome, PolicyType type,
            List<DecidingStatement> statements) {
        return new Decision(outcome, type, statements, request.action(), request.resource());
    }
}
