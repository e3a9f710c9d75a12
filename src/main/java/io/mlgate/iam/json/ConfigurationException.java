package io.mlgate.iam.json;

import java.util.List;

/**
 * Thrown when configuration (a policy document or the policies/ directory) is invalid; carries every problem found,
 * each naming its source, line and column. Messages never contain secrets or request data, only configuration text.
 */
public class ConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final int PROBLEMS_IN_MESSAGE = 20;

    private final transient List<ConfigurationProblem> problems;

    public ConfigurationException(List<ConfigurationProblem> problems) {
        super(render(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in source order per file. */
    public List<ConfigurationProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigurationProblem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size()).append(problems.size() == 1 ? " configuration problem" : " configuration problems");
        int shown = 0;
        for (ConfigurationProblem p : problems) {
            if (shown++ == PROBLEMS_IN_MESSAGE) {
                sb.append("\n  ... and ").append(problems.size() - PROBLEMS_IN_MESSAGE).append(" more");
                break;
            }
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
