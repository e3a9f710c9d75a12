package io.mlgate.iam.sim;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamGroup;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.config.ManagedPolicy;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.json.ConfigurationProblem;
import io.mlgate.iam.policy.ConditionValueForms;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.IpRange;
import io.mlgate.iam.policy.PolicyDocument;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParseException;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.iam.policy.Statement;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;

/**
 * Reads the parameters of SimulateCustomPolicy and SimulatePrincipalPolicy into a {@link SimulationRequest}: first
 * the constraints of the IAM service model ({@code ValidationError}), then AWS's documented rules
 * ({@code InvalidInput}, {@code NoSuchEntity}). Error messages never repeat policy texts or context values.
 */
final class SimulationRequestReader {

    static final String CUSTOM = "SimulateCustomPolicy";
    static final String PRINCIPAL = "SimulatePrincipalPolicy";

    static final int DEFAULT_MAX_ITEMS = 100;
    static final int MAX_POLICY_LENGTH = 131072;
    private static final Pattern POLICY_TEXT = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
    private static final Pattern MARKER_TEXT = Pattern.compile("[\\u0020-\\u00FF]+");
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
    /** AttachmentName as documented: IAM name characters plus the wildcards {@code *} and {@code ?}. */
    private static final Pattern NAME_WITH_WILDCARDS = Pattern.compile("[\\w+=,.@*?-]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final String SIMULATED_ACCOUNT = "000000000000";
    private static final String ROLE_SESSION = "iam-policy-simulation";

    static final List<String> CONTEXT_KEY_TYPES = List.of("string", "stringList", "numeric", "numericList", "boolean",
            "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList");
    static final List<String> EXCLUSION_POLICY_TYPES = List.of("inline", "aws-managed", "user-managed",
            "permission-boundary", "scp", "rcp");
    private static final List<String> ATTACHMENT_TYPES = List.of("user", "group", "role");
    /** The EC2 scenarios of ResourceHandlingOption and the resource types each needs in ResourceArns. */
    static final Map<String, List<String>> RESOURCE_HANDLING = Map.of(
            "EC2-VPC-InstanceStore", List.of("instance", "image", "security-group", "network-interface"),
            "EC2-VPC-InstanceStore-Subnet", List.of("instance", "image", "security-group", "network-interface", "subnet"),
            "EC2-VPC-EBS", List.of("instance", "image", "security-group", "network-interface", "volume"),
            "EC2-VPC-EBS-Subnet", List.of("instance", "image", "security-group", "network-interface", "subnet", "volume"));

    /** An IAM user, group or role ARN, split. */
    record EntityArn(String arn, String partition, String account, String kind, String name) {
    }

    private SimulationRequestReader() {
    }

    // ---- the two operations ---------------------------------------------------------------------------------

    static SimulationRequest readCustom(QueryParameters p) throws QueryException {
        checkCommonModel(p);
        List<String> policyTexts = policyList(p, "PolicyInputList", "policyInputList", true);
        List<List<String>> levels = organizationLevels(p);
        Common c = readCommon(p);

        Map<IdentityPolicy, SimulatedPolicy> sources = new IdentityHashMap<>();
        String callerArn = p.get("CallerArn");
        EntityArn caller = callerArn == null ? null : callerEntity(callerArn);
        String owner = caller != null ? caller.arn() : "SimulateCustomPolicy";
        List<IdentityPolicy> identity = parseInputs(policyTexts, "PolicyInputList", owner, sources);
        IdentityPolicy boundary = inputBoundary(c.boundaryTexts, owner, sources);
        List<List<IdentityPolicy>> scpLevels = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            scpLevels.add(parseInputs(levels.get(l), "OrderedOrganizationPolicyInputList." + (l + 1)
                    + ".ServiceControlPolicyInputList", "organization", new IdentityHashMap<>()));
        }
        IdentityPolicy resourcePolicy = resourcePolicy(c, sources);

        Identity who;
        if (caller != null) {
            who = identityOf(caller, null);
        } else {
            String account = c.resourceOwner != null ? c.resourceOwner : SIMULATED_ACCOUNT;
            who = new Identity("arn:aws:iam::" + account + ":user/SimulatedCaller", account, PrincipalType.USER,
                    null, null, null, Map.of());
        }
        if (resourcePolicy != null) {
            if (caller == null) {
                throw invalid("CallerArn is required when ResourcePolicy is given, so that the policy's Principal "
                        + "element has a caller to match.");
            }
            requireUserCaller(caller);
        }
        checkResourcePolicyApplies(resourcePolicy, c.resources, c.specific);
        return build(p, c, who, identity, boundary, scpLevels, resourcePolicy, caller != null, sources);
    }

    static SimulationRequest readPrincipal(QueryParameters p, IamConfiguration config, String callerAccount)
            throws QueryException {
        checkCommonModel(p);
        String sourceArn = p.required("PolicySourceArn", "policySourceArn");
        checkLength("policySourceArn", sourceArn, 20, 2048, true);
        List<String> policyTexts = policyList(p, "PolicyInputList", "policyInputList", false);
        List<PolicyExclusion> exclusions = PolicyExclusion.read(p);
        Common c = readCommon(p);

        EntityArn source = sourceEntity(sourceArn);
        if (callerAccount != null && !callerAccount.equals(source.account())) {
            throw noSuchEntity(source);
        }
        Map<IdentityPolicy, SimulatedPolicy> sources = new IdentityHashMap<>();
        List<IdentityPolicy> configured;
        Optional<String> boundaryArn;
        Identity sourceIdentity;
        switch (source.kind()) {
            case "user" -> {
                IamUser u = config.user(source.arn()).orElseThrow(() -> noSuchEntity(source));
                configured = config.identityPoliciesOf(u);
                boundaryArn = u.permissionsBoundaryArn();
                sourceIdentity = identityOf(source, config);
            }
            case "role" -> {
                IamRole r = config.role(source.arn()).orElseThrow(() -> noSuchEntity(source));
                configured = config.identityPoliciesOf(r);
                boundaryArn = r.permissionsBoundaryArn();
                sourceIdentity = identityOf(source, config);
            }
            default -> {
                IamGroup g = config.group(source.arn()).orElseThrow(() -> noSuchEntity(source));
                configured = groupPolicies(g, config);
                boundaryArn = Optional.empty();
                sourceIdentity = identityOf(source, config);
            }
        }
        List<IdentityPolicy> identity = new ArrayList<>();
        for (IdentityPolicy ip : configured) {
            if (PolicyExclusion.excludes(exclusions, ip)) {
                continue;
            }
            identity.add(ip);
            sources.put(ip, SimulatedPolicy.fromConfiguration(ip));
        }
        String callerArn = p.get("CallerArn");
        EntityArn caller = callerArn == null ? null : callerEntity(callerArn);
        Identity who = caller == null ? sourceIdentity : identityOf(caller, config);
        identity.addAll(parseInputs(policyTexts, "PolicyInputList", who.arn(), sources));

        IdentityPolicy boundary = inputBoundary(c.boundaryTexts, who.arn(), sources);
        if (boundary == null && boundaryArn.isPresent() && !PolicyExclusion.excludesBoundary(exclusions)) {
            ManagedPolicy mp = config.managedPolicy(boundaryArn.get()).orElse(null);
            if (mp != null) {
                boundary = IdentityPolicy.managed(mp.name(), mp.arn(), source.arn(), mp.document());
                sources.put(boundary, SimulatedPolicy.fromConfiguration(boundary));
            }
        }
        IdentityPolicy resourcePolicy = resourcePolicy(c, sources);
        if (resourcePolicy != null) {
            if (caller == null && !source.kind().equals("user")) {
                throw invalid("CallerArn is required when ResourcePolicy is given and PolicySourceArn is not an IAM "
                        + "user, so that the policy's Principal element has a caller to match.");
            }
            requireUserCaller(caller != null ? caller : source);
        }
        checkResourcePolicyApplies(resourcePolicy, c.resources, c.specific);
        return build(p, c, who, identity, boundary, List.of(), resourcePolicy, true, sources);
    }

    // ---- shared members -------------------------------------------------------------------------------------

    /** The members both operations have, read and checked. */
    private static final class Common {
        List<String> actions;
        List<String> resources;
        boolean specific;
        List<String> boundaryTexts;
        String resourcePolicyText;
        String resourceOwner;
        List<ContextEntry> context;
        int maxItems;
        int offset;
        String fingerprint;
    }

    /** One ContextEntries member, validated against its type. */
    record ContextEntry(String name, String type, List<String> values) {
    }

    /** Model constraints of the members both operations share (lengths, ranges, enums, list sizes). */
    private static void checkCommonModel(QueryParameters p) throws QueryException {
        if (!p.has("ActionNames") && p.list("ActionNames").isEmpty()) {
            throw QueryException.constraint("actionNames", null, "Member must not be null");
        }
        List<String> actions = p.list("ActionNames");
        for (int i = 0; i < actions.size(); i++) {
            checkLength("actionNames." + (i + 1) + ".member", actions.get(i), 3, 128, true);
        }
        List<String> resources = p.list("ResourceArns");
        for (int i = 0; i < resources.size(); i++) {
            checkLength("resourceArns." + (i + 1) + ".member", resources.get(i), 1, 2048, true);
        }
        String rp = p.get("ResourcePolicy");
        if (rp != null) {
            checkPolicyText("resourcePolicy", rp);
        }
        checkOptionalLength(p, "ResourceOwner", "resourceOwner", 1, 2048);
        checkOptionalLength(p, "CallerArn", "callerArn", 1, 2048);
        checkOptionalLength(p, "ResourceHandlingOption", "resourceHandlingOption", 1, 64);
        int max = p.integer("MaxItems", "maxItems", DEFAULT_MAX_ITEMS);
        if (max < 1) {
            throw QueryException.constraint("maxItems", max, "Member must have value greater than or equal to 1");
        }
        if (max > 1000) {
            throw QueryException.constraint("maxItems", max, "Member must have value less than or equal to 1000");
        }
        String marker = p.get("Marker");
        if (marker != null) {
            checkLength("marker", marker, 1, 320, true);
            if (!MARKER_TEXT.matcher(marker).matches()) {
                throw QueryException.constraint("marker", marker,
                        "Member must satisfy regular expression pattern: [\\u0020-\\u00FF]+");
            }
        }
        List<QueryParameters> entries = p.structures("ContextEntries");
        for (int i = 0; i < entries.size(); i++) {
            QueryParameters e = entries.get(i);
            String member = "contextEntries." + (i + 1) + ".member.";
            String name = e.get("ContextKeyName");
            if (name != null) {
                checkLength(member + "contextKeyName", name, 5, 256, true);
            }
            String type = e.get("ContextKeyType");
            if (type != null && !CONTEXT_KEY_TYPES.contains(type)) {
                throw QueryException.constraint(member + "contextKeyType", type,
                        "Member must satisfy enum value set: [" + String.join(", ", CONTEXT_KEY_TYPES) + "]");
            }
            e.list("ContextKeyValues");
        }
    }

    private static Common readCommon(QueryParameters p) throws QueryException {
        Common c = new Common();
        c.boundaryTexts = policyList(p, "PermissionsBoundaryPolicyInputList", "permissionsBoundaryPolicyInputList", false);
        if (c.boundaryTexts.size() > 1) {
            throw invalid("PermissionsBoundaryPolicyInputList may hold only one permissions boundary, not "
                    + c.boundaryTexts.size() + ".");
        }
        c.actions = p.list("ActionNames");
        if (c.actions.isEmpty()) {
            throw invalid("ActionNames must name at least one action.");
        }
        for (String a : c.actions) {
            int colon = a.indexOf(':');
            if (colon <= 0 || colon == a.length() - 1 || a.indexOf(':', colon + 1) >= 0) {
                throw invalid("Action name '" + PrintableText.of(a)
                        + "' must have the form service:Action (e.g. iam:CreateUser).");
            }
            if (a.indexOf('*') >= 0 || a.indexOf('?') >= 0) {
                throw invalid("Action name '" + PrintableText.of(a)
                        + "' has a wildcard; the simulator evaluates exact action names only.");
            }
        }
        List<String> resources = p.list("ResourceArns");
        c.specific = !resources.isEmpty() && !(resources.size() == 1 && resources.get(0).equals("*"));
        for (String r : resources) {
            if (!r.equals("*") && !isArn(r)) {
                throw invalid("Resource '" + PrintableText.of(r)
                        + "' is not an ARN (arn:partition:service:region:account:resource) or *.");
            }
        }
        if (c.specific && resources.contains("*")) {
            throw invalid("ResourceArns must be * alone or a list of ARNs, not both.");
        }
        c.resources = c.specific ? List.copyOf(new java.util.LinkedHashSet<>(resources)) : List.of("*");
        c.resourcePolicyText = p.get("ResourcePolicy");
        String owner = p.get("ResourceOwner");
        if (owner != null) {
            c.resourceOwner = accountOfOwner(owner);
        }
        String handling = p.get("ResourceHandlingOption");
        if (handling != null) {
            checkResourceHandling(handling, c.resources, c.specific);
        }
        c.context = contextEntries(p);
        c.maxItems = p.integer("MaxItems", "maxItems", DEFAULT_MAX_ITEMS);
        c.fingerprint = fingerprint(p);
        c.offset = 0;
        String marker = p.get("Marker");
        if (marker != null) {
            c.offset = markerOffset(marker, c.fingerprint, c.actions.size());
        }
        return c;
    }

    private static SimulationRequest build(QueryParameters p, Common c, Identity who, List<IdentityPolicy> identity,
            IdentityPolicy boundary, List<List<IdentityPolicy>> scpLevels, IdentityPolicy resourcePolicy,
            boolean callerKnown, Map<IdentityPolicy, SimulatedPolicy> sources) {
        RequestContext.Builder context = RequestContext.builder();
        Map<String, List<String>> principalKeys = new LinkedHashMap<>();
        for (ContextEntry e : c.context) {
            if (PrincipalContext.isPrincipalKey(e.name())) {
                principalKeys.put(e.name(), e.values()); // stated keys win over what the caller would derive
            } else {
                context.put(e.name(), e.values());
            }
        }
        SimulatedCaller caller = new SimulatedCaller(who.arn(), who.account(), who.type(), who.userId(),
                who.userName(), who.roleArn(), who.tags(), identity, boundary, principalKeys);
        return new SimulationRequest(c.actions, c.resources, c.specific, caller, callerKnown, resourcePolicy,
                c.resourceOwner, context.build(), scpLevels, sources, c.maxItems, c.offset, c.fingerprint);
    }

    // ---- policies -------------------------------------------------------------------------------------------

    /** A list of policy texts, each checked against policyDocumentType (1..131072 characters, Latin-1 text). */
    private static List<String> policyList(QueryParameters p, String name, String member, boolean required)
            throws QueryException {
        List<String> texts = p.list(name);
        if (required && texts.isEmpty() && !p.has(name)) {
            throw QueryException.constraint(member, null, "Member must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            checkPolicyText(member + "." + (i + 1) + ".member", texts.get(i));
        }
        return texts;
    }

    private static void checkPolicyText(String member, String text) throws QueryException {
        if (text.isEmpty()) {
            throw withoutValue(member, "Member must have length greater than or equal to 1");
        }
        if (text.length() > MAX_POLICY_LENGTH) {
            throw withoutValue(member, "Member must have length less than or equal to " + MAX_POLICY_LENGTH);
        }
        if (!POLICY_TEXT.matcher(text).matches()) {
            throw withoutValue(member,
                    "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
        }
    }

    private static List<List<String>> organizationLevels(QueryParameters p) throws QueryException {
        List<QueryParameters> levels = p.structures("OrderedOrganizationPolicyInputList");
        if (levels.size() > 7) {
            throw QueryException.validation("1 validation error detected: Value at 'orderedOrganizationPolicyInputList' "
                    + "failed to satisfy constraint: Member must have length less than or equal to 7");
        }
        List<List<String>> out = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            out.add(policyList(levels.get(l), "ServiceControlPolicyInputList",
                    "orderedOrganizationPolicyInputList." + (l + 1) + ".member.serviceControlPolicyInputList", false));
        }
        return out;
    }

    private static List<IdentityPolicy> parseInputs(List<String> texts, String member, String owner,
            Map<IdentityPolicy, SimulatedPolicy> sources) throws QueryException {
        List<IdentityPolicy> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String id = member + "." + (i + 1);
            PolicyDocument doc = parse(texts.get(i), id, PolicyKind.IDENTITY);
            IdentityPolicy policy = IdentityPolicy.inline(id, owner, doc);
            out.add(policy);
            sources.put(policy, SimulatedPolicy.fromInput(policy, id, SimulatedPolicy.TYPE_NONE, texts.get(i)));
        }
        return out;
    }

    private static IdentityPolicy inputBoundary(List<String> texts, String owner,
            Map<IdentityPolicy, SimulatedPolicy> sources) throws QueryException {
        List<IdentityPolicy> parsed = parseInputs(texts, "PermissionsBoundaryPolicyInputList", owner, sources);
        return parsed.isEmpty() ? null : parsed.get(0);
    }

    private static IdentityPolicy resourcePolicy(Common c, Map<IdentityPolicy, SimulatedPolicy> sources)
            throws QueryException {
        if (c.resourcePolicyText == null) {
            return null;
        }
        PolicyDocument doc = parse(c.resourcePolicyText, "ResourcePolicy", PolicyKind.RESOURCE);
        IdentityPolicy policy = IdentityPolicy.inline("ResourcePolicy", "simulated resource", doc);
        sources.put(policy, SimulatedPolicy.fromInput(policy, "ResourcePolicy", SimulatedPolicy.TYPE_RESOURCE,
                c.resourcePolicyText));
        return policy;
    }

    /** Parses a policy text; an invalid policy is {@code InvalidInput} naming the first problems and their place. */
    private static PolicyDocument parse(String text, String id, PolicyKind kind) throws QueryException {
        try {
            return PolicyParser.parse(text, id, kind);
        } catch (PolicyParseException e) {
            StringBuilder m = new StringBuilder(id).append(" is not a valid ")
                    .append(kind == PolicyKind.RESOURCE ? "resource-based" : "identity-based").append(" policy: ");
            List<ConfigurationProblem> problems = e.problems();
            for (int i = 0; i < problems.size() && i < 3; i++) {
                ConfigurationProblem pr = problems.get(i);
                m.append(i == 0 ? "" : "; ").append("line ").append(pr.position().line()).append(", column ")
                        .append(pr.position().column()).append(": ").append(PrintableText.of(pr.message(), 160));
            }
            if (problems.size() > 3) {
                m.append(" (and ").append(problems.size() - 3).append(" more)");
            }
            throw invalid(m.toString());
        }
    }

    /** AWS: a resource policy must apply to every resource of the simulation. */
    private static void checkResourcePolicyApplies(IdentityPolicy rp, List<String> resources, boolean specific)
            throws QueryException {
        if (rp == null || !specific) {
            return;
        }
        for (String r : resources) {
            boolean any = false;
            for (Statement s : rp.document().statements()) {
                if (s.matchesResource(r, key -> null)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                throw invalid("ResourcePolicy does not apply to resource '" + PrintableText.of(r)
                        + "': no statement's Resource or NotResource covers it.");
            }
        }
    }

    private static List<IdentityPolicy> groupPolicies(IamGroup g, IamConfiguration config) {
        List<IdentityPolicy> out = new ArrayList<>();
        g.inlinePolicies().forEach((name, doc) -> out.add(IdentityPolicy.inline(name, g.arn(), doc)));
        for (String arn : g.attachedPolicyArns()) {
            config.managedPolicy(arn).ifPresent(mp ->
                    out.add(IdentityPolicy.managed(mp.name(), mp.arn(), g.arn(), mp.document())));
        }
        return out;
    }

    // ---- context entries ------------------------------------------------------------------------------------

    private static List<ContextEntry> contextEntries(QueryParameters p) throws QueryException {
        List<ContextEntry> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        List<QueryParameters> entries = p.structures("ContextEntries");
        for (int i = 0; i < entries.size(); i++) {
            QueryParameters e = entries.get(i);
            String where = "ContextEntries." + (i + 1);
            String name = e.get("ContextKeyName");
            if (name == null) {
                throw invalid(where + " has no ContextKeyName.");
            }
            int colon = name.indexOf(':');
            if (colon <= 0 || colon == name.length() - 1) {
                throw invalid(where + ": context key '" + PrintableText.of(name)
                        + "' must have the form prefix:name (e.g. aws:SourceIp).");
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw invalid(where + ": context key '" + PrintableText.of(name)
                        + "' is given more than once (key names ignore case).");
            }
            String type = e.get("ContextKeyType");
            if (type == null) {
                throw invalid(where + " (" + PrintableText.of(name) + ") has no ContextKeyType.");
            }
            List<String> values = e.list("ContextKeyValues");
            boolean list = type.endsWith("List");
            if (!list && values.size() != 1) {
                throw invalid(where + " (" + PrintableText.of(name) + ") is of type " + type
                        + " and needs exactly one value, not " + values.size() + "; use " + type
                        + "List for several.");
            }
            String scalar = list ? type.substring(0, type.length() - 4) : type;
            for (int v = 0; v < values.size(); v++) {
                if (!fitsType(scalar, values.get(v))) {
                    throw invalid(where + " (" + PrintableText.of(name) + "): value " + (v + 1)
                            + " is not " + describe(scalar) + ".");
                }
            }
            out.add(new ContextEntry(name, type, values));
        }
        return out;
    }

    static boolean fitsType(String scalarType, String value) {
        switch (scalarType) {
            case "string":
                return true;
            case "numeric":
                if (value.isEmpty() || value.length() > 64) {
                    return false;
                }
                try {
                    new BigDecimal(value.trim());
                    return true;
                } catch (NumberFormatException e) {
                    return false;
                }
            case "boolean":
                return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
            case "ip":
                if (value.indexOf('/') >= 0 || value.isBlank()) {
                    return false;
                }
                try {
                    IpRange.parse(value);
                    return true;
                } catch (IllegalArgumentException e) {
                    return false;
                }
            case "binary":
                try {
                    Base64.getDecoder().decode(value);
                    return true;
                } catch (IllegalArgumentException e) {
                    return false;
                }
            case "date":
                return ConditionValueForms.isDate(value);
            default:
                return false;
        }
    }

    private static String describe(String scalarType) {
        return switch (scalarType) {
            case "numeric" -> "a number";
            case "boolean" -> "true or false";
            case "ip" -> "an IPv4 or IPv6 address";
            case "binary" -> "base64-encoded binary";
            case "date" -> "an ISO 8601 date/time or epoch seconds";
            default -> "a string";
        };
    }

    // ---- ARNs, callers and entities -------------------------------------------------------------------------

    /** The parts of an IAM user, group or role ARN, or {@code null}. */
    static EntityArn entityArn(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || parts[1].isEmpty() || !parts[2].equals("iam")
                || !parts[3].isEmpty() || !ACCOUNT.matcher(parts[4]).matches()) {
            return null;
        }
        String rest = parts[5];
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        String kind = rest.substring(0, slash);
        if (!ATTACHMENT_TYPES.contains(kind)) {
            return null;
        }
        String name = rest.substring(rest.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.length() > 128 || !NAME.matcher(name).matches()) {
            return null;
        }
        return new EntityArn(arn, parts[1], parts[4], kind, name);
    }

    private static EntityArn callerEntity(String arn) throws QueryException {
        EntityArn e = entityArn(arn);
        if (e == null) {
            throw invalid("CallerArn '" + PrintableText.of(arn) + "' must be the ARN of an IAM user, group or "
                    + "role; it cannot be an assumed role, federated user or service principal.");
        }
        return e;
    }

    static EntityArn sourceEntity(String arn) throws QueryException {
        EntityArn e = entityArn(arn);
        if (e == null) {
            throw invalid("PolicySourceArn '" + PrintableText.of(arn)
                    + "' must be the ARN of an IAM user, group or role.");
        }
        return e;
    }

    private static void requireUserCaller(EntityArn caller) throws QueryException {
        if (!caller.kind().equals("user")) {
            throw invalid("Simulation of resource-based policies is supported for IAM users only; the caller "
                    + PrintableText.of(caller.arn()) + " is an IAM " + caller.kind() + ".");
        }
    }

    private static QueryException noSuchEntity(EntityArn e) {
        return new QueryException("NoSuchEntity", 404, "The " + e.kind() + " with name " + e.name()
                + " cannot be found.");
    }

    /** Who the evaluation runs as: ARN, account, principal type and the facts that become condition keys. */
    private record Identity(String arn, String account, PrincipalType type, String userId, String userName,
            String roleArn, Map<String, String> tags) {
    }

    /**
     * The identity of an entity ARN. With a configuration, a configured user keeps its unique id, name and tags and a
     * configured role its tags (as a role session); otherwise only what the ARN says is known. A role is simulated
     * as a session of the role; a group as a caller whose ARN is the group's.
     */
    private static Identity identityOf(EntityArn e, IamConfiguration config) {
        switch (e.kind()) {
            case "user": {
                IamUser u = config == null ? null : config.user(e.arn()).orElse(null);
                return u == null
                        ? new Identity(e.arn(), e.account(), PrincipalType.USER, null, null, null, Map.of())
                        : new Identity(u.arn(), u.accountId(), PrincipalType.USER, u.userId(), u.name(), null, u.tags());
            }
            case "role": {
                IamRole r = config == null ? null : config.role(e.arn()).orElse(null);
                String session = "arn:" + e.partition() + ":sts::" + e.account() + ":assumed-role/" + e.name() + "/"
                        + ROLE_SESSION;
                return new Identity(session, e.account(), PrincipalType.ASSUMED_ROLE,
                        r == null ? null : r.roleId() + ":" + ROLE_SESSION, null, e.arn(),
                        r == null ? Map.of() : r.tags());
            }
            default:
                return new Identity(e.arn(), e.account(), PrincipalType.USER, null, null, null, Map.of());
        }
    }

    static boolean isArn(String s) {
        String[] parts = s.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && !parts[1].isEmpty() && !parts[2].isEmpty()
                && !parts[5].isEmpty();
    }

    /** The account id of a ResourceOwner: {@code arn:aws:iam::123456789012:root} or a bare 12-digit id. */
    private static String accountOfOwner(String owner) throws QueryException {
        if (ACCOUNT.matcher(owner).matches()) {
            return owner;
        }
        String[] parts = owner.split(":", 6);
        if (parts.length == 6 && parts[0].equals("arn") && !parts[1].isEmpty() && parts[2].equals("iam")
                && parts[3].isEmpty() && ACCOUNT.matcher(parts[4]).matches() && parts[5].equals("root")) {
            return parts[4];
        }
        throw invalid("ResourceOwner '" + PrintableText.of(owner)
                + "' must be an account ARN (arn:aws:iam::123456789012:root) or a 12-digit account id.");
    }

    private static void checkResourceHandling(String option, List<String> resources, boolean specific)
            throws QueryException {
        List<String> needed = RESOURCE_HANDLING.get(option);
        if (needed == null) {
            throw invalid("ResourceHandlingOption '" + PrintableText.of(option) + "' is not one of "
                    + String.join(", ", new java.util.TreeSet<>(RESOURCE_HANDLING.keySet())) + ".");
        }
        List<String> missing = new ArrayList<>();
        for (String type : needed) {
            boolean found = false;
            for (String r : specific ? resources : List.<String>of()) {
                String[] parts = r.split(":", 6);
                if (parts.length == 6 && parts[2].equals("ec2") && parts[5].startsWith(type + "/")) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(type);
            }
        }
        if (!missing.isEmpty()) {
            throw invalid("ResourceHandlingOption " + option + " needs ResourceArns with EC2 resources of type "
                    + String.join(", ", missing) + ".");
        }
    }

    // ---- paging ---------------------------------------------------------------------------------------------

    /** A digest of every parameter except the paging ones, so a marker only continues the call it came from. */
    private static String fingerprint(QueryParameters p) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String name : p.names()) {
                if (name.equals("Marker") || name.equals("MaxItems")) {
                    continue;
                }
                md.update(name.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(p.get(name).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static String marker(int offset, String fingerprint) {
        return "v1:" + offset + ":" + fingerprint;
    }

    private static int markerOffset(String marker, String fingerprint, int actions) throws QueryException {
        String[] parts = marker.split(":", -1);
        if (parts.length == 3 && parts[0].equals("v1") && parts[2].equals(fingerprint)
                && parts[1].matches("[1-9][0-9]{0,8}")) {
            int offset = Integer.parseInt(parts[1]);
            if (offset < actions) {
                return offset;
            }
        }
        throw invalid("Marker is not valid for this request: pass the Marker of the previous response unchanged, "
                + "with the same parameters.");
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    static QueryException invalid(String message) {
        return new QueryException("InvalidInput", 400, message);
    }

    private static QueryException withoutValue(String member, String constraint) {
        return QueryException.validation("1 validation error detected: Value at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    private static void checkOptionalLength(QueryParameters p, String name, String member, int min, int max)
            throws QueryException {
        String v = p.get(name);
        if (v != null) {
            checkLength(member, v, min, max, true);
        }
    }

    private static void checkLength(String member, String value, int min, int max, boolean showValue)
            throws QueryException {
        if (value.length() < min) {
            throw QueryException.constraint(member, showValue ? value : null,
                    "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw QueryException.constraint(member, showValue ? value : null,
                    "Member must have length less than or equal to " + max);
        }
    }

    static boolean validName(String name, boolean wildcards) {
        return name.length() >= 1 && name.length() <= 128
                && (wildcards ? NAME_WITH_WILDCARDS : NAME).matcher(name).matches();
    }
}
