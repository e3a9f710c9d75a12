package io.mlgate.iam.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.mlgate.iam.json.ConfigurationProblem;
import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourceReader;
import io.mlgate.iam.json.SourceValue;
import io.mlgate.iam.policy.ActionPattern;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.iam.policy.ResourcePattern;

/**
 * Checks an IAM policy document the way AWS's ValidatePolicy does: every problem the strict {@link PolicyParser}
 * reports becomes an ERROR finding, and further checks (unknown services and actions, ARN syntax, missing Version,
 * variables under the old Version, over-broad Allows, redundant and unreachable statements) add findings of lower
 * severity. A policy is valid when no finding is an ERROR. Stateless and thread-safe.
 */
public final class PolicyValidator {

    private static final String VERSION_2012 = "2012-10-17";
    private static final Set<String> PARTITIONS = Set.of("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b",
            "aws-iso-e", "aws-iso-f", "aws-eusc");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]*");
    private static final Pattern ACCOUNT = Pattern.compile("|[0-9]{12}|aws");
    private static final Set<String> GLOBAL_SERVICES = Set.of("iam", "sts");
    /** Members that mark an entity file of the policies/ directory rather than a bare policy document. */
    private static final Set<String> ENTITY_MARKERS = Set.of("PolicyDocument", "AssumeRolePolicyDocument",
            "InlinePolicies", "PolicyName", "UserName", "GroupName", "RoleName", "Accounts");
    private static final Comparator<Finding> ORDER = Comparator
            .comparingInt((Finding f) -> f.position().line())
            .thenComparingInt(f -> f.position().column())
            .thenComparing(Finding::severity)
            .thenComparing(Finding::code);

    private final ActionCatalogue catalogue;

    /** A validator using the given catalogue of known services and actions. */
    public PolicyValidator(ActionCatalogue catalogue) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
    }

    /**
     * Validates {@code json} as a policy of the given kind with the built-in action catalogue; returns the findings
     * in source order (empty when there is nothing to report).
     */
    public static List<Finding> validate(String json, String sourceName, PolicyKind kind) {
        return new PolicyValidator(ActionCatalogue.builtIn()).check(json, sourceName, kind);
    }

    /** Whether any finding is an ERROR, i.e. the policy must not be loaded. */
    public static boolean hasErrors(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
    }

    /** Validates {@code json} as a policy of the given kind; returns the findings in source order. */
    public List<Finding> check(String json, String sourceName, PolicyKind kind) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(kind, "kind");
        Diagnostics d = new Diagnostics();
        SourceValue root = SourceReader.read(json, sourceName, d);
        if (root == null) {
            return findings(d, PathIndex.of(null, ""), new ArrayList<>());
        }
        return checkDocument(root, kind, "", d);
    }

    /**
     * Like {@link #validate(String, String, PolicyKind)}, but also accepts the entity files of the policies/
     * directory: when the JSON object has no Statement but has a {@code PolicyDocument} (managed policy),
     * {@code AssumeRolePolicyDocument} (role trust policy) or {@code InlinePolicies} (user, group, role), each of
     * those documents is validated with its own kind, and {@code kind} is ignored (likewise for a file with
     * {@code PolicyName}, {@code UserName}, {@code GroupName}, {@code RoleName} or {@code Accounts} and no policy). The entity's other fields are the
     * loader's business and are not checked.
     */
    public static List<Finding> validateSource(String json, String sourceName, PolicyKind kind) {
        return new PolicyValidator(ActionCatalogue.builtIn()).checkSource(json, sourceName, kind);
    }

    /** See {@link #validateSource(String, String, PolicyKind)}. */
    public List<Finding> checkSource(String json, String sourceName, PolicyKind kind) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(kind, "kind");
        Diagnostics d = new Diagnostics();
        SourceValue root = SourceReader.read(json, sourceName, d);
        if (root == null) {
            return findings(d, PathIndex.of(null, ""), new ArrayList<>());
        }
        List<Finding> embedded = new ArrayList<>();
        if (root instanceof SourceValue.Obj obj && !obj.members().containsKey("Statement")) {
            for (SourceValue.Member m : obj.members().values()) {
                switch (m.name()) {
                    case "PolicyDocument" -> embedded.addAll(check(m.value(), PolicyKind.IDENTITY, m.name()));
                    case "AssumeRolePolicyDocument" -> embedded.addAll(check(m.value(), PolicyKind.TRUST, m.name()));
                    case "InlinePolicies" -> {
                        if (m.value() instanceof SourceValue.Obj inline) {
                            for (SourceValue.Member p : inline.members().values()) {
                                embedded.addAll(check(p.value(), PolicyKind.IDENTITY, PathIndex.child(m.name(), p.name())));
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            if (obj.members().keySet().stream().anyMatch(ENTITY_MARKERS::contains)) {
                return findings(d, PathIndex.of(root, ""), embedded);
            }
        }
        return checkDocument(root, kind, "", d);
    }

    /**
     * Validates a policy document already read as part of a larger source, such as the {@code PolicyDocument} of a
     * managed-policy file; finding paths start with {@code basePath} (e.g. {@code PolicyDocument}). Syntax errors
     * and duplicate keys of the enclosing source are not reported here (they belong to whoever read it).
     */
    public List<Finding> check(SourceValue document, PolicyKind kind, String basePath) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(basePath, "basePath");
        return checkDocument(document, kind, basePath, new Diagnostics());
    }

    private List<Finding> checkDocument(SourceValue root, PolicyKind kind, String basePath, Diagnostics d) {
        PolicyParser.parse(root, kind, d);
        List<Finding> own = new ArrayList<>();
        if (root instanceof SourceValue.Obj obj) {
            new DocumentChecks(catalogue, kind, obj, basePath, own).run();
        }
        return findings(d, PathIndex.of(root, basePath), own);
    }

    private static List<Finding> findings(Diagnostics d, PathIndex paths, List<Finding> own) {
        List<Finding> findings = new ArrayList<>();
        for (ConfigurationProblem p : d.problems()) {
            FindingCode code = ProblemClassifier.classify(p.message());
            String message = code == FindingCode.UNKNOWN_OPERATOR ? OperatorHint.withHint(p.message()) : p.message();
            findings.add(Finding.of(code, p.position(), paths.pathOf(p.position(), p.message()), message));
        }
        findings.addAll(own);
        findings.sort(ORDER);
        return List.copyOf(findings);
    }

    /** The checks beyond the parser's, run on the JSON tree so each finding has a position and path. */
    private static final class DocumentChecks {
        private final ActionCatalogue catalogue;
        private final PolicyKind kind;
        private final SourceValue.Obj root;
        private final String base;
        private final List<Finding> out;
        private final boolean variables;

        DocumentChecks(ActionCatalogue catalogue, PolicyKind kind, SourceValue.Obj root, String base, List<Finding> out) {
            this.catalogue = catalogue;
            this.kind = kind;
            this.root = root;
            this.base = base;
            this.out = out;
            SourceValue.Member v = root.members().get("Version");
            this.variables = v != null && v.value() instanceof SourceValue.Str s && s.value().equals(VERSION_2012);
        }

        void run() {
            if (!root.members().containsKey("Version")) {
                add(FindingCode.MISSING_VERSION, root, base,
                        "policy has no Version: it is read as 2008-10-17, which treats policy variables literally; add \"Version\": \"2012-10-17\"");
            }
            SourceValue.Member st = root.members().get("Statement");
            if (st == null) {
                return;
            }
            List<StatementShape> shapes = new ArrayList<>();
            if (st.value() instanceof SourceValue.Obj one) {
                statement(one, PathIndex.child(base, "Statement"), 0, shapes);
            } else if (st.value() instanceof SourceValue.Arr arr) {
                for (int i = 0; i < arr.elements().size(); i++) {
                    if (arr.elements().get(i) instanceof SourceValue.Obj so) {
                        statement(so, PathIndex.element(PathIndex.child(base, "Statement"), i), i, shapes);
                    }
                }
            }
            StatementCoverage.check(shapes, variables, out);
        }

        /** The entries of an element and of its Not- form (whichever are present), each passed to {@code check}. */
        private List<Entry> checkedEntries(SourceValue.Member element, SourceValue.Member notElement, String path,
                                           java.util.function.Consumer<Entry> check) {
            List<Entry> out = new ArrayList<>();
            for (SourceValue.Member m : new SourceValue.Member[] {element, notElement}) {
                if (m != null) {
                    for (Entry e : entries(m, path)) {
                        out.add(e);
                        check.accept(e);
                    }
                }
            }
            return out;
        }

        private void statement(SourceValue.Obj s, String path, int index, List<StatementShape> shapes) {
            String effect = s.members().get("Effect") != null && s.members().get("Effect").value() instanceof SourceValue.Str e
                    ? e.value() : null;
            boolean allow = "Allow".equals(effect);
            SourceValue.Member action = s.members().get("Action");
            SourceValue.Member notAction = s.members().get("NotAction");
            List<Entry> actions = checkedEntries(action, notAction, path, this::checkAction);
            SourceValue.Member resource = s.members().get("Resource");
            SourceValue.Member notResource = s.members().get("NotResource");
            List<Entry> resources = checkedEntries(resource, notResource, path, this::checkResource);
            SourceValue.Member condition = s.members().get("Condition");
            if (condition != null && !variables) {
                findVariablesInCondition(condition.value(), PathIndex.child(path, "Condition"));
            }
            if (allow && notAction != null) {
                add(FindingCode.ALLOW_WITH_NOT_ACTION, notAction.namePosition(), PathIndex.child(path, "NotAction"),
                        "Allow with NotAction allows every action not listed, including actions AWS adds later; list the allowed actions instead");
            }
            if (allow && notResource != null) {
                add(FindingCode.ALLOW_WITH_NOT_RESOURCE, notResource.namePosition(), PathIndex.child(path, "NotResource"),
                        "Allow with NotResource allows every resource not listed; list the allowed resources instead");
            }
            if (allow && action != null && actions.stream().anyMatch(e -> e.text().equals("*") || e.text().equals("*:*"))
                    && resource != null && resources.stream().anyMatch(e -> e.text().equals("*"))) {
                add(FindingCode.FULL_ADMIN, s, path,
                        "statement allows every action on every resource (full administrator access)"
                                + (condition == null ? "" : ", limited only by its Condition"));
            }
            if (action != null && notResource == null && (effect != null)) {
                List<String> a = actions.stream().map(Entry::text).toList();
                List<String> r = resources.stream().map(Entry::text).toList();
                StatementShape.of(index, path, s, effect, a, resource == null ? null : r, kind, variables)
                        .ifPresent(shapes::add);
            }
        }

        private record Entry(SourceValue.Str value, String path) {
            String text() {
                return value.value();
            }
        }

        private List<Entry> entries(SourceValue.Member m, String statementPath) {
            String p = PathIndex.child(statementPath, m.name());
            List<Entry> list = new ArrayList<>();
            if (m.value() instanceof SourceValue.Str s) {
                list.add(new Entry(s, p));
            } else if (m.value() instanceof SourceValue.Arr arr) {
                for (int i = 0; i < arr.elements().size(); i++) {
                    if (arr.elements().get(i) instanceof SourceValue.Str s) {
                        list.add(new Entry(s, PathIndex.element(p, i)));
                    }
                }
            }
            return list;
        }

        private void checkAction(Entry e) {
            String text = e.text();
            try {
                ActionPattern.of(text);
            } catch (IllegalArgumentException ex) {
                return; // reported by the parser
            }
            if (text.equals("*")) {
                return;
            }
            int colon = text.indexOf(':');
            String service = text.substring(0, colon);
            String name = text.substring(colon + 1);
            if (service.indexOf('*') >= 0 || service.indexOf('?') >= 0) {
                return;
            }
            if (!catalogue.knowsService(service)) {
                add(FindingCode.UNKNOWN_SERVICE, e.value(), e.path(), "service prefix '" + service
                        + "' is not in the action catalogue (" + String.join(", ", catalogue.services().stream().sorted().toList())
                        + "); check the spelling");
                return;
            }
            if (!catalogue.matchesAny(service, name)) {
                boolean wildcard = name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
                String hint = wildcard ? null : catalogue.suggest(service, name);
                add(FindingCode.UNKNOWN_ACTION, e.value(), e.path(), wildcard
                        ? "action pattern '" + text + "' matches no known action of service '" + service + "'"
                        : "unknown action '" + text + "' in service '" + service + "'"
                                + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
            }
        }

        private void checkResource(Entry e) {
            String text = e.text();
            try {
                ResourcePattern.of(text, variables);
            } catch (IllegalArgumentException ex) {
                return; // reported by the parser
            }
            if (!variables && text.contains("${")) {
                add(FindingCode.VARIABLE_IN_OLD_VERSION, e.value(), e.path(), "resource '" + text
                        + "' contains a policy variable, but without Version 2012-10-17 it is matched literally");
            }
            if (text.equals("*")) {
                return;
            }
            String[] seg = text.split(":", 6);
            if (seg.length < 6) {
                return;
            }
            String problem = null;
            if (!PARTITIONS.contains(seg[1]) && !open(seg[1])) {
                problem = "unknown partition '" + seg[1] + "' (expected aws, aws-cn, aws-us-gov, ...)";
            } else if (!REGION.matcher(seg[3]).matches() && !open(seg[3])) {
                problem = "region '" + seg[3] + "' is not a region name such as us-east-1";
            } else if (GLOBAL_SERVICES.contains(seg[2]) && !seg[3].isEmpty() && !open(seg[3])) {
                problem = seg[2] + " ARNs have no region (write " + seg[0] + ":" + seg[1] + ":" + seg[2] + "::...)";
            } else if (!ACCOUNT.matcher(seg[4]).matches() && !open(seg[4])) {
                problem = "account '" + seg[4] + "' is not a 12-digit account id";
            } else if (seg[5].isEmpty()) {
                problem = "the resource part after the fifth colon is empty";
            }
            if (problem != null) {
                add(FindingCode.INVALID_ARN, e.value(), e.path(), "resource '" + text + "' is not a valid ARN: " + problem);
            }
        }

        private static boolean open(String segment) {
            return segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0 || segment.contains("${");
        }

        private void findVariablesInCondition(SourceValue v, String path) {
            if (v instanceof SourceValue.Obj obj) {
                for (SourceValue.Member m : obj.members().values()) {
                    findVariablesInCondition(m.value(), PathIndex.child(path, m.name()));
                }
            } else if (v instanceof SourceValue.Arr arr) {
                for (int i = 0; i < arr.elements().size(); i++) {
                    findVariablesInCondition(arr.elements().get(i), PathIndex.element(path, i));
                }
            } else if (v instanceof SourceValue.Str s && s.value().contains("${")) {
                add(FindingCode.VARIABLE_IN_OLD_VERSION, s, path, "condition value '" + s.value()
                        + "' contains a policy variable, but without Version 2012-10-17 it is matched literally");
            }
        }

        private void add(FindingCode code, SourceValue at, String path, String message) {
            add(code, at.position(), path, message);
        }

        private void add(FindingCode code, io.mlgate.iam.json.SourcePosition at, String path, String message) {
            out.add(Finding.of(code, at, path, message));
        }
    }

}
