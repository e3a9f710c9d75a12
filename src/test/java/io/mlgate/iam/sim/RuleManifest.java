package io.mlgate.iam.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coverage manifest src/test/resources/iam/sim/RULES.md: the table under "## Rules" lists each rule of the IAM
 * semantics reference with its id, source, statement, and the corpus cases that allow, deny, or are rejected.
 */
record RuleManifest(List<Rule> rules) {

    /** One row of the table. */
    record Rule(String id, String source, String statement, List<String> allow, List<String> deny, List<String> rejected) {
    }

    private static final Pattern CASE = Pattern.compile("`([^`]+)`");
    private static final Pattern ID = Pattern.compile("[A-Z]+(-[A-Za-z0-9]+)+");

    /** Parses the "## Rules" table; a malformed row is an error. */
    static RuleManifest parse(String markdown) {
        List<Rule> rules = new ArrayList<>();
        boolean inRules = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("## ")) {
                inRules = line.trim().equals("## Rules");
                continue;
            }
            if (!inRules || !line.startsWith("|") || line.startsWith("| Rule ") || line.startsWith("|---")) {
                continue;
            }
            List<String> cells = cells(line);
            if (cells.size() != 7) {
                throw new IllegalArgumentException("RULES.md row needs 7 cells, has " + cells.size() + ": " + line);
            }
            rules.add(new Rule(cells.get(0), cells.get(1), cells.get(2), names(cells.get(3)), names(cells.get(4)),
                    names(cells.get(5))));
        }
        return new RuleManifest(List.copyOf(rules));
    }

    /**
     * Everything wrong with the manifest against the corpus: rules without an Allow or a deny case, unknown or unused
     * cases, and cases whose expected or simulated outcome contradicts their column.
     *
     * @param simulate the simulated outcome of a case (a decision or {@link SimulatorCorpus#INPUT_ERROR})
     */
    List<String> problems(Map<String, SimulatorCorpus.Case> corpus, Function<SimulatorCorpus.Case, String> simulate) {
        List<String> out = new ArrayList<>();
        if (rules.isEmpty()) {
            out.add("no rules in the manifest");
        }
        Set<String> ids = new HashSet<>();
        Set<String> named = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (!ID.matcher(r.id()).matches()) {
                out.add(r.id() + ": rule id must look like FAMILY-N");
            }
            if (!ids.add(r.id())) {
                out.add(r.id() + ": rule id used twice");
            }
            if (!r.source().startsWith("[") || !r.source().contains("§")) {
                out.add(r.id() + ": source must name a reference key and section, not '" + r.source() + "'");
            }
            if (r.allow().isEmpty()) {
                out.add(r.id() + ": no Allow case");
            }
            if (r.deny().isEmpty()) {
                out.add(r.id() + ": no deny case");
            }
            check(r.id(), r.allow(), "Allow", Set.of(SimulationResult.ALLOW), corpus, simulate, out);
            check(r.id(), r.deny(), "Deny", Set.of(SimulationResult.IMPLICIT_DENY, SimulationResult.EXPLICIT_DENY), corpus,
                    simulate, out);
            check(r.id(), r.rejected(), "Rejected", Set.of(SimulatorCorpus.INPUT_ERROR), corpus, simulate, out);
            named.addAll(r.allow());
            named.addAll(r.deny());
            named.addAll(r.rejected());
        }
        for (String name : corpus.keySet()) {
            if (!named.contains(name)) {
                out.add("corpus case '" + name + "' is not named by any rule");
            }
        }
        return out;
    }

    private static void check(String id, List<String> names, String column, Set<String> allowed,
            Map<String, SimulatorCorpus.Case> corpus, Function<SimulatorCorpus.Case, String> simulate, List<String> out) {
        for (String name : names) {
            SimulatorCorpus.Case c = corpus.get(name);
            if (c == null) {
                out.add(id + ": case '" + name + "' (" + column + ") does not exist in the corpus");
                continue;
            }
            if (!allowed.contains(c.expected())) {
                out.add(id + ": case '" + name + "' is in the " + column + " column but expects " + c.expected());
            }
            String actual = simulate.apply(c);
            if (!allowed.contains(actual)) {
                out.add(id + ": case '" + name + "' is in the " + column + " column but the simulator says " + actual);
            }
        }
    }

    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        String body = line.trim();
        body = body.substring(1, body.endsWith("|") && !body.endsWith("\\|") ? body.length() - 1 : body.length());
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (ch == '|') {
                out.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString().trim());
        return out;
    }

    private static List<String> names(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = CASE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return List.copyOf(out);
    }
}
