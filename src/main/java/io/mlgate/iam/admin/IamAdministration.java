package io.mlgate.iam.admin;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.mlgate.credentials.AccessKeyStatus;
import io.mlgate.credentials.AccessKeyStore;
import io.mlgate.credentials.IssuedAccessKey;
import io.mlgate.credentials.StoredAccessKey;
import io.mlgate.iam.admin.PoliciesFolder.EntityFile;
import io.mlgate.iam.admin.PoliciesFolder.FileChange;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.config.IamGroup;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.config.ManagedPolicy;
import io.mlgate.iam.json.ConfigurationProblem;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParseException;
import io.mlgate.iam.policy.PolicyParser;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * IAM management (an AWS-compatible subset) over the declarative configuration in policies/: every mutation edits the
 * JSON file of the entity it touches, validates the whole resulting configuration with
 * {@link IamConfigurationLoader} before anything is written, writes atomically, and hands the new configuration to
 * the listener. Mutations are serialized by one lock; reads use the configuration the gateway currently serves.
 * Access keys are kept by the {@link AccessKeyStore}. Input is validated as the IAM service model says, and failures
 * are {@link IamAdminException}s carrying the IAM error code.
 */
public final class IamAdministration {

    /** Default quota: access keys per user. */
    public static final int ACCESS_KEYS_PER_USER = 2;
    /** Default quota: managed policies attached to one user or role. */
    public static final int MANAGED_POLICIES_PER_ENTITY = 10;
    /** Default quota: groups one user belongs to. */
    public static final int GROUPS_PER_USER = 10;
    /** Quota: characters (white space not counted) of all inline policies of a user. */
    public static final int USER_INLINE_POLICY_SIZE = 2048;
    /** Quota: characters (white space not counted) of all inline policies of a role. */
    public static final int ROLE_INLINE_POLICY_SIZE = 10240;
    /** Quota: characters (white space not counted) of a role's trust policy. */
    public static final int ROLE_TRUST_POLICY_SIZE = 2048;
    /** Quota: characters (white space not counted) of a managed policy document. */
    public static final int MANAGED_POLICY_SIZE = 6144;

    private static final Pattern POLICY_ARN = Pattern.compile("arn:aws:iam::([0-9]{12}):policy(/|/[\\x21-\\x7E]*/)([\\w+=,.@-]+)");
    private static final String MARKER_PREFIX = "mlgate1:";

    private final PoliciesFolder folder;
    private final AccessKeyStore accessKeys;
    private final Clock clock;
    private final Supplier<IamConfiguration> current;
    private final Consumer<IamConfiguration> onChange;
    private final Object mutationLock = new Object();

    /**
     * @param policiesDir the policies/ folder (the source of truth; the API writes its files)
     * @param accessKeys  the access-key store
     * @param clock       gives CreateDate for new entities
     * @param current     the configuration the gateway serves now (reads answer from it)
     * @param onChange    called, under the mutation lock, with the new configuration after each successful change
     *                    of policies/; it must not throw
     */
    public IamAdministration(Path policiesDir, AccessKeyStore accessKeys, Clock clock, Supplier<IamConfiguration> current,
            Consumer<IamConfiguration> onChange) {
        this.folder = new PoliciesFolder(Objects.requireNonNull(policiesDir, "policiesDir"));
        this.accessKeys = Objects.requireNonNull(accessKeys, "accessKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.current = Objects.requireNonNull(current, "current");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    /**
     * Administration of policies/ only, without an access-key store (offline tools such as {@code mlgate iam
     * revoke-sessions}): the access-key operations and DeleteUser fail with {@code ServiceFailure}.
     */
    public static IamAdministration withoutAccessKeys(Path policiesDir, Clock clock, Supplier<IamConfiguration> current,
            Consumer<IamConfiguration> onChange) {
        return new IamAdministration(policiesDir, null, clock, current, onChange, true);
    }

    private IamAdministration(Path policiesDir, AccessKeyStore accessKeys, Clock clock, Supplier<IamConfiguration> current,
            Consumer<IamConfiguration> onChange, boolean withoutKeys) {
        this.folder = new PoliciesFolder(Objects.requireNonNull(policiesDir, "policiesDir"));
        this.accessKeys = accessKeys;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.current = Objects.requireNonNull(current, "current");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    private AccessKeyStore keys() throws IamAdminException {
        if (accessKeys == null) {
            throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "Access keys are not available here.");
        }
        return accessKeys;
    }

    /** The configuration reads answer from (the one the gateway serves now). */
    public IamConfiguration configuration() {
        return current.get();
    }

    // ---- users ------------------------------------------------------------------------------------------------

    /** CreateUser. */
    public IamUser createUser(String accountId, NewUser user) throws IamAdminException {
        String name = ModelConstraints.required("userName", user.userName());
        ModelConstraints.string("userName", name, 1, 64, ModelConstraints.NAME);
        ModelConstraints.string("path", user.path(), 1, 512, ModelConstraints.PATH);
        ModelConstraints.arn("permissionsBoundary", user.permissionsBoundaryArn());
        Map<String, String> tags = ModelConstraints.tags(user.tags());
        String path = user.path() == null ? "/" : user.path();
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            requireAccount(base, accountId);
            if (base.userByName(accountId, name).isPresent()) {
                throw new IamAdminException(IamErrorCode.ENTITY_ALREADY_EXISTS, "User with name " + name + " already exists.");
            }
            if (user.permissionsBoundaryArn() != null) {
                requirePolicy(base, accountId, user.permissionsBoundaryArn());
            }
            ObjectNode node = header(accountId, "UserName", name, path);
            putTags(node, tags);
            if (user.permissionsBoundaryArn() != null) {
                node.put("PermissionsBoundary", user.permissionsBoundaryArn());
            }
            IamConfiguration next = commit(FileChange.create(
                    folder.newEntityFile(IamConfigurationLoader.USERS_DIR, name), node));
            return next.userByName(accountId, name).orElseThrow();
        }
    }

    /** GetUser (the caller resolves an omitted user name to the calling user). */
    public IamUser getUser(String accountId, String userName) throws IamAdminException {
        existingUserName(userName);
        return requireUser(current.get(), accountId, userName);
    }

    /** ListUsers: users whose path starts with {@code pathPrefix} (null: all), sorted by name, paged. */
    public Page<IamUser> listUsers(String accountId, String pathPrefix, String marker, Integer maxItems)
            throws IamAdminException {
        ModelConstraints.string("pathPrefix", pathPrefix, 1, 512, ModelConstraints.PATH_PREFIX);
        ModelConstraints.marker(marker);
        int max = ModelConstraints.maxItems(maxItems);
        String prefix = pathPrefix == null ? "/" : pathPrefix;
        List<IamUser> users = current.get().users().stream()
                .filter(u -> u.accountId().equals(accountId) && u.path().startsWith(prefix))
                .toList();
        return page(users, u -> u.name().toLowerCase(Locale.ROOT), marker, max);
    }

    /**
     * DeleteUser: refused with DeleteConflict while the user still has access keys, inline or attached policies, or
     * group memberships (as IAM does). Deletes the user's file.
     */
    public void deleteUser(String accountId, String userName) throws IamAdminException {
        existingUserName(userName);
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamUser user = requireUser(base, accountId, userName);
            if (!keys().forUser(user.arn()).isEmpty()) {
                throw conflict("must delete access keys first.");
            }
            if (!user.inlinePolicies().isEmpty()) {
                throw conflict("must delete policies first.");
            }
            if (!user.attachedPolicyArns().isEmpty()) {
                throw conflict("must detach all policies first.");
            }
            if (!user.groupNames().isEmpty()) {
                throw conflict("must remove user from all groups first.");
            }
            commit(FileChange.delete(folder.read(user.definedAt())));
        }
    }

    /** TagUser: adds or overwrites tags (keys match ignoring case). */
    public void tagUser(String accountId, String userName, List<Tag> tags) throws IamAdminException {
        existingUserName(userName);
        Map<String, String> add = ModelConstraints.tags(Objects.requireNonNull(tags, "tags"));
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamUser user = requireUser(base, accountId, userName);
            EntityFile file = folder.read(user.definedAt());
            ObjectNode node = withCreateDate(file.tree(), user.createDate(), "UserName");
            node.set("Tags", mergedTags(node.get("Tags"), add));
            commit(FileChange.replace(file, node));
        }
    }

    // ---- access keys ------------------------------------------------------------------------------------------

    /** CreateAccessKey: at most {@value #ACCESS_KEYS_PER_USER} keys per user; the secret is in the result only. */
    public NewAccessKey createAccessKey(String accountId, String userName) throws IamAdminException {
        existingUserName(userName);
        synchronized (mutationLock) {
            IamUser user = requireUser(folder.load(), accountId, userName);
            if (keys().forUser(user.arn()).size() >= ACCESS_KEYS_PER_USER) {
                throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for AccessKeysPerUser: " + ACCESS_KEYS_PER_USER + ".");
            }
            try {
                IssuedAccessKey key = keys().create(user.arn());
                return new NewAccessKey(user.name(), key);
            } catch (UncheckedIOException e) {
                throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "The access key could not be stored.");
            }
        }
    }

    /** ListAccessKeys: the user's keys, oldest first, paged; never secrets. */
    public Page<AccessKeyInfo> listAccessKeys(String accountId, String userName, String marker, Integer maxItems)
            throws IamAdminException {
        existingUserName(userName);
        ModelConstraints.marker(marker);
        int max = ModelConstraints.maxItems(maxItems);
        IamUser user = requireUser(current.get(), accountId, userName);
        List<AccessKeyInfo> keys = keys().forUser(user.arn()).stream()
                .map(k -> new AccessKeyInfo(user.name(), k.accessKeyId(), k.status(), k.createDate()))
                .toList();
        return page(keys, k -> String.format("%015d", k.createDate().toEpochMilli()) + "/" + k.accessKeyId(),
                marker, max);
    }

    /** UpdateAccessKey: sets Active or Inactive. */
    public void updateAccessKey(String accountId, String userName, String accessKeyId, String status)
            throws IamAdminException {
        existingUserName(userName);
        accessKeyId(accessKeyId);
        ModelConstraints.required("status", status);
        AccessKeyStatus next;
        switch (status) {
            case "Active" -> next = AccessKeyStatus.ACTIVE;
            case "Inactive" -> next = AccessKeyStatus.INACTIVE;
            case "Expired" -> throw new IamAdminException(IamErrorCode.INVALID_INPUT,
                    "The status of an access key can only be set to Active or Inactive.");
            default -> throw ModelConstraints.violation("status", status,
                    "Member must satisfy enum value set: [Active, Inactive, Expired]");
        }
        synchronized (mutationLock) {
            StoredAccessKey key = requireKey(requireUser(current.get(), accountId, userName), accessKeyId);
            try {
                keys().setStatus(key.accessKeyId(), next);
            } catch (UncheckedIOException e) {
                throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "The access key could not be updated.");
            }
        }
    }

    /** DeleteAccessKey. */
    public void deleteAccessKey(String accountId, String userName, String accessKeyId) throws IamAdminException {
        existingUserName(userName);
        accessKeyId(accessKeyId);
        synchronized (mutationLock) {
            StoredAccessKey key = requireKey(requireUser(current.get(), accountId, userName), accessKeyId);
            try {
                keys().delete(key.accessKeyId());
            } catch (UncheckedIOException e) {
                throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "The access key could not be deleted.");
            }
        }
    }

    // ---- roles ------------------------------------------------------------------------------------------------

    /** CreateRole. */
    public IamRole createRole(String accountId, NewRole role) throws IamAdminException {
        String name = ModelConstraints.required("roleName", role.roleName());
        ModelConstraints.string("roleName", name, 1, 64, ModelConstraints.NAME);
        ModelConstraints.string("path", role.path(), 1, 512, ModelConstraints.PATH);
        String trustText = ModelConstraints.policyDocument("assumeRolePolicyDocument", role.assumeRolePolicyDocument());
        ModelConstraints.string("description", role.description(), 0, 1000, ModelConstraints.ROLE_DESCRIPTION);
        ModelConstraints.range("maxSessionDuration", role.maxSessionDuration(), 3600, 43200);
        ModelConstraints.arn("permissionsBoundary", role.permissionsBoundaryArn());
        Map<String, String> tags = ModelConstraints.tags(role.tags());
        ObjectNode trust = policyTree(trustText, PolicyKind.TRUST);
        if (policySize(trust) > ROLE_TRUST_POLICY_SIZE) {
            throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED,
                    "Cannot exceed quota for ACLSizePerRole: " + ROLE_TRUST_POLICY_SIZE + ".");
        }
        String path = role.path() == null ? "/" : role.path();
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            requireAccount(base, accountId);
            if (base.roleByName(accountId, name).isPresent()) {
                throw new IamAdminException(IamErrorCode.ENTITY_ALREADY_EXISTS, "Role with name " + name + " already exists.");
            }
            if (role.permissionsBoundaryArn() != null) {
                requirePolicy(base, accountId, role.permissionsBoundaryArn());
            }
            ObjectNode node = header(accountId, "RoleName", name, path);
            if (role.description() != null && !role.description().isEmpty()) {
                node.put("Description", role.description());
            }
            node.set("AssumeRolePolicyDocument", trust);
            if (role.maxSessionDuration() != null) {
                node.put("MaxSessionDuration", role.maxSessionDuration().intValue());
            }
            putTags(node, tags);
            if (role.permissionsBoundaryArn() != null) {
                node.put("PermissionsBoundary", role.permissionsBoundaryArn());
            }
            IamConfiguration next = commit(FileChange.create(
                    folder.newEntityFile(IamConfigurationLoader.ROLES_DIR, name), node));
            return next.roleByName(accountId, name).orElseThrow();
        }
    }

    /** GetRole. */
    public IamRole getRole(String accountId, String roleName) throws IamAdminException {
        roleName(roleName);
        return requireRole(current.get(), accountId, roleName);
    }

    /** TagRole: adds or overwrites tags (keys match ignoring case). */
    public void tagRole(String accountId, String roleName, List<Tag> tags) throws IamAdminException {
        roleName(roleName);
        Map<String, String> add = ModelConstraints.tags(Objects.requireNonNull(tags, "tags"));
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamRole role = requireRole(base, accountId, roleName);
            EntityFile file = folder.read(role.definedAt());
            ObjectNode node = withCreateDate(file.tree(), role.createDate(), "RoleName");
            node.set("Tags", mergedTags(node.get("Tags"), add));
            commit(FileChange.replace(file, node));
        }
    }

    // ---- managed policies -------------------------------------------------------------------------------------

    /** CreatePolicy: a customer managed policy in managed-policies/. */
    public PolicyDetails createPolicy(String accountId, NewPolicy policy) throws IamAdminException {
        String name = ModelConstraints.required("policyName", policy.policyName());
        ModelConstraints.string("policyName", name, 1, 128, ModelConstraints.NAME);
        ModelConstraints.string("path", policy.path(), 1, 512, ModelConstraints.POLICY_PATH);
        String text = ModelConstraints.policyDocument("policyDocument", policy.policyDocument());
        ModelConstraints.string("description", policy.description(), 0, 1000, null);
        Map<String, String> tags = ModelConstraints.tags(policy.tags());
        ObjectNode document = policyTree(text, PolicyKind.IDENTITY);
        if (policySize(document) > MANAGED_POLICY_SIZE) {
            throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED,
                    "Cannot exceed quota for PolicySize: " + MANAGED_POLICY_SIZE + ".");
        }
        String path = policy.path() == null ? "/" : policy.path();
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            requireAccount(base, accountId);
            for (ManagedPolicy p : base.managedPolicies()) {
                if (p.accountId().equals(accountId) && p.name().equalsIgnoreCase(name)) {
                    throw new IamAdminException(IamErrorCode.ENTITY_ALREADY_EXISTS, "A policy called " + name
                            + " already exists. Duplicate names are not allowed.");
                }
            }
            ObjectNode node = header(accountId, "PolicyName", name, path);
            if (policy.description() != null && !policy.description().isEmpty()) {
                node.put("Description", policy.description());
            }
            putTags(node, tags);
            node.set("PolicyDocument", document);
            IamConfiguration next = commit(FileChange.create(
                    folder.newEntityFile(IamConfigurationLoader.MANAGED_POLICIES_DIR, name), node));
            ManagedPolicy created = next.managedPolicy(policyArn(accountId, path, name)).orElseThrow();
            return details(next, created);
        }
    }

    /** GetPolicy: a customer managed policy of the caller's account, by ARN. */
    public PolicyDetails getPolicy(String accountId, String policyArn) throws IamAdminException {
        ModelConstraints.required("policyArn", policyArn);
        ModelConstraints.arn("policyArn", policyArn);
        requirePolicyArnSyntax(policyArn);
        IamConfiguration config = current.get();
        ManagedPolicy policy = config.managedPolicy(policyArn)
                .filter(p -> p.accountId().equals(accountId))
                .orElseThrow(() -> new IamAdminException(IamErrorCode.NO_SUCH_ENTITY, "Policy " + policyArn + " was not found."));
        return details(config, policy);
    }

    /** AttachUserPolicy (attaching an already attached policy succeeds and changes nothing). */
    public void attachUserPolicy(String accountId, String userName, String policyArn) throws IamAdminException {
        ModelConstraints.required("userName", userName);
        ModelConstraints.string("userName", userName, 1, 64, ModelConstraints.NAME);
        ModelConstraints.required("policyArn", policyArn);
        ModelConstraints.arn("policyArn", policyArn);
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamUser user = requireUser(base, accountId, userName);
            requirePolicy(base, accountId, policyArn);
            if (user.attachedPolicyArns().contains(policyArn)) {
                return;
            }
            if (user.attachedPolicyArns().size() >= MANAGED_POLICIES_PER_ENTITY) {
                throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for PoliciesPerUser: " + MANAGED_POLICIES_PER_ENTITY + ".");
            }
            EntityFile file = folder.read(user.definedAt());
            ObjectNode node = withCreateDate(file.tree(), user.createDate(), "UserName");
            appendString(node, "AttachedPolicies", policyArn);
            commit(FileChange.replace(file, node));
        }
    }

    /** AttachRolePolicy (attaching an already attached policy succeeds and changes nothing). */
    public void attachRolePolicy(String accountId, String roleName, String policyArn) throws IamAdminException {
        roleName(roleName);
        ModelConstraints.required("policyArn", policyArn);
        ModelConstraints.arn("policyArn", policyArn);
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamRole role = requireRole(base, accountId, roleName);
            requirePolicy(base, accountId, policyArn);
            if (role.attachedPolicyArns().contains(policyArn)) {
                return;
            }
            if (role.attachedPolicyArns().size() >= MANAGED_POLICIES_PER_ENTITY) {
                throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for PoliciesPerRole: " + MANAGED_POLICIES_PER_ENTITY + ".");
            }
            EntityFile file = folder.read(role.definedAt());
            ObjectNode node = withCreateDate(file.tree(), role.createDate(), "RoleName");
            appendString(node, "AttachedPolicies", policyArn);
            commit(FileChange.replace(file, node));
        }
    }

    /** ListAttachedUserPolicies: the user's own attached managed policies (not those of its groups), paged. */
    public Page<AttachedPolicy> listAttachedUserPolicies(String accountId, String userName, String pathPrefix,
            String marker, Integer maxItems) throws IamAdminException {
        ModelConstraints.required("userName", userName);
        ModelConstraints.string("userName", userName, 1, 64, ModelConstraints.NAME);
        ModelConstraints.string("pathPrefix", pathPrefix, 1, 512, ModelConstraints.POLICY_PATH);
        ModelConstraints.marker(marker);
        int max = ModelConstraints.maxItems(maxItems);
        IamConfiguration config = current.get();
        IamUser user = requireUser(config, accountId, userName);
        String prefix = pathPrefix == null ? "/" : pathPrefix;
        List<AttachedPolicy> attached = new ArrayList<>();
        for (String arn : user.attachedPolicyArns()) {
            config.managedPolicy(arn).filter(p -> p.path().startsWith(prefix))
                    .ifPresent(p -> attached.add(new AttachedPolicy(p.name(), p.arn())));
        }
        return page(attached, p -> p.policyName().toLowerCase(Locale.ROOT) + "/" + shortHash(p.policyArn()), marker, max);
    }

    /** PutUserPolicy: adds or replaces an inline policy of a user. */
    public void putUserPolicy(String accountId, String userName, String policyName, String policyDocument)
            throws IamAdminException {
        existingUserName(userName);
        inlinePolicyName(policyName);
        ObjectNode document = policyTree(ModelConstraints.policyDocument("policyDocument", policyDocument),
                PolicyKind.IDENTITY);
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamUser user = requireUser(base, accountId, userName);
            EntityFile file = folder.read(user.definedAt());
            ObjectNode node = withCreateDate(file.tree(), user.createDate(), "UserName");
            ObjectNode inline = withInlinePolicy(node.get("InlinePolicies"), policyName, document);
            if (inlineSize(inline) > USER_INLINE_POLICY_SIZE) {
                throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED, "Maximum policy size of "
                        + USER_INLINE_POLICY_SIZE + " bytes exceeded for user " + user.name());
            }
            node.set("InlinePolicies", inline);
            commit(FileChange.replace(file, node));
        }
    }

    /** PutRolePolicy: adds or replaces an inline policy of a role. */
    public void putRolePolicy(String accountId, String roleName, String policyName, String policyDocument)
            throws IamAdminException {
        roleName(roleName);
        inlinePolicyName(policyName);
        ObjectNode document = policyTree(ModelConstraints.policyDocument("policyDocument", policyDocument),
                PolicyKind.IDENTITY);
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamRole role = requireRole(base, accountId, roleName);
            EntityFile file = folder.read(role.definedAt());
            ObjectNode node = withCreateDate(file.tree(), role.createDate(), "RoleName");
            ObjectNode inline = withInlinePolicy(node.get("InlinePolicies"), policyName, document);
            if (inlineSize(inline) > ROLE_INLINE_POLICY_SIZE) {
                throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED, "Maximum policy size of "
                        + ROLE_INLINE_POLICY_SIZE + " bytes exceeded for role " + role.name());
            }
            node.set("InlinePolicies", inline);
            commit(FileChange.replace(file, node));
        }
    }

    // ---- groups -----------------------------------------------------------------------------------------------

    /** CreateGroup; {@code path} null means {@code /}. */
    public IamGroup createGroup(String accountId, String groupName, String path) throws IamAdminException {
        groupName(groupName);
        ModelConstraints.string("path", path, 1, 512, ModelConstraints.PATH);
        String p = path == null ? "/" : path;
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            requireAccount(base, accountId);
            if (base.groupByName(accountId, groupName).isPresent()) {
                throw new IamAdminException(IamErrorCode.ENTITY_ALREADY_EXISTS,
                        "Group with name " + groupName + " already exists.");
            }
            ObjectNode node = header(accountId, "GroupName", groupName, p);
            IamConfiguration next = commit(FileChange.create(
                    folder.newEntityFile(IamConfigurationLoader.GROUPS_DIR, groupName), node));
            return next.groupByName(accountId, groupName).orElseThrow();
        }
    }

    /** AddUserToGroup (adding a member again succeeds and changes nothing). Edits the user's file. */
    public void addUserToGroup(String accountId, String groupName, String userName) throws IamAdminException {
        groupName(groupName);
        existingUserName(userName);
        synchronized (mutationLock) {
            IamConfiguration base = folder.load();
            IamGroup group = base.groupByName(accountId, groupName).orElseThrow(() -> new IamAdminException(
                    IamErrorCode.NO_SUCH_ENTITY, "The group with name " + groupName + " cannot be found."));
            IamUser user = requireUser(base, accountId, userName);
            if (user.groupNames().stream().anyMatch(g -> g.equalsIgnoreCase(group.name()))) {
                return;
            }
            if (user.groupNames().size() >= GROUPS_PER_USER) {
                throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for GroupsPerUser: " + GROUPS_PER_USER + ".");
            }
            EntityFile file = folder.read(user.definedAt());
            ObjectNode node = withCreateDate(file.tree(), user.createDate(), "UserName");
            appendString(node, "Groups", group.name());
            commit(FileChange.replace(file, node));
        }
    }

    @Override
    public String toString() {
        return "IamAdministration[" + folder.root() + "]";
    }

    // ---- parts ------------------------------------------------------------------------------------------------

    private IamConfiguration commit(FileChange change) throws IamAdminException {
        IamConfiguration next = folder.commit(change);
        onChange.accept(next);
        return next;
    }

    private ObjectNode header(String accountId, String nameElement, String name, String path) {
        ObjectNode node = PoliciesFolder.JSON.createObjectNode();
        node.put("Account", accountId);
        node.put(nameElement, name);
        node.put("Path", path);
        node.put("CreateDate", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        return node;
    }

    /**
     * The entity's JSON object with a {@code CreateDate} member: unchanged if it has one, else with the creation date
     * the entity reports now (the file's modification time) recorded after {@code Path} (or the name), so editing the
     * file does not change the entity's CreateDate.
     */
    private static ObjectNode withCreateDate(ObjectNode tree, Instant reported, String nameElement) {
        if (tree.has("CreateDate")) {
            return tree;
        }
        String anchor = tree.has("Path") ? "Path" : nameElement;
        ObjectNode out = PoliciesFolder.JSON.createObjectNode();
        boolean inserted = false;
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            out.set(e.getKey(), e.getValue());
            if (e.getKey().equals(anchor)) {
                out.put("CreateDate", reported.toString());
                inserted = true;
            }
        }
        if (!inserted) {
            out.put("CreateDate", reported.toString());
        }
        return out;
    }

    private static void putTags(ObjectNode node, Map<String, String> tags) {
        if (!tags.isEmpty()) {
            ObjectNode t = node.putObject("Tags");
            tags.forEach(t::put);
        }
    }

    private static ObjectNode mergedTags(JsonNode existing, Map<String, String> add) throws IamAdminException {
        ObjectNode out = PoliciesFolder.JSON.createObjectNode();
        if (existing instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String replacement = null;
                for (Map.Entry<String, String> a : add.entrySet()) {
                    if (a.getKey().equalsIgnoreCase(e.getKey())) {
                        replacement = a.getKey();
                    }
                }
                if (replacement == null) {
                    out.set(e.getKey(), e.getValue());
                } else {
                    out.put(replacement, add.get(replacement));
                }
            }
        }
        for (Map.Entry<String, String> a : add.entrySet()) {
            boolean present = false;
            for (String k : out.propertyNames()) {
                present |= k.equalsIgnoreCase(a.getKey());
            }
            if (!present) {
                out.put(a.getKey(), a.getValue());
            }
        }
        if (out.size() > ModelConstraints.MAX_TAGS) {
            throw new IamAdminException(IamErrorCode.LIMIT_EXCEEDED, "The number of tags has reached the maximum "
                    + "limit (" + ModelConstraints.MAX_TAGS + ").");
        }
        return out;
    }

    private static void appendString(ObjectNode node, String element, String value) {
        JsonNode existing = node.get(element);
        ArrayNode array = existing instanceof ArrayNode a ? a : node.putArray(element);
        array.add(value);
    }

    /** The inline policies object with {@code name} set to {@code document} (a name matching ignoring case is replaced in place). */
    private static ObjectNode withInlinePolicy(JsonNode existing, String name, ObjectNode document) {
        ObjectNode out = PoliciesFolder.JSON.createObjectNode();
        boolean replaced = false;
        if (existing instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    out.set(name, document);
                    replaced = true;
                } else {
                    out.set(e.getKey(), e.getValue());
                }
            }
        }
        if (!replaced) {
            out.set(name, document);
        }
        return out;
    }

    private static int inlineSize(ObjectNode inline) {
        int total = 0;
        for (Map.Entry<String, JsonNode> e : inline.properties()) {
            total += policySize(e.getValue());
        }
        return total;
    }

    /** The size IAM counts against its quotas: characters of the document, white space not counted. */
    static int policySize(JsonNode document) {
        String text = PoliciesFolder.JSON.writeValueAsString(document);
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    /** Parses a policy document given as JSON text: MalformedPolicyDocument if it is not a valid policy of this kind. */
    private static ObjectNode policyTree(String text, PolicyKind kind) throws IamAdminException {
        try {
            PolicyParser.parse(text, "policy document", kind);
        } catch (PolicyParseException e) {
            ConfigurationProblem first = e.problems().get(0);
            throw new IamAdminException(IamErrorCode.MALFORMED_POLICY_DOCUMENT, first.toString()
                    + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more problems)" : ""));
        }
        try {
            JsonNode tree = PoliciesFolder.JSON.readTree(text);
            if (tree instanceof ObjectNode o) {
                return o;
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw new IamAdminException(IamErrorCode.MALFORMED_POLICY_DOCUMENT, "The policy document is not a JSON object.");
    }

    private PolicyDetails details(IamConfiguration config, ManagedPolicy policy) {
        int attachments = 0;
        int boundaries = 0;
        for (IamUser u : config.users()) {
            attachments += u.attachedPolicyArns().contains(policy.arn()) ? 1 : 0;
            boundaries += u.permissionsBoundaryArn().filter(policy.arn()::equals).isPresent() ? 1 : 0;
        }
        for (IamGroup g : config.groups()) {
            attachments += g.attachedPolicyArns().contains(policy.arn()) ? 1 : 0;
        }
        for (IamRole r : config.roles()) {
            attachments += r.attachedPolicyArns().contains(policy.arn()) ? 1 : 0;
            boundaries += r.permissionsBoundaryArn().filter(policy.arn()::equals).isPresent() ? 1 : 0;
        }
        return new PolicyDetails(policy, attachments, boundaries);
    }

    /** The ARN of a customer managed policy. */
    public static String policyArn(String accountId, String path, String name) {
        return "arn:aws:iam::" + accountId + ":policy" + path + name;
    }

    private static void requirePolicyArnSyntax(String arn) throws IamAdminException {
        if (!POLICY_ARN.matcher(arn).matches()) {
            throw new IamAdminException(IamErrorCode.INVALID_INPUT, "ARN " + ModelConstraints.printable(arn) + " is not valid.");
        }
    }

    private static ManagedPolicy requirePolicy(IamConfiguration config, String accountId, String arn)
            throws IamAdminException {
        requirePolicyArnSyntax(arn);
        return config.managedPolicy(arn).filter(p -> p.accountId().equals(accountId))
                .orElseThrow(() -> new IamAdminException(IamErrorCode.NO_SUCH_ENTITY,
                        "Policy " + arn + " does not exist or is not attachable."));
    }

    private static void requireAccount(IamConfiguration config, String accountId) throws IamAdminException {
        if (accountId == null || config.account(accountId).isEmpty()) {
            throw new IamAdminException(IamErrorCode.NO_SUCH_ENTITY, "The account " + accountId
                    + " is not defined in " + IamConfigurationLoader.ACCOUNTS_FILE + ".");
        }
    }

    private static IamUser requireUser(IamConfiguration config, String accountId, String name) throws IamAdminException {
        return config.userByName(accountId, name).orElseThrow(() -> new IamAdminException(IamErrorCode.NO_SUCH_ENTITY,
                "The user with name " + name + " cannot be found."));
    }

    private static IamRole requireRole(IamConfiguration config, String accountId, String name) throws IamAdminException {
        return config.roleByName(accountId, name).orElseThrow(() -> new IamAdminException(IamErrorCode.NO_SUCH_ENTITY,
                "The role with name " + name + " cannot be found."));
    }

    private StoredAccessKey requireKey(IamUser user, String accessKeyId) throws IamAdminException {
        return keys().find(accessKeyId).filter(k -> k.userArn().equals(user.arn()))
                .orElseThrow(() -> new IamAdminException(IamErrorCode.NO_SUCH_ENTITY,
                        "The Access Key with id " + accessKeyId + " cannot be found."));
    }

    private static IamAdminException conflict(String what) {
        return new IamAdminException(IamErrorCode.DELETE_CONFLICT, "Cannot delete entity, " + what);
    }

    private static void existingUserName(String name) throws IamAdminException {
        ModelConstraints.required("userName", name);
        ModelConstraints.string("userName", name, 1, 128, ModelConstraints.NAME);
    }

    private static void roleName(String name) throws IamAdminException {
        ModelConstraints.required("roleName", name);
        ModelConstraints.string("roleName", name, 1, 64, ModelConstraints.NAME);
    }

    private static void groupName(String name) throws IamAdminException {
        ModelConstraints.required("groupName", name);
        ModelConstraints.string("groupName", name, 1, 128, ModelConstraints.NAME);
    }

    private static void inlinePolicyName(String name) throws IamAdminException {
        ModelConstraints.required("policyName", name);
        ModelConstraints.string("policyName", name, 1, 128, ModelConstraints.NAME);
    }

    private static void accessKeyId(String id) throws IamAdminException {
        ModelConstraints.required("accessKeyId", id);
        ModelConstraints.string("accessKeyId", id, 16, 128, ModelConstraints.ID);
    }

    /** One page of {@code items} in the order of {@code key}, starting at the item a marker points to. */
    static <T> Page<T> page(List<T> items, Function<T, String> key, String marker, int maxItems)
            throws IamAdminException {
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(key));
        int start = 0;
        if (marker != null) {
            String from = decodeMarker(marker);
            while (start < sorted.size() && key.apply(sorted.get(start)).compareTo(from) < 0) {
                start++;
            }
        }
        int end = Math.min(sorted.size(), start + maxItems);
        Optional<String> next = end < sorted.size() ? Optional.of(encodeMarker(key.apply(sorted.get(end))))
                : Optional.empty();
        return new Page<>(sorted.subList(start, end), next);
    }

    private static String encodeMarker(String key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((MARKER_PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeMarker(String marker) throws IamAdminException {
        try {
            String text = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            if (text.startsWith(MARKER_PREFIX)) {
                return text.substring(MARKER_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IamAdminException(IamErrorCode.INVALID_INPUT, "The marker is not valid; pass the Marker of the "
                + "previous response unchanged.");
    }

    private static String shortHash(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
