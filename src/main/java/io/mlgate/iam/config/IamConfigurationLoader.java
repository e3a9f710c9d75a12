package io.mlgate.iam.config;

import io.mlgate.iam.policy.IdentityPolicy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.json.SourceReader;
import io.mlgate.iam.json.SourceValue;
import io.mlgate.iam.policy.PolicyDocument;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParser;

/**
 * Loads and validates the declarative IAM configuration in a policies/ directory (layout in policies/README.md).
 * Every file is validated and every reference checked; any problem makes the whole load fail with a
 * {@link ConfigurationException} listing all problems (file, line, column), so a caller never sees a half-loaded
 * configuration and keeps its previous snapshot.
 */
public final class IamConfigurationLoader {

    /** The accounts file at the top of the directory. */
    public static final String ACCOUNTS_FILE = "accounts.json";
    /** Optional: the organization, its guardrails (SCPs, RCPs) and which accounts they attach to. */
    public static final String ORGANIZATION_FILE = "organization.json";
    public static final String USERS_DIR = "users";
    public static final String GROUPS_DIR = "groups";
    public static final String ROLES_DIR = "roles";
    public static final String MANAGED_POLICIES_DIR = "managed-policies";
    /** Top-level entries owned by other components; the IAM loader does not read them. */
    public static final Set<String> RESERVED_ENTRIES = Set.of("oidc-providers", "tests", "opa");

    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final Pattern ALIAS = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]");
    private static final Pattern ENTITY_NAME = Pattern.compile("[A-Za-z0-9+=,.@_-]+");
    private static final Pattern PATH = Pattern.compile("/|/[\\x21-\\x7E]+/");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}");
    private static final int DEFAULT_MAX_SESSION = 3600;

    private static final List<String> ACCOUNTS_ELEMENTS = List.of("Accounts");
    private static final List<String> ACCOUNT_ELEMENTS = List.of("AccountId", "Alias", "Name");
    private static final List<String> USER_ELEMENTS = List.of("Account", "UserName", "Path", "CreateDate", "Tags",
            "Groups", "AttachedPolicies", "InlinePolicies", "PermissionsBoundary");
    private static final List<String> GROUP_ELEMENTS = List.of("Account", "GroupName", "Path", "CreateDate",
            "AttachedPolicies", "InlinePolicies");
    private static final List<String> ROLE_ELEMENTS = List.of("Account", "RoleName", "Path", "CreateDate",
            "Description", "AssumeRolePolicyDocument", "MaxSessionDuration", "Tags", "AttachedPolicies",
            "InlinePolicies", "PermissionsBoundary");
    private static final List<String> POLICY_ELEMENTS = List.of("Account", "PolicyName", "Path", "CreateDate",
            "Description", "Tags", "PolicyDocument");

    private final Path root;
    private final Diagnostics d = new Diagnostics();
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final List<ManagedPolicy> policies = new ArrayList<>();
    private final List<IamGroup> groups = new ArrayList<>();
    private final List<IamUser> users = new ArrayList<>();
    private final List<IamRole> roles = new ArrayList<>();
    /** Where each ARN and each case-insensitive entity name was first defined, to report duplicates. */
    private final Map<String, SourcePosition> defined = new HashMap<>();
    /** References to check once everything is read. */
    private final List<Reference> references = new ArrayList<>();

    private record Reference(String kind, String key, SourcePosition at, String description) {
    }

    private IamConfigurationLoader(Path root) {
        this.root = root;
    }

    /**
     * Loads the configuration under {@code policiesDir}.
     *
     * @throws ConfigurationException listing every problem found; nothing is returned half-loaded
     */
    public static IamConfiguration load(Path policiesDir) throws ConfigurationException {
        return new IamConfigurationLoader(policiesDir).run();
    }

    private IamConfiguration run() throws ConfigurationException {
        if (!Files.isDirectory(root)) {
            d.error(SourcePosition.wholeSource(root.toString()), "policies directory does not exist or is not a directory");
            d.throwIfAny();
        }
        checkTopLevel();
        Path accountsFile = root.resolve(ACCOUNTS_FILE);
        if (Files.isRegularFile(accountsFile)) {
            readFile(accountsFile).ifPresent(this::accounts);
        } else {
            d.error(SourcePosition.wholeSource(ACCOUNTS_FILE), "missing " + ACCOUNTS_FILE + " (at least one account must be defined)");
        }
        for (Path f : jsonFiles(MANAGED_POLICIES_DIR)) {
            readFile(f).ifPresent(v -> managedPolicy(v, lastModified(f)));
        }
        for (Path f : jsonFiles(GROUPS_DIR)) {
            readFile(f).ifPresent(v -> group(v, lastModified(f)));
        }
        for (Path f : jsonFiles(USERS_DIR)) {
            readFile(f).ifPresent(v -> user(v, lastModified(f)));
        }
        for (Path f : jsonFiles(ROLES_DIR)) {
            readFile(f).ifPresent(v -> role(v, lastModified(f)));
        }
        Path organizationFile = root.resolve(ORGANIZATION_FILE);
        if (Files.isRegularFile(organizationFile)) {
            readFile(organizationFile).ifPresent(this::organization);
        }
        checkReferences();
        d.throwIfAny();
        return new IamConfiguration(List.copyOf(accounts.values()), policies, groups, users, roles, organization);
    }

    // ---- files ------------------------------------------------------------------------------------------------

    private void checkTopLevel() {
        Set<String> known = Set.of(ACCOUNTS_FILE, ORGANIZATION_FILE, USERS_DIR, GROUPS_DIR, ROLES_DIR,
                MANAGED_POLICIES_DIR);
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || name.endsWith(".md") || RESERVED_ENTRIES.contains(name)) {
                    continue;
                }
                if (!known.contains(name)) {
                    d.error(SourcePosition.wholeSource(name), "unknown entry in the policies directory (expected "
                            + ACCOUNTS_FILE + ", " + USERS_DIR + "/, " + GROUPS_DIR + "/, " + ROLES_DIR + "/, "
                            + MANAGED_POLICIES_DIR + "/)");
                } else if (name.endsWith(".json") != Files.isRegularFile(p)) {
                    d.error(SourcePosition.wholeSource(name), name.endsWith(".json") ? "must be a file" : "must be a directory");
                }
            }
        } catch (IOException e) {
            d.error(SourcePosition.wholeSource(root.toString()), "cannot list directory: " + e.getClass().getSimpleName());
        }
    }

    private List<Path> jsonFiles(String dirName) {
        Path dir = root.resolve(dirName);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || name.endsWith(".md")) {
                    continue;
                }
                if (!name.endsWith(".json") || !Files.isRegularFile(p)) {
                    d.error(SourcePosition.wholeSource(sourceName(p)), "unexpected entry: " + dirName
                            + "/ may only contain .json files (one entity per file)");
                    continue;
                }
                out.add(p);
            }
        } catch (IOException e) {
            d.error(SourcePosition.wholeSource(dirName), "cannot list directory: " + e.getClass().getSimpleName());
        }
        return out;
    }

    /** The file's modification time (whole seconds): the creation date reported for entities without CreateDate. */
    private static Instant lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private String sourceName(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private Optional<SourceValue.Obj> readFile(Path file) {
        String src = sourceName(file);
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                d.error(SourcePosition.wholeSource(src), "file is larger than " + MAX_FILE_BYTES + " bytes");
                return Optional.empty();
            }
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
            SourceValue v = SourceReader.read(text, src, d);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof SourceValue.Obj o) {
                return Optional.of(o);
            }
            d.error(v, "the file must contain a JSON object, not " + v.kind());
        } catch (CharacterCodingException e) {
            d.error(SourcePosition.wholeSource(src), "file is not valid UTF-8");
        } catch (IOException e) {
            d.error(SourcePosition.wholeSource(src), "cannot read file: " + e.getClass().getSimpleName());
        }
        return Optional.empty();
    }

    // ---- entities ---------------------------------------------------------------------------------------------

    private static final List<String> ORGANIZATION_ELEMENTS = List.of("Id", "ManagementAccountId",
            "ServiceControlPolicies", "ResourceControlPolicies");
    private static final List<String> GUARDRAIL_ELEMENTS = List.of("Name", "Targets", "PolicyDocument");
    private static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private Organization organization;

    /**
     * organization.json: {@code Id}, {@code ManagementAccountId} (an account of accounts.json), and
     * {@code ServiceControlPolicies} / {@code ResourceControlPolicies}: arrays of {Name, Targets (account ids or
     * "*" for every member account), PolicyDocument}. Every account of accounts.json is a member.
     */
    private void organization(SourceValue.Obj obj) {
        Fields f = new Fields(obj, ORGANIZATION_FILE, ORGANIZATION_ELEMENTS, d);
        String id = f.requiredString("Id");
        if (id != null && !ORGANIZATION_ID.matcher(id).matches()) {
            d.error(f.positionOf("Id"), "Id '" + id + "' must be o- followed by 10 to 32 of a-z and 0-9");
            id = null;
        }
        String management = f.requiredString("ManagementAccountId");
        if (management != null && !accounts.containsKey(management)) {
            d.error(f.positionOf("ManagementAccountId"), "ManagementAccountId " + management
                    + " is not an account of " + ACCOUNTS_FILE);
            management = null;
        }
        Map<String, List<IdentityPolicy>> scps = guardrails(f, "ServiceControlPolicies", PolicyKind.IDENTITY, id);
        Map<String, List<IdentityPolicy>> rcps = guardrails(f, "ResourceControlPolicies", PolicyKind.RESOURCE, id);
        if (id != null && management != null && scps != null && rcps != null) {
            organization = new Organization(id, management, accounts.keySet(), scps, rcps);
        }
    }

    private Map<String, List<IdentityPolicy>> guardrails(Fields f, String element, PolicyKind kind, String orgId) {
        SourceValue v = f.value(element);
        Map<String, List<IdentityPolicy>> byAccount = new LinkedHashMap<>();
        if (v == null) {
            return byAccount;
        }
        if (!(v instanceof SourceValue.Arr arr)) {
            d.error(v, element + " must be an array of {Name, Targets, PolicyDocument} objects");
            return null;
        }
        boolean ok = true;
        Set<String> names = new HashSet<>();
        for (SourceValue e : arr.elements()) {
            if (!(e instanceof SourceValue.Obj po)) {
                d.error(e, "each " + element + " entry must be an object, not " + e.kind());
                ok = false;
                continue;
            }
            Fields pf = new Fields(po, element + " entry", GUARDRAIL_ELEMENTS, d);
            String name = pf.requiredString("Name");
            if (name != null && !ENTITY_NAME.matcher(name).matches()) {
                d.error(pf.positionOf("Name"), "Name '" + name + "' may only use letters, digits and +=,.@_-");
                name = null;
            }
            if (name != null && !names.add(name.toLowerCase(Locale.ROOT))) {
                d.error(pf.positionOf("Name"), element + " " + name + " is defined twice");
                name = null;
            }
            PolicyDocument doc = policyDocument(pf, "PolicyDocument", kind, true);
            List<SourceValue.Str> targets = pf.stringList("Targets");
            if (targets.isEmpty()) {
                d.error(pf.position(), "missing or empty element 'Targets' (account ids, or \"*\" for all accounts)");
                ok = false;
            }
            List<String> accountIds = new ArrayList<>();
            for (SourceValue.Str t : targets) {
                if (t.value().equals("*")) {
                    accountIds.addAll(accounts.keySet());
                } else if (accounts.containsKey(t.value())) {
                    accountIds.add(t.value());
                } else {
                    d.error(t, "target " + t.value() + " is not an account of " + ACCOUNTS_FILE + " (or \"*\")");
                    ok = false;
                }
            }
            if (name == null || doc == null) {
                ok = false;
                continue;
            }
            String arn = "arn:aws:organizations::" + (f.optionalString("ManagementAccountId", "000000000000"))
                    + ":policy/" + (orgId == null ? "o-unknown" : orgId) + "/"
                    + (kind == PolicyKind.IDENTITY ? "service_control_policy" : "resource_control_policy") + "/" + name;
            IdentityPolicy policy = IdentityPolicy.managed(name, arn, arn, doc);
            for (String account : accountIds) {
                List<IdentityPolicy> list = byAccount.computeIfAbsent(account, k -> new ArrayList<>());
                if (!list.contains(policy)) {
                    list.add(policy);
                }
            }
        }
        return ok ? byAccount : null;
    }

    private void accounts(SourceValue.Obj obj) {
        Fields f = new Fields(obj, ACCOUNTS_FILE, ACCOUNTS_ELEMENTS, d);
        SourceValue list = f.value("Accounts");
        if (list == null) {
            d.error(obj, "missing required element 'Accounts'");
            return;
        }
        if (!(list instanceof SourceValue.Arr arr) || arr.elements().isEmpty()) {
            d.error(list, "Accounts must be a non-empty array of account objects");
            return;
        }
        Map<String, SourcePosition> aliases = new HashMap<>();
        for (SourceValue e : arr.elements()) {
            if (!(e instanceof SourceValue.Obj ao)) {
                d.error(e, "each Accounts entry must be an object, not " + e.kind());
                continue;
            }
            Fields af = new Fields(ao, "account", ACCOUNT_ELEMENTS, d);
            String id = af.requiredString("AccountId");
            String alias = af.optionalString("Alias", null);
            String name = af.optionalString("Name", null);
            if (id != null && !ACCOUNT_ID.matcher(id).matches()) {
                d.error(af.positionOf("AccountId"), "AccountId '" + id + "' must be exactly 12 digits");
                id = null;
            }
            if (alias != null && !ALIAS.matcher(alias).matches()) {
                d.error(af.positionOf("Alias"), "Alias '" + alias + "' must be 3-63 characters of a-z, 0-9 and single hyphens, starting and ending with a letter or digit");
            }
            if (alias != null) {
                SourcePosition prev = aliases.putIfAbsent(alias, af.positionOf("Alias"));
                if (prev != null) {
                    d.error(af.positionOf("Alias"), "Alias '" + alias + "' is already used at " + prev);
                }
            }
            if (id != null) {
                if (accounts.containsKey(id)) {
                    d.error(af.positionOf("AccountId"), "account " + id + " is defined twice");
                } else {
                    accounts.put(id, new Account(id, alias, name));
                }
            }
        }
    }

    /** Common header of an entity file: account, name and path. Returns null if any is invalid. */
    private record Header(String accountId, String name, String path) {
    }

    private Header header(Fields f, String nameElement, int maxNameLength) {
        String account = f.requiredString("Account");
        String name = f.requiredString(nameElement);
        String path = f.optionalString("Path", "/");
        boolean ok = account != null && name != null && path != null;
        if (account != null && !ACCOUNT_ID.matcher(account).matches()) {
            d.error(f.positionOf("Account"), "Account '" + account + "' must be a 12-digit account id");
            ok = false;
        } else if (account != null && !accounts.containsKey(account)) {
            d.error(f.positionOf("Account"), "unknown account " + account + " (not defined in " + ACCOUNTS_FILE + ")");
            ok = false;
        }
        if (name != null && (name.length() > maxNameLength || !ENTITY_NAME.matcher(name).matches())) {
            d.error(f.positionOf(nameElement), nameElement + " '" + name + "' must be 1-" + maxNameLength
                    + " characters of letters, digits and +=,.@_-");
            ok = false;
        }
        if (path != null && (path.length() > 512 || !PATH.matcher(path).matches())) {
            d.error(f.positionOf("Path"), "Path '" + path + "' must be '/' or start and end with '/' (printable ASCII, at most 512 characters)");
            ok = false;
        }
        return ok ? new Header(account, name, path) : null;
    }

    private static String iamArn(String account, String type, String path, String name) {
        return "arn:aws:iam::" + account + ":" + type + path + name;
    }

    /** Records a definition; reports a duplicate ARN or a name used twice in the account (names ignore case). */
    private boolean define(String kind, Header h, String arn, Fields f, String nameElement) {
        String nameKey = kind + ":" + h.accountId() + ":" + h.name().toLowerCase(Locale.ROOT);
        SourcePosition at = f.positionOf(nameElement);
        SourcePosition prev = defined.putIfAbsent(nameKey, at);
        if (prev != null) {
            d.error(at, kind + " name '" + h.name() + "' is already used in account " + h.accountId() + " at " + prev
                    + " (names are unique ignoring case)");
            return false;
        }
        defined.put(arn, at);
        return true;
    }

    private void managedPolicy(SourceValue.Obj obj, Instant modified) {
        Fields f = new Fields(obj, "managed policy", POLICY_ELEMENTS, d);
        Header h = header(f, "PolicyName", 128);
        Instant created = createDate(f, modified);
        Map<String, String> tags = tags(f);
        String description = f.optionalString("Description", "");
        PolicyDocument doc = policyDocument(f, "PolicyDocument", PolicyKind.IDENTITY, true);
        String arn = h == null ? null : iamArn(h.accountId(), "policy", h.path(), h.name());
        boolean unique = h != null && define("policy", h, arn, f, "PolicyName");
        if (unique && doc != null && created != null && tags != null) {
            policies.add(new ManagedPolicy(h.accountId(), h.name(), h.path(), arn,
                    UniqueIds.derive(UniqueIds.POLICY_PREFIX, arn), description, doc, created, tags, obj.position()));
        }
    }

    private void group(SourceValue.Obj obj, Instant modified) {
        Fields f = new Fields(obj, "group", GROUP_ELEMENTS, d);
        Header h = header(f, "GroupName", 128);
        Instant created = createDate(f, modified);
        List<String> attached = attachedPolicies(f, h);
        Map<String, PolicyDocument> inline = inlinePolicies(f);
        String arn = h == null ? null : iamArn(h.accountId(), "group", h.path(), h.name());
        boolean unique = h != null && define("group", h, arn, f, "GroupName");
        if (unique && inline != null && created != null) {
            groups.add(new IamGroup(h.accountId(), h.name(), h.path(), arn, UniqueIds.derive(UniqueIds.GROUP_PREFIX, arn),
                    attached, inline, created, obj.position()));
        }
    }

    private void user(SourceValue.Obj obj, Instant modified) {
        Fields f = new Fields(obj, "user", USER_ELEMENTS, d);
        Header h = header(f, "UserName", 64);
        Instant created = createDate(f, modified);
        Map<String, String> tags = tags(f);
        List<String> groupNames = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (SourceValue.Str g : f.stringList("Groups")) {
            if (!seen.add(g.value().toLowerCase(Locale.ROOT))) {
                d.error(g, "group '" + g.value() + "' is listed twice");
                continue;
            }
            groupNames.add(g.value());
            if (h != null) {
                references.add(new Reference("group", "group:" + h.accountId() + ":" + g.value().toLowerCase(Locale.ROOT),
                        g.position(), "group '" + g.value() + "' in account " + h.accountId()));
            }
        }
        List<String> attached = attachedPolicies(f, h);
        Map<String, PolicyDocument> inline = inlinePolicies(f);
        Optional<String> boundary = boundary(f);
        String arn = h == null ? null : iamArn(h.accountId(), "user", h.path(), h.name());
        boolean unique = h != null && define("user", h, arn, f, "UserName");
        if (unique && inline != null && tags != null && created != null) {
            users.add(new IamUser(h.accountId(), h.name(), h.path(), arn, UniqueIds.derive(UniqueIds.USER_PREFIX, arn),
                    tags, groupNames, attached, inline, boundary, created, obj.position()));
        }
    }

    private void role(SourceValue.Obj obj, Instant modified) {
        Fields f = new Fields(obj, "role", ROLE_ELEMENTS, d);
        Header h = header(f, "RoleName", 64);
        Instant created = createDate(f, modified);
        String description = f.optionalString("Description", "");
        PolicyDocument trust = policyDocument(f, "AssumeRolePolicyDocument", PolicyKind.TRUST, true);
        Integer maxSession = f.optionalInt("MaxSessionDuration", DEFAULT_MAX_SESSION);
        if (maxSession != null && (maxSession < 3600 || maxSession > 43200)) {
            d.error(f.positionOf("MaxSessionDuration"), "MaxSessionDuration must be between 3600 and 43200 seconds, not " + maxSession);
        }
        Map<String, String> tags = tags(f);
        List<String> attached = attachedPolicies(f, h);
        Map<String, PolicyDocument> inline = inlinePolicies(f);
        Optional<String> boundary = boundary(f);
        String arn = h == null ? null : iamArn(h.accountId(), "role", h.path(), h.name());
        boolean unique = h != null && define("role", h, arn, f, "RoleName");
        boolean sessionOk = maxSession != null && maxSession >= 3600 && maxSession <= 43200;
        if (unique && trust != null && sessionOk && tags != null && inline != null && created != null) {
            roles.add(new IamRole(h.accountId(), h.name(), h.path(), arn, UniqueIds.derive(UniqueIds.ROLE_PREFIX, arn),
                    description, trust, JsonText.compact(f.value("AssumeRolePolicyDocument")), maxSession, tags,
                    attached, inline, boundary, created, obj.position()));
        }
    }

    // ---- parts ------------------------------------------------------------------------------------------------

    private PolicyDocument policyDocument(Fields f, String element, PolicyKind kind, boolean required) {
        SourceValue v = f.value(element);
        if (v == null) {
            if (required) {
                d.error(f.position(), "missing required element '" + element + "'");
            }
            return null;
        }
        return PolicyParser.parse(v, kind, d);
    }

    private List<String> attachedPolicies(Fields f, Header h) {
        List<String> out = new ArrayList<>();
        for (SourceValue.Str s : f.stringList("AttachedPolicies")) {
            if (out.contains(s.value())) {
                d.error(s, "managed policy " + s.value() + " is attached twice");
                continue;
            }
            out.add(s.value());
            references.add(new Reference("policy", s.value(), s.position(), "managed policy " + s.value()));
        }
        return out;
    }

    /** The optional CreateDate (ISO-8601, e.g. 2026-01-31T12:00:00Z); absent gives {@code fallback}; invalid gives null. */
    private Instant createDate(Fields f, Instant fallback) {
        SourceValue v = f.value("CreateDate");
        if (v == null) {
            return fallback;
        }
        if (v instanceof SourceValue.Str s) {
            try {
                return Instant.parse(s.value());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        d.error(v, "CreateDate must be an ISO-8601 timestamp string such as 2026-01-31T12:00:00Z");
        return null;
    }

    private Optional<String> boundary(Fields f) {
        SourceValue v = f.value("PermissionsBoundary");
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof SourceValue.Str s)) {
            d.error(v, "PermissionsBoundary must be a managed policy ARN string, not " + v.kind());
            return Optional.empty();
        }
        references.add(new Reference("policy", s.value(), s.position(), "permissions boundary " + s.value()));
        return Optional.of(s.value());
    }

    private Map<String, PolicyDocument> inlinePolicies(Fields f) {
        Map<String, PolicyDocument> out = new LinkedHashMap<>();
        boolean ok = true;
        Set<String> lowerNames = new java.util.HashSet<>();
        for (SourceValue.Member m : f.objectMembers("InlinePolicies").values()) {
            if (m.name().length() > 128 || !ENTITY_NAME.matcher(m.name()).matches()) {
                d.error(m.namePosition(), "inline policy name '" + m.name() + "' must be 1-128 characters of letters, digits and +=,.@_-");
                ok = false;
            } else if (!lowerNames.add(m.name().toLowerCase(Locale.ROOT))) {
                d.error(m.namePosition(), "inline policy name '" + m.name() + "' is used twice (names ignore case)");
                ok = false;
            }
            PolicyDocument doc = PolicyParser.parse(m.value(), PolicyKind.IDENTITY, d);
            if (doc == null) {
                ok = false;
            } else {
                out.put(m.name(), doc);
            }
        }
        return ok ? out : null;
    }

    private Map<String, String> tags(Fields f) {
        SourceValue v = f.value("Tags");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof SourceValue.Obj o)) {
            d.error(v, "Tags must be an object of tag key -> value, not " + v.kind());
            return null;
        }
        boolean ok = true;
        if (o.members().size() > 50) {
            d.error(o, "at most 50 tags are allowed");
            ok = false;
        }
        Map<String, String> lowerKeys = new HashMap<>();
        for (SourceValue.Member m : o.members().values()) {
            String key = m.name();
            if (!TAG_KEY.matcher(key).matches()) {
                d.error(m.namePosition(), "tag key '" + key + "' must be 1-128 letters, digits, spaces or _.:/=+-@");
                ok = false;
            } else if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                d.error(m.namePosition(), "tag key '" + key + "' uses the reserved prefix aws:");
                ok = false;
            }
            String prev = lowerKeys.putIfAbsent(key.toLowerCase(Locale.ROOT), key);
            if (prev != null) {
                d.error(m.namePosition(), "tag key '" + key + "' duplicates '" + prev + "' (tag keys ignore case)");
                ok = false;
            }
            if (!(m.value() instanceof SourceValue.Str s)) {
                d.error(m.value(), "tag value of '" + key + "' must be a string, not " + m.value().kind());
                ok = false;
                continue;
            }
            if (!TAG_VALUE.matcher(s.value()).matches()) {
                d.error(s, "tag value of '" + key + "' must be at most 256 letters, digits, spaces or _.:/=+-@");
                ok = false;
            }
            out.put(key, s.value());
        }
        return ok ? out : null;
    }

    private void checkReferences() {
        for (Reference r : references) {
            boolean found = r.kind().equals("policy")
                    ? r.key().startsWith("arn:aws:iam::") && r.key().contains(":policy/") && defined.containsKey(r.key())
                    : defined.containsKey(r.key());
            if (!found) {
                String hint = r.kind().equals("policy")
                        ? " (expected the ARN of a policy in " + MANAGED_POLICIES_DIR + "/, arn:aws:iam::<account>:policy/<path><name>)"
                        : " (no such file in " + GROUPS_DIR + "/)";
                d.error(r.at(), "unknown " + r.description() + hint);
            }
        }
    }
}
