package io.mlgate.iam.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads policy test suite files (YAML {@code .yaml}/{@code .yml} or JSON {@code .json}; format in
 * docs/policy-tests.md) into {@link PolicyTestSuite}s, strictly: unknown fields, duplicate keys and duplicate case
 * names are errors, and every problem names the file and the case.
 */
public final class PolicyTestSuiteReader {

    private static final Set<String> TOP = Set.of("policies", "cases");
    private static final Set<String> CASE = Set.of("name", "principal", "action", "resource", "context", "expect", "call");
    private static final Set<String> CALL = Set.of("targetVariant", "targetModel", "payloadBytes", "contentType");
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private PolicyTestSuiteReader() {
    }

    /** Whether a file name has a suite extension ({@code .yaml}, {@code .yml}, {@code .json}, any case). */
    public static boolean isSuiteFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }

    /**
     * Reads one suite file, or every suite file under a folder (recursively, in path order; dot-files are skipped).
     *
     * @throws PolicyTestSuiteException listing every problem in every file, or if a folder holds no suite files
     */
    public static List<PolicyTestSuite> readAll(Path fileOrDir) throws PolicyTestSuiteException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> walk = Files.walk(fileOrDir)) {
                walk.filter(Files::isRegularFile).filter(PolicyTestSuiteReader::isSuiteFile).sorted().forEach(files::add);
            } catch (IOException | RuntimeException e) {
                throw new PolicyTestSuiteException(List.of(fileOrDir + ": cannot list suite files: " + e.getMessage()));
            }
            if (files.isEmpty()) {
                throw new PolicyTestSuiteException(List.of(fileOrDir + ": no test suite files (*.yaml, *.yml, *.json)"));
            }
        } else if (Files.isRegularFile(fileOrDir)) {
            files.add(fileOrDir);
        } else {
            throw new PolicyTestSuiteException(List.of(fileOrDir + ": no such file or folder"));
        }
        List<String> problems = new ArrayList<>();
        List<PolicyTestSuite> suites = new ArrayList<>();
        for (Path f : files) {
            read(f, problems).ifPresent(suites::add);
        }
        if (!problems.isEmpty()) {
            throw new PolicyTestSuiteException(problems);
        }
        return List.copyOf(suites);
    }

    /**
     * Reads one suite file.
     *
     * @throws PolicyTestSuiteException listing every problem in the file
     */
    public static PolicyTestSuite read(Path file) throws PolicyTestSuiteException {
        List<String> problems = new ArrayList<>();
        Optional<PolicyTestSuite> suite = read(file, problems);
        if (!problems.isEmpty() || suite.isEmpty()) {
            throw new PolicyTestSuiteException(problems.isEmpty() ? List.of(file + ": unreadable suite") : problems);
        }
        return suite.get();
    }

    /**
     * Parses suite text; {@code file} names the source in problems and anchors a relative {@code policies:} path.
     *
     * @param yaml true for YAML, false for JSON
     * @throws PolicyTestSuiteException listing every problem in the text
     */
    public static PolicyTestSuite parse(String text, Path file, boolean yaml) throws PolicyTestSuiteException {
        List<String> problems = new ArrayList<>();
        Optional<PolicyTestSuite> suite = interpret(load(text, file, yaml, problems), file, problems);
        if (!problems.isEmpty() || suite.isEmpty()) {
            throw new PolicyTestSuiteException(problems.isEmpty() ? List.of(file + ": invalid suite") : problems);
        }
        return suite.get();
    }

    private static Optional<PolicyTestSuite> read(Path file, List<String> problems) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.add(file + ": cannot read: " + e.getMessage());
            return Optional.empty();
        }
        boolean yaml = !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        return interpret(load(text, file, yaml, problems), file, problems);
    }

    private static Object load(String text, Path file, boolean yaml, List<String> problems) {
        if (yaml) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setAllowRecursiveKeys(false);
            options.setMaxAliasesForCollections(10);
            try {
                return new Yaml(new SafeConstructor(options)).load(text);
            } catch (MarkedYAMLException e) {
                Mark m = e.getProblemMark();
                String where = m == null ? file.toString() : file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
                problems.add(where + ": invalid YAML: " + (e.getProblem() == null ? e.getMessage() : e.getProblem()));
            } catch (YAMLException e) {
                problems.add(file + ": invalid YAML: " + e.getMessage());
            }
            return null;
        }
        try {
            return JSON.readValue(text, Object.class);
        } catch (JacksonException e) {
            TokenStreamLocation l = e.getLocation();
            String where = l == null ? file.toString() : file + ":" + l.getLineNr() + ":" + l.getColumnNr();
            problems.add(where + ": invalid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private static Optional<PolicyTestSuite> interpret(Object root, Path file, List<String> problems) {
        if (root == null) {
            if (problems.isEmpty()) {
                problems.add(file + ": empty suite: expected an object with 'cases'");
            }
            return Optional.empty();
        }
        int before = problems.size();
        if (!(root instanceof Map<?, ?> top)) {
            problems.add(file + ": a suite must be an object with 'cases' (and optionally 'policies')");
            return Optional.empty();
        }
        unknownKeys(top, TOP, file.toString(), problems);
        Optional<Path> policies = Optional.empty();
        Object p = top.get("policies");
        if (p != null) {
            if (p instanceof String s && !s.isBlank()) {
                Path base = file.toAbsolutePath().getParent();
                policies = Optional.of(base.resolve(s).normalize());
            } else {
                problems.add(file + ": 'policies' must be a folder path (text)");
            }
        }
        Object c = top.get("cases");
        if (!(c instanceof List<?> list) || list.isEmpty()) {
            problems.add(file + ": 'cases' must be a non-empty list of cases");
            return Optional.empty();
        }
        List<PolicyTestCase> cases = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            PolicyTestCase tc = testCase(list.get(i), i, file, names, problems);
            if (tc != null) {
                cases.add(tc);
            }
        }
        if (problems.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new PolicyTestSuite(file, policies, cases));
    }

    private static PolicyTestCase testCase(Object value, int index, Path file, Set<String> names, List<String> problems) {
        String where = file + ": cases[" + index + "]";
        if (!(value instanceof Map<?, ?> m)) {
            problems.add(where + ": a case must be an object");
            return null;
        }
        int before = problems.size();
        Object n = m.get("name");
        if (n instanceof String s && !s.isBlank()) {
            where = file + ": case '" + s + "'";
            if (!names.add(s)) {
                problems.add(where + ": duplicate case name");
            }
        } else {
            problems.add(where + ": 'name' is required (non-empty text)");
        }
        unknownKeys(m, CASE, where, problems);
        String principal = text(m, "principal", where, problems);
        String action = text(m, "action", where, problems);
        if (action != null && (action.indexOf(':') <= 0 || action.indexOf(':') == action.length() - 1)) {
            problems.add(where + ": 'action' must have the form service:Action, not '" + action + "'");
        }
        String resource = text(m, "resource", where, problems);
        String expectText = text(m, "expect", where, problems);
        Expectation expect = null;
        if (expectText != null) {
            expect = Expectation.parse(expectText).orElse(null);
            if (expect == null) {
                problems.add(where + ": 'expect' must be Allow, ImplicitDeny, ExplicitDeny, Deny or GuardrailDeny, not '" + expectText + "'");
            }
        }
        Map<String, List<String>> context = context(m.get("context"), where, problems);
        if (problems.size() != before) {
            return null;
        }
        CallFacts call = call(m.get("call"), where, problems);
        return new PolicyTestCase((String) n, principal, action, resource, context, expect, call);
    }

    private static Map<String, List<String>> context(Object value, String where, List<String> problems) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> m)) {
            problems.add(where + ": 'context' must be an object of condition key to value or list of values");
            return out;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            int colon = key.indexOf(':');
            if (colon <= 0 || colon == key.length() - 1) {
                problems.add(where + ": context key '" + key + "' must have the form prefix:name (e.g. aws:SecureTransport)");
                continue;
            }
            List<String> values = new ArrayList<>();
            if (e.getValue() instanceof List<?> list) {
                for (Object v : list) {
                    String s = scalar(v);
                    if (s == null) {
                        problems.add(where + ": context key '" + key + "': list elements must be text, numbers or booleans");
                    } else {
                        values.add(s);
                    }
                }
            } else {
                String s = scalar(e.getValue());
                if (s == null) {
                    problems.add(where + ": context key '" + key + "' must be text, a number, a boolean or a list of them");
                    continue;
                }
                values.add(s);
            }
            out.put(key, values);
        }
        return out;
    }

    /** The optional {@code call:} member: facts only the OPA guardrails see. */
    private static CallFacts call(Object value, String where, List<String> problems) {
        if (value == null) {
            return CallFacts.NONE;
        }
        if (!(value instanceof Map<?, ?> m)) {
            problems.add(where + ": 'call' must be an object (targetVariant, targetModel, payloadBytes, contentType)");
            return CallFacts.NONE;
        }
        unknownKeys(m, CALL, where + ": call", problems);
        String[] texts = new String[3];
        String[] names = {"targetVariant", "targetModel", "contentType"};
        for (int i = 0; i < names.length; i++) {
            Object v = m.get(names[i]);
            if (v == null) {
                continue;
            }
            if (v instanceof String s && !s.isBlank()) {
                texts[i] = s;
            } else {
                problems.add(where + ": call." + names[i] + " must be non-empty text");
            }
        }
        long bytes = -1;
        Object b = m.get("payloadBytes");
        if (b != null) {
            if ((b instanceof Integer || b instanceof Long) && ((Number) b).longValue() >= 0) {
                bytes = ((Number) b).longValue();
            } else {
                problems.add(where + ": call.payloadBytes must be a whole number of bytes (0 or more)");
            }
        }
        return new CallFacts(texts[0], texts[1], bytes, texts[2]);
    }

    private static String scalar(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean || v instanceof Number) {
            return v.toString();
        }
        return null;
    }

    private static String text(Map<?, ?> m, String key, String where, List<String> problems) {
        Object v = m.get(key);
        if (v instanceof String s && !s.isBlank()) {
            return s;
        }
        problems.add(where + ": '" + key + "' is required (non-empty text)");
        return null;
    }

    private static void unknownKeys(Map<?, ?> m, Set<String> known, String where, List<String> problems) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String s) || !known.contains(s)) {
                problems.add(where + ": unknown field '" + k + "' (expected one of " + known.stream().sorted().toList() + ")");
            }
        }
    }
}
