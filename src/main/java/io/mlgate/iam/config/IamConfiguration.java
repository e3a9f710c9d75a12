package io.mlgate.iam.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyDocument;

/**
 * An immutable, fully validated snapshot of the IAM configuration (accounts, users, groups, roles, managed policies).
 * Produced only by {@link IamConfigurationLoader}; a new snapshot replaces the old one as a whole. Principal contexts
 * for users are computed once here, so looking up a caller on the hot path is one map access.
 */
public final class IamConfiguration {

    private static final IamConfiguration EMPTY = new IamConfiguration(List.of(), List.of(), List.of(), List.of(), List.of(),
            null);

    private final Map<String, Account> accounts;
    private final Map<String, IamUser> users;
    private final Map<String, IamGroup> groups;
    private final Map<String, IamRole> roles;
    private final Map<String, ManagedPolicy> managedPolicies;
    private final Map<String, String> arnByName; // kind:acct:lowername -> arn
    private final Map<String, PrincipalContext> userPrincipals;
    private final Organization organization;

    IamConfiguration(List<Account> accounts, List<ManagedPolicy> policies, List<IamGroup> groups, List<IamUser> users,
            List<IamRole> roles, Organization organization) {
        this.organization = organization;
        this.accounts = index(accounts, Account::id);
        this.managedPolicies = index(policies, ManagedPolicy::arn);
        this.groups = index(groups, IamGroup::arn);
        this.users = index(users, IamUser::arn);
        this.roles = index(roles, IamRole::arn);
        Map<String, String> names = new HashMap<>();
        groups.forEach(g -> names.put(nameKey("group", g.accountId(), g.name()), g.arn()));
        users.forEach(u -> names.put(nameKey("user", u.accountId(), u.name()), u.arn()));
        roles.forEach(r -> names.put(nameKey("role", r.accountId(), r.name()), r.arn()));
        this.arnByName = Map.copyOf(names);
        Map<String, PrincipalContext> principals = new HashMap<>();
        for (IamUser u : users) {
            PrincipalContext.Builder b = PrincipalContext.builder(u.arn(), u.accountId(), PrincipalType.USER)
                    .userId(u.userId())
                    .userName(u.name())
                    .tags(u.tags())
                    .identityPolicies(identityPoliciesOf(u));
            u.permissionsBoundaryArn().map(managedPolicies::get).ifPresent(p ->
                    b.permissionsBoundary(IdentityPolicy.managed(p.name(), p.arn(), u.arn(), p.document())));
            applyOrganization(b, u.accountId());
            principals.put(u.arn(), b.build());
        }
        this.userPrincipals = Map.copyOf(principals);
    }

    /** The organization of the accounts (policies/organization.json), if one is configured. */
    public Optional<Organization> organization() {
        return Optional.ofNullable(organization);
    }

    /**
     * Adds what the organization says about a principal of {@code accountId}: its SCPs (none for the management
     * account) and aws:PrincipalOrgID. Used for users here and for role sessions by whoever builds them.
     */
    public PrincipalContext.Builder applyOrganization(PrincipalContext.Builder principal, String accountId) {
        if (organization != null && organization.contains(accountId)) {
            principal.orgId(organization.id());
            organization.serviceControlPolicies(accountId).forEach(principal::serviceControlPolicy);
        }
        return principal;
    }

    /** The RCPs that apply to resources of {@code accountId} (empty without an organization). */
    public List<IdentityPolicy> resourceControlPolicies(String accountId) {
        return organization == null ? List.of() : organization.resourceControlPolicies(accountId);
    }

    /** A configuration with nothing in it (every request is implicitly denied). */
    public static IamConfiguration empty() {
        return EMPTY;
    }

    private static <T> Map<String, T> index(List<T> items, java.util.function.Function<T, String> key) {
        Map<String, T> m = new LinkedHashMap<>();
        items.forEach(i -> m.put(key.apply(i), i));
        return Collections.unmodifiableMap(m);
    }

    private static String nameKey(String kind, String accountId, String name) {
        return kind + ":" + accountId + ":" + name.toLowerCase(Locale.ROOT);
    }

    public Collection<Account> accounts() {
        return accounts.values();
    }

    public Optional<Account> account(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    public Collection<IamUser> users() {
        return users.values();
    }

    public Optional<IamUser> user(String arn) {
        return Optional.ofNullable(users.get(arn));
    }

    /** Finds a user by name within an account (names are unique ignoring case, as in IAM). */
    public Optional<IamUser> userByName(String accountId, String name) {
        return Optional.ofNullable(arnByName.get(nameKey("user", accountId, name))).map(users::get);
    }

    public Collection<IamGroup> groups() {
        return groups.values();
    }

    public Optional<IamGroup> group(String arn) {
        return Optional.ofNullable(groups.get(arn));
    }

    public Optional<IamGroup> groupByName(String accountId, String name) {
        return Optional.ofNullable(arnByName.get(nameKey("group", accountId, name))).map(groups::get);
    }

    public Collection<IamRole> roles() {
        return roles.values();
    }

    public Optional<IamRole> role(String arn) {
        return Optional.ofNullable(roles.get(arn));
    }

    public Optional<IamRole> roleByName(String accountId, String name) {
        return Optional.ofNullable(arnByName.get(nameKey("role", accountId, name))).map(roles::get);
    }

    public Collection<ManagedPolicy> managedPolicies() {
        return managedPolicies.values();
    }

    public Optional<ManagedPolicy> managedPolicy(String arn) {
        return Optional.ofNullable(managedPolicies.get(arn));
    }

    /** The evaluator's view of an IAM user (identity, tags, effective policies), by user ARN. */
    public Optional<PrincipalContext> principalForUser(String userArn) {
        return Optional.ofNullable(userPrincipals.get(userArn));
    }

    /**
     * The user's effective identity-based policies: its inline policies, its attached managed policies, then for
     * each of its groups (in the order listed) the group's inline and attached policies.
     */
    public List<IdentityPolicy> identityPoliciesOf(IamUser user) {
        List<IdentityPolicy> out = new ArrayList<>();
        addOwn(out, user.arn(), user.inlinePolicies(), user.attachedPolicyArns());
        for (String g : user.groupNames()) {
            String arn = arnByName.get(nameKey("group", user.accountId(), g));
            IamGroup group = arn == null ? null : groups.get(arn);
            if (group != null) {
                addOwn(out, group.arn(), group.inlinePolicies(), group.attachedPolicyArns());
            }
        }
        return List.copyOf(out);
    }

    /** The role's identity-based policies: inline, then attached. */
    public List<IdentityPolicy> identityPoliciesOf(IamRole role) {
        List<IdentityPolicy> out = new ArrayList<>();
        addOwn(out, role.arn(), role.inlinePolicies(), role.attachedPolicyArns());
        return List.copyOf(out);
    }

    private void addOwn(List<IdentityPolicy> out, String ownerArn, Map<String, PolicyDocument> inline, List<String> attached) {
        inline.forEach((name, doc) -> out.add(IdentityPolicy.inline(name, ownerArn, doc)));
        for (String arn : attached) {
            ManagedPolicy p = managedPolicies.get(arn);
            if (p != null) {
                out.add(IdentityPolicy.managed(p.name(), p.arn(), ownerArn, p.document()));
            }
        }
    }
}
