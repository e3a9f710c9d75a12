package io.mlgate.iam.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourceReader;
import io.mlgate.iam.json.SourceValue;

/**
 * Parses IAM policy JSON strictly into compiled {@link PolicyDocument}s: every problem (unknown element, conflicting
 * elements, bad Effect or Version, unknown condition operator, malformed action or resource, duplicate keys, ...) is
 * reported with source, line and column, and all of them are reported in one pass.
 */
public final class PolicyParser {

    private static final List<String> DOCUMENT_ELEMENTS = List.of("Version", "Id", "Statement");
    private static final List<String> STATEMENT_ELEMENTS = List.of("Sid", "Effect", "Principal", "NotPrincipal",
            "Action", "NotAction", "Resource", "NotResource", "Condition");
    private static final List<String> PRINCIPAL_TYPES = List.of("AWS", "Federated", "Service", "CanonicalUser");

    private PolicyParser() {
    }

    /** Parses an identity-based policy (no Principal element allowed). */
    public static PolicyDocument parse(String json, String sourceName) throws PolicyParseException {
        return parse(json, sourceName, PolicyKind.IDENTITY);
    }

    /** Parses a policy of the given kind. */
    public static PolicyDocument parse(String json, String sourceName, PolicyKind kind) throws PolicyParseException {
        Diagnostics d = new Diagnostics();
        SourceValue root = SourceReader.read(json, sourceName, d);
        PolicyDocument doc = root == null ? null : parse(root, kind, d);
        if (d.hasErrors()) {
            throw new PolicyParseException(d.problems());
        }
        return doc;
    }

    /**
     * Parses a policy already read as part of a larger source (e.g. an inline policy inside a user file). Problems
     * are added to {@code diagnostics}; returns {@code null} if there were any.
     */
    public static PolicyDocument parse(SourceValue root, PolicyKind kind, Diagnostics diagnostics) {
        int before = diagnostics.count();
        PolicyDocument doc = new DocumentReader(kind, diagnostics).document(root);
        return diagnostics.count() == before ? doc : null;
    }

    /** Reports an unknown element, suggesting the right spelling when only the case differs. */
    static String unknownElement(String name, List<String> known, String where) {
        for (String k : known) {
            if (k.equalsIgnoreCase(name)) {
                return "unknown element '" + name + "' in " + where + " (did you mean '" + k + "'? element names are case-sensitive)";
            }
        }
        return "unknown element '" + name + "' in " + where + " (expected one of " + String.join(", ", known) + ")";
    }

    private static final class DocumentReader {
        private final PolicyKind kind;
        private final Diagnostics d;
        private PolicyVersion version = PolicyVersion.V2008_10_17;
        private final Set<String> sids = new HashSet<>();

        DocumentReader(PolicyKind kind, Diagnostics d) {
            this.kind = kind;
            this.d = d;
        }

        PolicyDocument document(SourceValue root) {
            if (!(root instanceof SourceValue.Obj obj)) {
                d.error(root, "a policy document must be a JSON object, not " + root.kind());
                return null;
            }
            for (SourceValue.Member m : obj.members().values()) {
                if (!DOCUMENT_ELEMENTS.contains(m.name())) {
                    d.error(m.namePosition(), unknownElement(m.name(), DOCUMENT_ELEMENTS, "policy document"));
                }
            }
            boolean versionWritten = false;
            SourceValue.Member v = obj.members().get("Version");
            if (v != null) {
                versionWritten = true;
                String text = string(v.value(), "Version");
                if (text != null) {
                    if (text.equals(PolicyVersion.V2012_10_17.text())) {
                        version = PolicyVersion.V2012_10_17;
                    } else if (!text.equals(PolicyVersion.V2008_10_17.text())) {
                        d.error(v.value(), "unsupported Version '" + text + "' (expected 2012-10-17 or 2008-10-17)");
                    }
                }
            }
            String id = null;
            SourceValue.Member idm = obj.members().get("Id");
            if (idm != null) {
                id = string(idm.value(), "Id");
            }
            List<Statement> statements = new ArrayList<>();
            SourceValue.Member st = obj.members().get("Statement");
            if (st == null) {
                d.error(obj, "policy document has no Statement element");
            } else if (st.value() instanceof SourceValue.Obj one) {
                addStatement(statements, statement(one, 0));
            } else if (st.value() instanceof SourceValue.Arr arr) {
                if (arr.elements().isEmpty()) {
                    d.error(arr, "Statement must not be an empty array");
                }
                int index = 0;
                for (SourceValue e : arr.elements()) {
                    if (e instanceof SourceValue.Obj so) {
                        addStatement(statements, statement(so, index));
                    } else {
                        d.error(e, "each Statement entry must be an object, not " + e.kind());
                    }
                    index++;
                }
            } else {
                d.error(st.value(), "Statement must be an object or an array of objects, not " + st.value().kind());
            }
            return new PolicyDocument(version, versionWritten, id, kind, statements, root.position());
        }

        private void addStatement(List<Statement> out, Statement s) {
            if (s != null) {
                out.add(s);
            }
        }

        private Statement statement(SourceValue.Obj obj, int index) {
            int before = d.count();
            Map<String, SourceValue.Member> m = obj.members();
            for (SourceValue.Member e : m.values()) {
                if (!STATEMENT_ELEMENTS.contains(e.name())) {
                    d.error(e.namePosition(), unknownElement(e.name(), STATEMENT_ELEMENTS, "statement"));
                }
            }
            String sid = null;
            if (m.containsKey("Sid")) {
                SourceValue sv = m.get("Sid").value();
                sid = string(sv, "Sid");
                if (sid != null) {
                    if (kind == PolicyKind.IDENTITY && !sid.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
                        d.error(sv, "Sid '" + sid + "' may only contain letters A-Z, a-z and digits 0-9");
                    } else if (!sids.add(sid)) {
                        d.error(sv, "duplicate Sid '" + sid + "' in policy (each Sid must be unique)");
                    }
                }
            }
            Effect effect = null;
            SourceValue.Member em = m.get("Effect");
            if (em == null) {
                d.error(obj, "statement has no Effect element (expected \"Allow\" or \"Deny\")");
            } else {
                String e = string(em.value(), "Effect");
                if ("Allow".equals(e)) {
                    effect = Effect.ALLOW;
                } else if ("Deny".equals(e)) {
                    effect = Effect.DENY;
                } else if (e != null) {
                    d.error(em.value(), "bad Effect '" + e + "' (must be exactly \"Allow\" or \"Deny\", case-sensitive)");
                }
            }
            boolean notAction = false;
            List<ActionPattern> actions = new ArrayList<>();
            SourceValue.Member am = m.get("Action");
            SourceValue.Member nam = m.get("NotAction");
            if (am != null && nam != null) {
                d.error(laterOf(am, nam).namePosition(), "statement has both Action and NotAction (use exactly one)");
            } else if (am == null && nam == null) {
                d.error(obj, "statement has neither Action nor NotAction");
            } else {
                notAction = nam != null;
                SourceValue.Member use = notAction ? nam : am;
                for (SourceValue.Str s : strings(use.value(), use.name())) {
                    try {
                        actions.add(ActionPattern.of(s.value()));
                    } catch (IllegalArgumentException ex) {
                        d.error(s, ex.getMessage());
                    }
                }
            }
            boolean notResource = false;
            List<ResourcePattern> resources = new ArrayList<>();
            SourceValue.Member rm = m.get("Resource");
            SourceValue.Member nrm = m.get("NotResource");
            if (rm != null && nrm != null) {
                d.error(laterOf(rm, nrm).namePosition(), "statement has both Resource and NotResource (use exactly one)");
            } else if (rm == null && nrm == null) {
                if (kind != PolicyKind.TRUST) {
                    d.error(obj, "statement has neither Resource nor NotResource");
                }
            } else {
                notResource = nrm != null;
                SourceValue.Member use = notResource ? nrm : rm;
                for (SourceValue.Str s : strings(use.value(), use.name())) {
                    try {
                        resources.add(ResourcePattern.of(s.value(), version.supportsVariables()));
                    } catch (IllegalArgumentException ex) {
                        d.error(s, ex.getMessage());
                    }
                }
            }
            PrincipalSpec principal = principal(obj, m.get("Principal"), m.get("NotPrincipal"));
            Condition condition = Condition.none();
            SourceValue.Member cm = m.get("Condition");
            if (cm != null) {
                condition = condition(cm.value());
            }
            if (d.count() != before) {
                return null;
            }
            return new Statement(sid, index, effect, notAction, actions, notResource, resources, principal, condition,
                    obj.position());
        }

        private SourceValue.Member laterOf(SourceValue.Member a, SourceValue.Member b) {
            int cmp = Integer.compare(a.namePosition().line(), b.namePosition().line());
            if (cmp == 0) {
                cmp = Integer.compare(a.namePosition().column(), b.namePosition().column());
            }
            return cmp > 0 ? a : b;
        }

        private PrincipalSpec principal(SourceValue.Obj statement, SourceValue.Member p, SourceValue.Member np) {
            if (kind == PolicyKind.IDENTITY) {
                for (SourceValue.Member x : new SourceValue.Member[] {p, np}) {
                    if (x != null) {
                        d.error(x.namePosition(), x.name() + " is not allowed in an identity-based policy");
                    }
                }
                return null;
            }
            if (p != null && np != null) {
                d.error(laterOf(p, np).namePosition(), "statement has both Principal and NotPrincipal (use exactly one)");
                return null;
            }
            if (p == null && np == null) {
                d.error(statement, (kind == PolicyKind.TRUST ? "trust" : "resource-based") + " policy statement needs a Principal");
                return null;
            }
            if (np != null && kind == PolicyKind.TRUST) {
                d.error(np.namePosition(), "NotPrincipal is not allowed in a role trust policy");
                return null;
            }
            SourceValue.Member use = p != null ? p : np;
            SourceValue v = use.value();
            if (v instanceof SourceValue.Str s) {
                if (!s.value().equals("*")) {
                    d.error(s, use.name() + " must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:root\"}");
                }
                return new PrincipalSpec(np != null, true, Map.of());
            }
            if (!(v instanceof SourceValue.Obj obj)) {
                d.error(v, use.name() + " must be \"*\" or an object, not " + v.kind());
                return null;
            }
            Map<String, List<String>> byType = new LinkedHashMap<>();
            for (SourceValue.Member t : obj.members().values()) {
                if (!PRINCIPAL_TYPES.contains(t.name())) {
                    d.error(t.namePosition(), unknownElement(t.name(), PRINCIPAL_TYPES, use.name()));
                    continue;
                }
                List<String> ids = new ArrayList<>();
                for (SourceValue.Str s : strings(t.value(), use.name() + " " + t.name())) {
                    if (t.name().equals("AWS")) {
                        checkAwsPrincipal(s);
                    }
                    ids.add(s.value());
                }
                byType.put(t.name(), ids);
            }
            if (obj.members().isEmpty()) {
                d.error(obj, use.name() + " must name at least one principal");
            }
            return new PrincipalSpec(np != null, false, byType);
        }

        private void checkAwsPrincipal(SourceValue.Str s) {
            String id = s.value();
            if (id.equals("*") || id.matches("[0-9]{12}")) {
                return;
            }
            if (!id.startsWith("arn:")) {
                d.error(s, "AWS principal '" + id + "' is not an account id, an ARN or *");
            } else if (id.indexOf('*') >= 0 || id.indexOf('?') >= 0) {
                d.error(s, "AWS principal '" + id + "' uses a wildcard; principals must be named exactly (use \"*\" with an aws:PrincipalArn condition instead)");
            }
        }

        private Condition condition(SourceValue v) {
            if (!(v instanceof SourceValue.Obj obj)) {
                d.error(v, "Condition must be an object of operator -> {key: value(s)}, not " + v.kind());
                return Condition.none();
            }
            List<ConditionClause> clauses = new ArrayList<>();
            for (SourceValue.Member om : obj.members().values()) {
                OperatorSpec op = operator(om);
                if (!(om.value() instanceof SourceValue.Obj keys)) {
                    d.error(om.value(), "condition operator " + om.name() + " must map to an object of key -> value(s), not " + om.value().kind());
                    continue;
                }
                if (keys.members().isEmpty()) {
                    d.error(keys, "condition operator " + om.name() + " has no condition keys");
                }
                for (SourceValue.Member km : keys.members().values()) {
                    String key = km.name();
                    int colon = key.indexOf(':');
                    if (colon <= 0 || colon == key.length() - 1) {
                        d.error(km.namePosition(), "condition key '" + key + "' must have the form prefix:name (e.g. aws:SourceIp)");
                        continue;
                    }
                    List<SourceValue> raw = scalars(km.value(), key);
                    if (op == null) {
                        continue;
                    }
                    List<ValueTest> tests = new ArrayList<>();
                    boolean variables = version.supportsVariables() && op.operator.allowsVariables();
                    for (SourceValue rv : raw) {
                        String text = scalarText(rv);
                        try {
                            tests.add(ValueTest.compile(op.operator, text, variables));
                        } catch (IllegalArgumentException ex) {
                            d.error(rv, "invalid value for " + om.name() + " on " + key + ": " + ex.getMessage());
                        }
                    }
                    clauses.add(new ConditionClause(op.qualifier, op.operator, op.ifExists, key, tests));
                }
            }
            return new Condition(clauses);
        }

        private record OperatorSpec(SetQualifier qualifier, ConditionOperator operator, boolean ifExists) {
        }

        private OperatorSpec operator(SourceValue.Member om) {
            String name = om.name();
            SetQualifier q = SetQualifier.NONE;
            String rest = name;
            if (name.startsWith(SetQualifier.FOR_ALL_VALUES.prefix())) {
                q = SetQualifier.FOR_ALL_VALUES;
                rest = name.substring(q.prefix().length());
            } else if (name.startsWith(SetQualifier.FOR_ANY_VALUE.prefix())) {
                q = SetQualifier.FOR_ANY_VALUE;
                rest = name.substring(q.prefix().length());
            }
            boolean ifExists = false;
            ConditionOperator op = ConditionOperator.byName(rest);
            if (op == null && rest.endsWith("IfExists")) {
                op = ConditionOperator.byName(rest.substring(0, rest.length() - "IfExists".length()));
                ifExists = op != null;
            }
            if (op == null) {
                String hint = "";
                String lower = rest.toLowerCase(Locale.ROOT);
                String base = lower.endsWith("ifexists") ? rest.substring(0, rest.length() - 8) : rest;
                ConditionOperator near = ConditionOperator.byNameIgnoringCase(base);
                if (near != null) {
                    hint = " (did you mean '" + near.awsName() + "'? operator names are case-sensitive)";
                }
                d.error(om.namePosition(), "unknown condition operator '" + name + "'" + hint);
                return null;
            }
            if (op == ConditionOperator.NULL && ifExists) {
                d.error(om.namePosition(), "the Null operator cannot be combined with IfExists");
                return null;
            }
            if (op == ConditionOperator.NULL && q != SetQualifier.NONE) {
                d.error(om.namePosition(), "the Null operator cannot be combined with " + q.prefix());
                return null;
            }
            return new OperatorSpec(q, op, ifExists);
        }

        private List<SourceValue> scalars(SourceValue v, String key) {
            List<SourceValue> out = new ArrayList<>();
            if (v instanceof SourceValue.Arr arr) {
                for (SourceValue e : arr.elements()) {
                    if (isScalar(e)) {
                        out.add(e);
                    } else {
                        d.error(e, "values of condition key " + key + " must be strings, numbers or booleans, not " + e.kind());
                    }
                }
            } else if (isScalar(v)) {
                out.add(v);
            } else {
                d.error(v, "condition key " + key + " must map to a value or an array of values, not " + v.kind());
            }
            return out;
        }

        private static boolean isScalar(SourceValue v) {
            return v instanceof SourceValue.Str || v instanceof SourceValue.Num || v instanceof SourceValue.Bool;
        }

        private static String scalarText(SourceValue v) {
            if (v instanceof SourceValue.Str s) {
                return s.value();
            }
            if (v instanceof SourceValue.Num n) {
                return n.text();
            }
            return String.valueOf(((SourceValue.Bool) v).value());
        }

        private String string(SourceValue v, String element) {
            if (v instanceof SourceValue.Str s) {
                return s.value();
            }
            d.error(v, element + " must be a string, not " + v.kind());
            return null;
        }

        private List<SourceValue.Str> strings(SourceValue v, String element) {
            List<SourceValue.Str> out = new ArrayList<>();
            if (v instanceof SourceValue.Str s) {
                out.add(s);
            } else if (v instanceof SourceValue.Arr arr) {
                if (arr.elements().isEmpty()) {
                    d.error(arr, element + " must not be an empty array");
                }
                for (SourceValue e : arr.elements()) {
                    if (e instanceof SourceValue.Str s) {
                        out.add(s);
                    } else {
                        d.error(e, "each " + element + " entry must be a string, not " + e.kind());
                    }
                }
            } else {
                d.error(v, element + " must be a string or an array of strings, not " + v.kind());
            }
            return out;
        }
    }
}
