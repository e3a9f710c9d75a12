package io.mlgate.iam.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.eval.ResourcePolicyType;
import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourceValue;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyDocument;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParser;

/** Turns one simulator input object into an {@link AuthorizationRequest}, reporting every problem with its field. */
final class SimulationInputReader {

    private static final List<String> TOP = List.of("policies", "request");
    private static final List<String> POLICIES = List.of("identity", "boundary", "session", "resource", "scp", "rcp",
            "vpce");
    private static final List<String> REQUEST = List.of("principal", "action", "resource", "resourceAccount",
            "resourceTags", "resourcePolicyType", "context");
    private static final List<String> PRINCIPAL = List.of("type", "arn", "account", "userid", "username", "roleArn",
            "sessionName", "federatingUserArn", "provider", "orgId", "tags", "sessionTags");
    private static final Map<String, PrincipalType> TYPES = Map.of("User", PrincipalType.USER,
            "AssumedRole", PrincipalType.ASSUMED_ROLE, "FederatedUser", PrincipalType.FEDERATED_USER,
            "WebIdentity", PrincipalType.WEB_IDENTITY, "Root", PrincipalType.ACCOUNT);

    private final Diagnostics d;

    SimulationInputReader(Diagnostics d) {
        this.d = d;
    }

    /** Returns the request, or {@code null} if the input has problems (they are in the diagnostics). */
    AuthorizationRequest read(SourceValue root, String where) {
        int before = d.count();
        SourceValue.Obj top = object(root, where);
        if (top == null) {
            return null;
        }
        known(top, TOP, where);
        SourceValue.Obj policies = object(required(top, "policies", where), where + "policies");
        SourceValue.Obj request = object(required(top, "request", where), where + "request");
        if (policies == null || request == null) {
            return null;
        }
        known(policies, POLICIES, "policies");
        known(request, REQUEST, "request");

        ResourcePolicyType rpType = ResourcePolicyType.GENERIC;
        SourceValue rpt = request.members().containsKey("resourcePolicyType") ? request.members().get("resourcePolicyType").value() : null;
        if (rpt != null) {
            String t = string(rpt, "request.resourcePolicyType");
            if (t != null) {
                ResourcePolicyType parsed = ResourcePolicyType.byId(t);
                if (parsed == null || parsed == ResourcePolicyType.GENERIC) {
                    d.error(rpt, "request.resourcePolicyType must be \"kms-key-policy\" or \"role-trust-policy\", not \"" + t + "\"");
                } else {
                    rpType = parsed;
                }
            }
        }

        String action = string(required(request, "action", "request"), "request.action");
        if (action != null && (action.indexOf(':') <= 0 || action.indexOf(':') == action.length() - 1)) {
            d.error(request.members().get("action").value(), "request.action must have the form service:Action, not \"" + action + "\"");
        }
        String resource = string(required(request, "resource", "request"), "request.resource");
        String resourceAccount = optionalString(request, "resourceAccount", "request.resourceAccount");
        if (resourceAccount != null && !resourceAccount.matches("[0-9]{12}")) {
            d.error(request.members().get("resourceAccount").value(), "request.resourceAccount must be a 12-digit account id");
        }
        Map<String, String> resourceTags = stringMap(request, "resourceTags", "request.resourceTags");

        PrincipalContext.Builder principal = principal(request, where);
        if (principal == null) {
            return null;
        }
        RequestContext.Builder context = RequestContext.builder();
        SourceValue.Member cm = request.members().get("context");
        if (cm != null) {
            SourceValue.Obj ctx = object(cm.value(), "request.context");
            if (ctx != null) {
                for (SourceValue.Member k : ctx.members().values()) {
                    String key = k.name();
                    int colon = key.indexOf(':');
                    if (colon <= 0 || colon == key.length() - 1) {
                        d.error(k.namePosition(), "request.context key '" + key + "' must have the form prefix:name (e.g. aws:SourceIp)");
                        continue;
                    }
                    List<String> values = contextValues(k.value(), "request.context." + key);
                    if (values == null) {
                        continue;
                    }
                    if (PrincipalContext.isPrincipalKey(key)) {
                        principal.conditionKey(key, values); // the context states the key: it wins over the principal
                    } else {
                        context.put(key, values);
                    }
                }
            }
        }

        String principalArn = principalArn(request);
        IdentityPolicy[] identity = policyList(policies, "identity", true, PolicyKind.IDENTITY, principalArn);
        IdentityPolicy boundary = policy(policies, "boundary", PolicyKind.IDENTITY, principalArn);
        IdentityPolicy session = policy(policies, "session", PolicyKind.IDENTITY, principalArn);
        IdentityPolicy resourcePolicy = policy(policies, "resource",
                rpType == ResourcePolicyType.ROLE_TRUST_POLICY ? PolicyKind.TRUST : PolicyKind.RESOURCE,
                resource == null ? "resource" : resource);
        IdentityPolicy[] scps = policyList(policies, "scp", false, PolicyKind.IDENTITY, "organization");
        IdentityPolicy[] rcps = policyList(policies, "rcp", false, PolicyKind.RESOURCE, "organization"); // RCPs name Principal "*"
        IdentityPolicy vpce = policy(policies, "vpce", PolicyKind.RESOURCE, "vpc-endpoint"); // names its principals

        if (d.count() != before) {
            return null;
        }
        for (IdentityPolicy p : identity) {
            principal.identityPolicy(p);
        }
        if (boundary != null) {
            principal.permissionsBoundary(boundary);
        }
        if (session != null) {
            principal.sessionPolicy(session);
        }
        for (IdentityPolicy p : scps) {
            principal.serviceControlPolicy(p);
        }
        PrincipalContext built;
        try {
            built = principal.build();
        } catch (IllegalArgumentException e) {
            d.error(request.members().get("principal").value(), "request.principal: " + e.getMessage());
            return null;
        }
        AuthorizationRequest.Builder b = AuthorizationRequest.builder(built, action, resource)
                .context(context.build())
                .resourcePolicyType(rpType)
                .resourceTags(resourceTags);
        String account = resourceAccount != null ? resourceAccount : accountOf(resource);
        if (account != null) {
            b.resourceAccount(account);
        }
        if (resourcePolicy != null) {
            b.resourcePolicy(resourcePolicy);
        }
        for (IdentityPolicy p : rcps) {
            b.resourceControlPolicy(p);
        }
        if (vpce != null) {
            b.vpcEndpointPolicy(vpce);
        }
        return b.build();
    }

    /** The account segment of an ARN when it is a 12-digit id, else {@code null} (same account as the principal). */
    static String accountOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length == 6 && parts[4].matches("[0-9]{12}") ? parts[4] : null;
    }

    private String principalArn(SourceValue.Obj request) {
        SourceValue.Member pm = request.members().get("principal");
        if (pm != null && pm.value() instanceof SourceValue.Obj p && p.members().get("arn") != null
                && p.members().get("arn").value() instanceof SourceValue.Str s) {
            return s.value();
        }
        return "principal";
    }

    private PrincipalContext.Builder principal(SourceValue.Obj request, String where) {
        SourceValue.Obj p = object(required(request, "principal", "request"), "request.principal");
        if (p == null) {
            return null;
        }
        known(p, PRINCIPAL, "request.principal");
        int before = d.count();
        String typeName = string(required(p, "type", "request.principal"), "request.principal.type");
        PrincipalType type = typeName == null ? null : TYPES.get(typeName);
        if (typeName != null && type == null) {
            d.error(p.members().get("type").value(), "request.principal.type must be one of User, AssumedRole, FederatedUser, WebIdentity, Root; not \"" + typeName + "\"");
        }
        String arn = optionalString(p, "arn", "request.principal.arn");
        String account = optionalString(p, "account", "request.principal.account");
        String userid = optionalString(p, "userid", "request.principal.userid");
        String username = optionalString(p, "username", "request.principal.username");
        String roleArn = optionalString(p, "roleArn", "request.principal.roleArn");
        String sessionName = optionalString(p, "sessionName", "request.principal.sessionName");
        String federatingUserArn = optionalString(p, "federatingUserArn", "request.principal.federatingUserArn");
        String provider = optionalString(p, "provider", "request.principal.provider");
        String orgId = optionalString(p, "orgId", "request.principal.orgId");
        Map<String, String> tags = stringMap(p, "tags", "request.principal.tags");
        Map<String, String> sessionTags = stringMap(p, "sessionTags", "request.principal.sessionTags");
        if (type == null || d.count() != before) {
            return null;
        }
        if (account != null && !account.matches("[0-9]{12}")) {
            d.error(p.members().get("account").value(), "request.principal.account must be a 12-digit account id");
            return null;
        }
        if (type.isAccountIdentity() && account == null) {
            d.error(p, "request.principal.account is required for a " + typeName + " principal");
            return null;
        }
        switch (type) {
            case ACCOUNT:
                if (arn == null) {
                    arn = "arn:aws:iam::" + account + ":root";
                }
                break;
            case ASSUMED_ROLE:
                if (roleArn == null && arn != null) {
                    roleArn = roleOfSession(arn);
                }
                if (arn == null && roleArn != null && sessionName != null) {
                    arn = "arn:aws:sts::" + account + ":assumed-role/" + roleArn.substring(roleArn.lastIndexOf('/') + 1) + "/" + sessionName;
                }
                if (roleArn == null) {
                    d.error(p, "request.principal.roleArn is required for an AssumedRole principal (or an arn of the form arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)");
                    return null;
                }
                break;
            case WEB_IDENTITY:
                if (provider == null) {
                    d.error(p, "request.principal.provider is required for a WebIdentity principal");
                    return null;
                }
                if (arn == null) {
                    arn = provider;
                }
                break;
            default:
                break;
        }
        if (arn == null) {
            d.error(p, "request.principal.arn is required for a " + typeName + " principal");
            return null;
        }
        try {
            PrincipalContext.Builder b = PrincipalContext.builder(arn, account == null ? "" : account, type)
                    .tags(tags).sessionTags(sessionTags);
            if (userid != null) {
                b.userId(userid);
            }
            if (username != null) {
                b.userName(username);
            }
            if (roleArn != null) {
                b.roleArn(roleArn);
            }
            if (federatingUserArn != null) {
                b.federatingUserArn(federatingUserArn);
            }
            if (provider != null) {
                b.provider(provider);
            }
            if (orgId != null) {
                b.orgId(orgId);
            }
            return b;
        } catch (IllegalArgumentException e) {
            d.error(p, "request.principal: " + e.getMessage());
            return null;
        }
    }

    /** {@code arn:aws:sts::A:assumed-role/R/S} becomes {@code arn:aws:iam::A:role/R}; otherwise {@code null}. */
    static String roleOfSession(String sessionArn) {
        String[] parts = sessionArn.split(":", 6);
        if (parts.length != 6 || !parts[2].equals("sts") || !parts[5].startsWith("assumed-role/")) {
            return null;
        }
        String[] rs = parts[5].split("/");
        return rs.length == 3 ? "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + rs[1] : null;
    }

    private IdentityPolicy policy(SourceValue.Obj policies, String name, PolicyKind kind, String attachedTo) {
        SourceValue.Member m = policies.members().get(name);
        if (m == null) {
            return null;
        }
        PolicyDocument doc = parsePolicy(m.value(), kind, "policies." + name);
        return doc == null ? null : IdentityPolicy.inline(name, attachedTo, doc);
    }

    private IdentityPolicy[] policyList(SourceValue.Obj policies, String name, boolean required, PolicyKind kind, String attachedTo) {
        SourceValue.Member m = policies.members().get(name);
        if (m == null) {
            if (required) {
                d.error(policies, "policies." + name + " is required (an array of policy documents)");
            }
            return new IdentityPolicy[0];
        }
        if (!(m.value() instanceof SourceValue.Arr arr)) {
            d.error(m.value(), "policies." + name + " must be an array of policy documents, not " + m.value().kind());
            return new IdentityPolicy[0];
        }
        List<IdentityPolicy> out = new ArrayList<>();
        for (int i = 0; i < arr.elements().size(); i++) {
            PolicyDocument doc = parsePolicy(arr.elements().get(i), kind, "policies." + name + "[" + i + "]");
            if (doc != null) {
                out.add(IdentityPolicy.inline(name + "[" + i + "]", attachedTo, doc));
            }
        }
        return out.toArray(new IdentityPolicy[0]);
    }

    /** Parses a policy document, prefixing each problem with the field it is in (e.g. {@code policies.scp[1]}). */
    private PolicyDocument parsePolicy(SourceValue v, PolicyKind kind, String field) {
        Diagnostics own = new Diagnostics();
        PolicyDocument doc = PolicyParser.parse(v, kind, own);
        for (io.mlgate.iam.json.ConfigurationProblem p : own.problems()) {
            d.error(p.position(), field + ": " + p.message());
        }
        return doc;
    }

    private List<String> contextValues(SourceValue v, String field) {
        if (v instanceof SourceValue.Arr arr) {
            List<String> out = new ArrayList<>();
            for (SourceValue e : arr.elements()) {
                String s = scalar(e, field);
                if (s == null) {
                    return null;
                }
                out.add(s);
            }
            return out;
        }
        String s = scalar(v, field);
        return s == null ? null : List.of(s);
    }

    private String scalar(SourceValue v, String field) {
        if (v instanceof SourceValue.Str s) {
            return s.value();
        }
        if (v instanceof SourceValue.Num n) {
            return n.text();
        }
        if (v instanceof SourceValue.Bool b) {
            return String.valueOf(b.value());
        }
        d.error(v, field + " must be a string or an array of strings, not " + v.kind());
        return null;
    }

    private Map<String, String> stringMap(SourceValue.Obj parent, String name, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        SourceValue.Member m = parent.members().get(name);
        if (m == null) {
            return out;
        }
        SourceValue.Obj obj = object(m.value(), field);
        if (obj == null) {
            return out;
        }
        Map<String, String> lower = new LinkedHashMap<>();
        for (SourceValue.Member e : obj.members().values()) {
            String value = string(e.value(), field + "." + e.name());
            String previous = lower.putIfAbsent(e.name().toLowerCase(java.util.Locale.ROOT), e.name());
            if (previous != null) {
                d.error(e.namePosition(), field + " has the tag key '" + e.name() + "' twice ignoring case (already '" + previous + "')");
            } else if (value != null) {
                out.put(e.name(), value);
            }
        }
        return out;
    }

    private SourceValue required(SourceValue.Obj parent, String name, String where) {
        SourceValue.Member m = parent.members().get(name);
        if (m == null) {
            d.error(parent, (where.isEmpty() ? "" : where + ".") + name + " is required");
            return null;
        }
        return m.value();
    }

    private SourceValue.Obj object(SourceValue v, String field) {
        if (v == null) {
            return null;
        }
        if (v instanceof SourceValue.Obj o) {
            return o;
        }
        d.error(v, (field.isEmpty() ? "input" : field) + " must be an object, not " + v.kind());
        return null;
    }

    private String string(SourceValue v, String field) {
        if (v == null) {
            return null;
        }
        if (v instanceof SourceValue.Str s) {
            return s.value();
        }
        d.error(v, field + " must be a string, not " + v.kind());
        return null;
    }

    private String optionalString(SourceValue.Obj parent, String name, String field) {
        SourceValue.Member m = parent.members().get(name);
        return m == null ? null : string(m.value(), field);
    }

    private void known(SourceValue.Obj obj, List<String> names, String where) {
        for (SourceValue.Member m : obj.members().values()) {
            if (!names.contains(m.name())) {
                String hint = "";
                for (String n : names) {
                    if (n.equalsIgnoreCase(m.name())) {
                        hint = " (did you mean '" + n + "'? field names are case-sensitive)";
                    }
                }
                d.error(m.namePosition(), "unknown field '" + m.name() + "' in " + (where.isEmpty() ? "input" : where)
                        + hint + (hint.isEmpty() ? " (expected one of " + String.join(", ", names) + ")" : ""));
            }
        }
    }
}
