package io.mlgate.iam.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.DecidingStatement;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyType;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.ResourcePolicyPrincipals;
import io.mlgate.iam.policy.ConditionClause;
import io.mlgate.iam.policy.ConditionKeys;
import io.mlgate.iam.policy.Effect;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.Statement;
import io.mlgate.protocol.query.QueryException;

/**
 * Runs a {@link SimulationRequest} through the policy evaluator, one decision per action and resource, and reports
 * each the way the IAM API does: the decision, the statements that decided it, the context keys the relevant
 * statements needed but the request did not give, and the permissions-boundary, organizations and cross-account
 * breakdowns. The decision itself is always the evaluator's; the breakdowns only describe it.
 */
final class WireSimulation {

    static final String ALLOWED = "allowed";
    static final String EXPLICIT_DENY = "explicitDeny";
    static final String IMPLICIT_DENY = "implicitDeny";

    static final String DETAIL_IDENTITY = "IAM Policy";
    static final String DETAIL_RESOURCE = "Resource Policy";
    static final String DETAIL_BOUNDARY = "Permissions Boundary Policy";

    /** A statement that decided a result, with the policy it belongs to. */
    record Matched(SimulatedPolicy policy, Statement statement) {
    }

    /** The result for one action on one resource. */
    record ResourceResult(String resource, String decision, List<Matched> matched, List<String> missingContextValues,
            Boolean allowedByOrganizations, Boolean allowedByBoundary, boolean crossAccount,
            Map<String, String> details) {
    }

    /** The result for one action: the aggregate over its resources, and each resource's own result. */
    record ActionResult(String action, String decision, List<Matched> matched, List<String> missingContextValues,
            Boolean allowedByOrganizations, Boolean allowedByBoundary, Map<String, String> details,
            List<ResourceResult> resources) {
    }

    private final Function<AuthorizationRequest, Decision> evaluator;

    WireSimulation(Function<AuthorizationRequest, Decision> evaluator) {
        this.evaluator = evaluator;
    }

    /** Evaluates actions {@code from} (inclusive) to {@code to} (exclusive) of the request. */
    List<ActionResult> run(SimulationRequest r, int from, int to) throws QueryException {
        List<PrincipalContext> principals = new ArrayList<>();
        if (r.scpLevels().isEmpty()) {
            principals.add(r.caller().build(List.of()));
        } else {
            // each organization level must allow on its own: one evaluation per level, the most restrictive wins
            for (List<IdentityPolicy> level : r.scpLevels()) {
                principals.add(r.caller().build(level));
            }
        }
        List<ActionResult> out = new ArrayList<>(to - from);
        for (String action : r.actions().subList(from, to)) {
            List<ResourceResult> perResource = new ArrayList<>(r.resources().size());
            for (String resource : r.resources()) {
                perResource.add(evaluate(r, principals, action, resource));
            }
            out.add(aggregate(r, action, perResource));
        }
        return out;
    }

    private ResourceResult evaluate(SimulationRequest r, List<PrincipalContext> principals, String action,
            String resource) throws QueryException {
        String owner = r.callerKnown() ? resourceAccount(resource, r.resourceOwner()) : null;
        Decision chosen = null;
        AuthorizationRequest first = null;
        for (PrincipalContext principal : principals) {
            AuthorizationRequest.Builder b = AuthorizationRequest.builder(principal, action, resource)
                    .context(r.context());
            if (owner != null) {
                b.resourceAccount(owner);
            }
            if (r.resourcePolicy() != null) {
                b.resourcePolicy(r.resourcePolicy());
            }
            AuthorizationRequest request = b.build();
            Decision d;
            try {
                d = evaluator.apply(request);
            } catch (RuntimeException e) {
                // a failure inside the evaluator is a bug: report it, never turn it into a silent deny
                throw new QueryException("PolicyEvaluation", 500, "The policies could not be evaluated for action "
                        + PrintableText.of(action) + " on resource " + PrintableText.of(resource, 200) + ".");
            }
            if (first == null) {
                first = request;
            }
            if (chosen == null || rank(label(d)) > rank(label(chosen))) {
                chosen = d;
            }
        }
        String lowerAction = action.toLowerCase(Locale.ROOT);
        ConditionKeys keys = first.conditionKeys();
        PrincipalContext principal = first.principal();

        List<Matched> matched = new ArrayList<>();
        for (DecidingStatement s : chosen.statements()) {
            if (s.policyType() == PolicyType.SERVICE_CONTROL || s.policyType() == PolicyType.RESOURCE_CONTROL) {
                continue; // the IAM API does not list organization policy statements
            }
            SimulatedPolicy source = r.sources().get(s.policy());
            if (source != null) {
                matched.add(new Matched(source, s.statement()));
            }
        }

        Map<String, String> missing = new LinkedHashMap<>();
        List<IdentityPolicy> relevant = new ArrayList<>(principal.identityPolicies());
        principal.permissionsBoundary().ifPresent(relevant::add);
        if (r.resourcePolicy() != null) {
            relevant.add(r.resourcePolicy());
        }
        for (IdentityPolicy p : relevant) {
            for (Statement s : p.document().statements()) {
                if (!s.matchesAction(lowerAction) || !s.matchesResource(resource, keys)) {
                    continue;
                }
                for (ConditionClause c : s.condition().clauses()) {
                    String lower = c.key().toLowerCase(Locale.ROOT);
                    if (keys.values(lower) == null) {
                        missing.putIfAbsent(lower, c.key());
                    }
                }
            }
        }

        Boolean orgs = null;
        if (!r.scpLevels().isEmpty()) {
            orgs = true;
            for (List<IdentityPolicy> level : r.scpLevels()) {
                if (!ALLOWED.equals(typeDecision(level, lowerAction, resource, keys))) {
                    orgs = false;
                }
            }
        }
        IdentityPolicy boundary = principal.permissionsBoundary().orElse(null);
        Boolean byBoundary = boundary == null ? null
                : ALLOWED.equals(typeDecision(List.of(boundary), lowerAction, resource, keys));

        boolean cross = owner != null && !owner.equals(principal.accountId());
        Map<String, String> details = null;
        if (cross && !Boolean.FALSE.equals(orgs)) {
            details = new LinkedHashMap<>();
            details.put(DETAIL_IDENTITY, typeDecision(principal.identityPolicies(), lowerAction, resource, keys));
            details.put(DETAIL_RESOURCE, resourceDecision(r.resourcePolicy(), principal, lowerAction, resource, keys));
            if (boundary != null) {
                details.put(DETAIL_BOUNDARY, typeDecision(List.of(boundary), lowerAction, resource, keys));
            }
        }
        return new ResourceResult(resource, label(chosen), List.copyOf(matched), List.copyOf(missing.values()), orgs,
                byBoundary, cross, details);
    }

    private static ActionResult aggregate(SimulationRequest r, String action, List<ResourceResult> perResource) {
        String decision = ALLOWED;
        for (ResourceResult rr : perResource) {
            if (rank(rr.decision()) > rank(decision)) {
                decision = rr.decision();
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Matched> matched = new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>();
        Boolean orgs = null;
        Boolean boundary = null;
        boolean anyCross = false;
        Map<String, String> details = new LinkedHashMap<>();
        for (ResourceResult rr : perResource) {
            if (rr.decision().equals(decision)) {
                for (Matched m : rr.matched()) {
                    if (seen.add(m.policy().sourceId() + "#" + m.statement().index())) {
                        matched.add(m);
                    }
                }
            }
            for (String k : rr.missingContextValues()) {
                missing.putIfAbsent(k.toLowerCase(Locale.ROOT), k);
            }
            if (rr.allowedByOrganizations() != null) {
                orgs = (orgs == null || orgs) && rr.allowedByOrganizations();
            }
            if (rr.allowedByBoundary() != null) {
                boundary = (boundary == null || boundary) && rr.allowedByBoundary();
            }
            if (rr.details() != null) {
                anyCross = true;
                rr.details().forEach((k, v) -> details.merge(k, v, (a, b) -> rank(b) > rank(a) ? b : a));
            }
        }
        Map<String, String> topDetails = anyCross ? details : r.specificResources() ? Map.of() : null;
        return new ActionResult(action, decision, List.copyOf(matched), List.copyOf(missing.values()), orgs, boundary,
                topDetails, perResource);
    }

    /** The account of a resource: the ARN's account when it names one, else ResourceOwner, else the caller's. */
    static String resourceAccount(String resource, String resourceOwner) {
        String[] parts = resource.split(":", 6);
        if (parts.length == 6 && parts[4].matches("[0-9]{12}")) {
            return parts[4];
        }
        return resourceOwner;
    }

    /** How one kind of identity-side policy (identity policies, boundary, one SCP level) alone decides. */
    private static String typeDecision(List<IdentityPolicy> policies, String lowerAction, String resource,
            ConditionKeys keys) {
        boolean allow = false;
        for (IdentityPolicy p : policies) {
            Statement s = p.document().firstApplicable(lowerAction, resource, keys);
            if (s != null) {
                if (s.effect() == Effect.DENY) {
                    return EXPLICIT_DENY;
                }
                allow = true;
            }
        }
        return allow ? ALLOWED : IMPLICIT_DENY;
    }

    /** How the resource policy alone decides: its statements whose principal covers the caller. */
    private static String resourceDecision(IdentityPolicy rp, PrincipalContext principal, String lowerAction,
            String resource, ConditionKeys keys) {
        if (rp == null) {
            return IMPLICIT_DENY;
        }
        boolean allow = false;
        for (Statement s : rp.document().statements()) {
            if (ResourcePolicyPrincipals.covers(s, principal) && s.applies(lowerAction, resource, keys)) {
                if (s.effect() == Effect.DENY) {
                    return EXPLICIT_DENY;
                }
                allow = true;
            }
        }
        return allow ? ALLOWED : IMPLICIT_DENY;
    }

    static String label(Decision d) {
        return switch (d.outcome()) {
            case ALLOW -> ALLOWED;
            case EXPLICIT_DENY -> EXPLICIT_DENY;
            case IMPLICIT_DENY -> IMPLICIT_DENY;
        };
    }

    private static int rank(String decision) {
        return switch (decision) {
            case EXPLICIT_DENY -> 2;
            case IMPLICIT_DENY -> 1;
            default -> 0;
        };
    }
}
