package io.mlgate.iam.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamGroup;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.config.ManagedPolicy;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.protocol.query.QueryApi;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryService;
import io.mlgate.protocol.query.QueryTarget;
import io.mlgate.protocol.query.XmlWriter;

/**
 * The IAM query-protocol service (API version 2010-05-08) for the supported subset of operations: works out each
 * call's IAM action, resource ARN and audit parameters, and performs it through {@link IamAdministration}, writing the
 * result shapes of the IAM service model.
 */
public final class IamQueryService implements QueryService {

    private static final Set<String> OPERATIONS = Set.of("CreateUser", "GetUser", "ListUsers", "DeleteUser",
            "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey", "CreateRole", "GetRole",
            "CreatePolicy", "GetPolicy", "AttachUserPolicy", "AttachRolePolicy", "PutUserPolicy", "PutRolePolicy",
            "TagUser", "TagRole", "ListAttachedUserPolicies", "CreateGroup", "AddUserToGroup");
    private static final Set<String> READ_ONLY = Set.of("GetUser", "ListUsers", "ListAccessKeys", "GetRole",
            "GetPolicy", "ListAttachedUserPolicies");
    /** Operations whose UserName may be omitted: they then apply to the calling IAM user. */
    private static final Set<String> IMPLICIT_USER = Set.of("GetUser", "CreateAccessKey", "ListAccessKeys",
            "UpdateAccessKey", "DeleteAccessKey");
    private static final String USER = "AWS::IAM::User";
    private static final String ROLE = "AWS::IAM::Role";
    private static final String POLICY = "AWS::IAM::Policy";
    private static final String GROUP = "AWS::IAM::Group";

    private final IamAdministration admin;

    public IamQueryService(IamAdministration admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public QueryApi api() {
        return QueryApi.IAM;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    /** Policy documents may be up to 131,072 characters, percent-encoded in the body. */
    @Override
    public int maxBodyBytes() {
        return 1024 * 1024;
    }

    @Override
    public QueryTarget target(String operation, QueryParameters p, String accountId, PrincipalContext caller)
            throws QueryException {
        requireOperation(operation);
        try {
            return targetOf(operation, p, accountId, caller);
        } catch (IamAdminException e) {
            throw wire(e);
        }
    }

    private QueryTarget targetOf(String op, QueryParameters p, String acct, PrincipalContext caller)
            throws QueryException, IamAdminException {
        Map<String, Object> audit = new LinkedHashMap<>();
        IamConfiguration config = admin.configuration();
        String action = "iam:" + op;
        boolean readOnly = READ_ONLY.contains(op);
        switch (op) {
            case "CreateUser": {
                String name = name(p, "UserName", "userName", 64);
                String path = path(p, ModelConstraints.PATH);
                put(audit, "path", p.get("Path"));
                audit.put("userName", name);
                put(audit, "permissionsBoundary", p.get("PermissionsBoundary"));
                putTags(audit, p);
                return new QueryTarget(action, arn(acct, "user", path, name), USER, false, audit);
            }
            case "ListUsers": {
                ModelConstraints.string("pathPrefix", p.get("PathPrefix"), 1, 512, ModelConstraints.PATH_PREFIX);
                put(audit, "pathPrefix", p.get("PathPrefix"));
                putPaging(audit, p);
                return new QueryTarget(action, "*", USER, true, audit);
            }
            case "CreateRole": {
                String name = name(p, "RoleName", "roleName", 64);
                String path = path(p, ModelConstraints.PATH);
                put(audit, "path", p.get("Path"));
                audit.put("roleName", name);
                put(audit, "assumeRolePolicyDocument", p.get("AssumeRolePolicyDocument"));
                put(audit, "description", p.get("Description"));
                put(audit, "maxSessionDuration", integerOrText(p.get("MaxSessionDuration")));
                put(audit, "permissionsBoundary", p.get("PermissionsBoundary"));
                putTags(audit, p);
                return new QueryTarget(action, arn(acct, "role", path, name), ROLE, false, audit);
            }
            case "GetRole", "AttachRolePolicy", "PutRolePolicy", "TagRole": {
                String name = name(p, "RoleName", "roleName", 64);
                audit.put("roleName", name);
                put(audit, "policyArn", p.get("PolicyArn"));
                put(audit, "policyName", p.get("PolicyName"));
                put(audit, "policyDocument", p.get("PolicyDocument"));
                if (op.equals("TagRole")) {
                    putTags(audit, p);
                }
                String arn = config.roleByName(acct, name).map(IamRole::arn).orElse(arn(acct, "role", "/", name));
                return new QueryTarget(action, arn, ROLE, readOnly, audit);
            }
            case "CreatePolicy": {
                String name = name(p, "PolicyName", "policyName", 128);
                String path = path(p, ModelConstraints.POLICY_PATH);
                audit.put("policyName", name);
                put(audit, "path", p.get("Path"));
                put(audit, "policyDocument", p.get("PolicyDocument"));
                put(audit, "description", p.get("Description"));
                putTags(audit, p);
                return new QueryTarget(action, IamAdministration.policyArn(acct, path, name), POLICY, false, audit);
            }
            case "GetPolicy": {
                String arn = ModelConstraints.required("policyArn", p.get("PolicyArn"));
                ModelConstraints.arn("policyArn", arn);
                audit.put("policyArn", arn);
                return new QueryTarget(action, arn, POLICY, true, audit);
            }
            case "CreateGroup": {
                String name = name(p, "GroupName", "groupName", 128);
                String path = path(p, ModelConstraints.PATH);
                put(audit, "path", p.get("Path"));
                audit.put("groupName", name);
                return new QueryTarget(action, arn(acct, "group", path, name), GROUP, false, audit);
            }
            case "AddUserToGroup": {
                String name = name(p, "GroupName", "groupName", 128);
                audit.put("groupName", name);
                audit.put("userName", name(p, "UserName", "userName", 128));
                String arn = config.groupByName(acct, name).map(IamGroup::arn).orElse(arn(acct, "group", "/", name));
                return new QueryTarget(action, arn, GROUP, false, audit);
            }
            default: {
                // every other operation acts on a user: named, or (where IAM allows it) the calling user
                int maxName = op.equals("AttachUserPolicy") || op.equals("ListAttachedUserPolicies") ? 64 : 128;
                String arn;
                if (p.get("UserName") == null && IMPLICIT_USER.contains(op)) {
                    callingUser(caller);
                    arn = caller.arn();
                } else {
                    String name = name(p, "UserName", "userName", maxName);
                    audit.put("userName", name);
                    arn = config.userByName(acct, name).map(IamUser::arn).orElse(arn(acct, "user", "/", name));
                }
                put(audit, "accessKeyId", p.get("AccessKeyId"));
                put(audit, "status", p.get("Status"));
                put(audit, "policyArn", p.get("PolicyArn"));
                put(audit, "policyName", p.get("PolicyName"));
                put(audit, "policyDocument", p.get("PolicyDocument"));
                put(audit, "pathPrefix", p.get("PathPrefix"));
                if (op.startsWith("List")) {
                    putPaging(audit, p);
                }
                if (op.equals("TagUser")) {
                    putTags(audit, p);
                }
                return new QueryTarget(action, arn, USER, readOnly, audit);
            }
        }
    }

    @Override
    public void invoke(String operation, QueryParameters p, PrincipalContext caller, XmlWriter out)
            throws QueryException {
        requireOperation(operation);
        String acct = caller.accountId();
        try {
            switch (operation) {
                case "CreateUser" -> {
                    IamUser user = admin.createUser(acct, new NewUser(p.get("UserName"), p.get("Path"),
                            p.get("PermissionsBoundary"), tags(p, false)));
                    out.start("User");
                    writeUser(out, user, true);
                    out.end();
                }
                case "GetUser" -> {
                    IamUser user = admin.getUser(acct, userName(p, caller));
                    out.start("User");
                    writeUser(out, user, true);
                    out.end();
                }
                case "ListUsers" -> {
                    Page<IamUser> page = admin.listUsers(acct, p.get("PathPrefix"), p.get("Marker"), maxItems(p));
                    out.start("Users");
                    for (IamUser user : page.items()) {
                        out.start("member");
                        writeUser(out, user, false);
                        out.end();
                    }
                    out.end();
                    writePaging(out, page);
                }
                case "DeleteUser" -> admin.deleteUser(acct, p.get("UserName"));
                case "CreateAccessKey" -> {
                    NewAccessKey key = admin.createAccessKey(acct, userName(p, caller));
                    out.start("AccessKey")
                            .element("UserName", key.userName())
                            .element("AccessKeyId", key.key().accessKeyId())
                            .element("Status", key.key().status().wireName())
                            .element("SecretAccessKey", key.key().secretAccessKey())
                            .element("CreateDate", key.key().createDate())
                            .end();
                }
                case "ListAccessKeys" -> {
                    Page<AccessKeyInfo> page = admin.listAccessKeys(acct, userName(p, caller), p.get("Marker"),
                            maxItems(p));
                    out.start("AccessKeyMetadata");
                    for (AccessKeyInfo key : page.items()) {
                        out.start("member")
                                .element("UserName", key.userName())
                                .element("AccessKeyId", key.accessKeyId())
                                .element("Status", key.status().wireName())
                                .element("CreateDate", key.createDate())
                                .end();
                    }
                    out.end();
                    writePaging(out, page);
                }
                case "UpdateAccessKey" -> admin.updateAccessKey(acct, userName(p, caller), p.get("AccessKeyId"),
                        p.get("Status"));
                case "DeleteAccessKey" -> admin.deleteAccessKey(acct, userName(p, caller), p.get("AccessKeyId"));
                case "CreateRole" -> {
                    IamRole role = admin.createRole(acct, new NewRole(p.get("RoleName"),
                            p.get("AssumeRolePolicyDocument"), p.get("Path"), p.get("Description"),
                            optionalInt(p, "MaxSessionDuration", "maxSessionDuration"), p.get("PermissionsBoundary"),
                            tags(p, false)));
                    out.start("Role");
                    writeRole(out, role);
                    out.end();
                }
                case "GetRole" -> {
                    IamRole role = admin.getRole(acct, p.get("RoleName"));
                    out.start("Role");
                    writeRole(out, role);
                    out.end();
                }
                case "CreatePolicy" -> {
                    PolicyDetails policy = admin.createPolicy(acct, new NewPolicy(p.get("PolicyName"),
                            p.get("PolicyDocument"), p.get("Path"), p.get("Description"), tags(p, false)));
                    writePolicy(out, policy);
                }
                case "GetPolicy" -> writePolicy(out, admin.getPolicy(acct, p.get("PolicyArn")));
                case "AttachUserPolicy" -> admin.attachUserPolicy(acct, p.get("UserName"), p.get("PolicyArn"));
                case "AttachRolePolicy" -> admin.attachRolePolicy(acct, p.get("RoleName"), p.get("PolicyArn"));
                case "PutUserPolicy" -> admin.putUserPolicy(acct, p.get("UserName"), p.get("PolicyName"),
                        p.get("PolicyDocument"));
                case "PutRolePolicy" -> admin.putRolePolicy(acct, p.get("RoleName"), p.get("PolicyName"),
                        p.get("PolicyDocument"));
                case "TagUser" -> admin.tagUser(acct, p.get("UserName"), tags(p, true));
                case "TagRole" -> admin.tagRole(acct, p.get("RoleName"), tags(p, true));
                case "ListAttachedUserPolicies" -> {
                    Page<AttachedPolicy> page = admin.listAttachedUserPolicies(acct, p.get("UserName"),
                            p.get("PathPrefix"), p.get("Marker"), maxItems(p));
                    out.start("AttachedPolicies");
                    for (AttachedPolicy a : page.items()) {
                        out.start("member").element("PolicyName", a.policyName())
                                .element("PolicyArn", a.policyArn()).end();
                    }
                    out.end();
                    writePaging(out, page);
                }
                case "CreateGroup" -> {
                    IamGroup group = admin.createGroup(acct, p.get("GroupName"), p.get("Path"));
                    out.start("Group")
                            .element("Path", group.path())
                            .element("GroupName", group.name())
                            .element("GroupId", group.groupId())
                            .element("Arn", group.arn())
                            .element("CreateDate", group.createDate())
                            .end();
                }
                case "AddUserToGroup" -> admin.addUserToGroup(acct, p.get("GroupName"), p.get("UserName"));
                default -> throw new IllegalStateException("unreachable: " + operation);
            }
        } catch (IamAdminException e) {
            throw wire(e);
        }
    }

    // ---- result shapes ----------------------------------------------------------------------------------------

    /** User: every member for Create/GetUser; ListUsers leaves out PermissionsBoundary and Tags, as IAM does. */
    private static void writeUser(XmlWriter out, IamUser user, boolean full) {
        out.element("Path", user.path())
                .element("UserName", user.name())
                .element("UserId", user.userId())
                .element("Arn", user.arn())
                .element("CreateDate", user.createDate());
        if (full) {
            user.permissionsBoundaryArn().ifPresent(b -> writeBoundary(out, b));
            writeTags(out, user.tags());
        }
    }

    private static void writeRole(XmlWriter out, IamRole role) {
        out.element("Path", role.path())
                .element("RoleName", role.name())
                .element("RoleId", role.roleId())
                .element("Arn", role.arn())
                .element("CreateDate", role.createDate())
                .element("AssumeRolePolicyDocument", urlEncode(role.trustPolicyJson()));
        if (!role.description().isEmpty()) {
            out.element("Description", role.description());
        }
        out.element("MaxSessionDuration", role.maxSessionDurationSeconds());
        role.permissionsBoundaryArn().ifPresent(b -> writeBoundary(out, b));
        writeTags(out, role.tags());
    }

    private static void writePolicy(XmlWriter out, PolicyDetails details) {
        ManagedPolicy policy = details.policy();
        out.start("Policy")
                .element("PolicyName", policy.name())
                .element("PolicyId", policy.policyId())
                .element("Arn", policy.arn())
                .element("Path", policy.path())
                .element("DefaultVersionId", "v1")
                .element("AttachmentCount", details.attachmentCount())
                .element("PermissionsBoundaryUsageCount", details.permissionsBoundaryUsageCount())
                .element("IsAttachable", true);
        if (!policy.description().isEmpty()) {
            out.element("Description", policy.description());
        }
        out.element("CreateDate", policy.createDate())
                .element("UpdateDate", policy.createDate());
        writeTags(out, policy.tags());
        out.end();
    }

    private static void writeBoundary(XmlWriter out, String arn) {
        out.start("PermissionsBoundary")
                .element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                .element("PermissionsBoundaryArn", arn)
                .end();
    }

    private static void writeTags(XmlWriter out, Map<String, String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        out.start("Tags");
        tags.forEach((k, v) -> out.start("member").element("Key", k).element("Value", v).end());
        out.end();
    }

    private static void writePaging(XmlWriter out, Page<?> page) {
        out.element("IsTruncated", page.isTruncated());
        page.marker().ifPresent(m -> out.element("Marker", m));
    }

    /** Policy documents in results are URL-encoded, as IAM returns them (spaces as %20). */
    static String urlEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- parameters -------------------------------------------------------------------------------------------

    private static void requireOperation(String operation) throws QueryException {
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw new QueryException("InvalidAction", 400, "The action " + (operation == null ? "(none)"
                    : ModelConstraints.printable(operation)) + " is not valid for this web service.");
        }
    }

    private static QueryException wire(IamAdminException e) {
        return new QueryException(e.error().wireCode(), e.error().httpStatus(), e.getMessage());
    }

    /** The named user, or the calling IAM user when UserName is omitted. */
    private static String userName(QueryParameters p, PrincipalContext caller) throws QueryException {
        String name = p.get("UserName");
        return name != null ? name : callingUser(caller);
    }

    private static String callingUser(PrincipalContext caller) throws QueryException {
        if (caller.type() == PrincipalType.USER && caller.userName().isPresent()) {
            return caller.userName().get();
        }
        throw QueryException.validation("Must specify userName when calling with non-User credentials");
    }

    private static String name(QueryParameters p, String parameter, String member, int max) throws IamAdminException {
        String value = ModelConstraints.required(member, p.get(parameter));
        ModelConstraints.string(member, value, 1, max, ModelConstraints.NAME);
        return value;
    }

    private static String path(QueryParameters p, java.util.regex.Pattern pattern) throws IamAdminException {
        String path = p.get("Path");
        ModelConstraints.string("path", path, 1, 512, pattern);
        return path == null ? "/" : path;
    }

    private static String arn(String acct, String type, String path, String name) {
        return "arn:aws:iam::" + acct + ":" + type + path + name;
    }

    private static Integer maxItems(QueryParameters p) throws QueryException {
        return optionalInt(p, "MaxItems", "maxItems");
    }

    private static Integer optionalInt(QueryParameters p, String name, String member) throws QueryException {
        return p.has(name) ? p.integer(name, member, 0) : null;
    }

    /** Tags.member.N.Key / .Value; {@code required}: the list itself must be present (TagUser, TagRole). */
    private static List<Tag> tags(QueryParameters p, boolean required) throws QueryException {
        List<QueryParameters> items = p.structures("Tags");
        if (required && items.isEmpty() && !p.has("Tags")) {
            throw QueryException.constraint("tags", null, "Member must not be null");
        }
        List<Tag> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            QueryParameters item = items.get(i);
            String key = item.get("Key");
            String value = item.get("Value");
            if (key == null) {
                throw QueryException.constraint("tags." + (i + 1) + ".member.key", null, "Member must not be null");
            }
            if (value == null) {
                throw QueryException.constraint("tags." + (i + 1) + ".member.value", null, "Member must not be null");
            }
            out.add(new Tag(key, value));
        }
        return out;
    }

    private static void put(Map<String, Object> audit, String key, Object value) {
        if (value != null) {
            audit.put(key, value);
        }
    }

    private static void putPaging(Map<String, Object> audit, QueryParameters p) {
        put(audit, "marker", p.get("Marker"));
        put(audit, "maxItems", integerOrText(p.get("MaxItems")));
    }

    private static void putTags(Map<String, Object> audit, QueryParameters p) throws QueryException {
        List<QueryParameters> items = p.structures("Tags");
        if (items.isEmpty()) {
            return;
        }
        List<Map<String, String>> tags = new ArrayList<>(items.size());
        for (QueryParameters item : items) {
            Map<String, String> tag = new LinkedHashMap<>();
            tag.put("key", item.get("Key"));
            tag.put("value", item.get("Value"));
            tags.add(tag);
        }
        audit.put("tags", tags);
    }

    private static Object integerOrText(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return value;
        }
    }
}
