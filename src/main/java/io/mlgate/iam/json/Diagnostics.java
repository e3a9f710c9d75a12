package io.mlgate.iam.json;

import java.util.ArrayList;
import java.util.List;

/** Collects configuration problems while a source is validated, so one pass reports all of them. */
public final class Diagnostics {

    private final List<ConfigurationProblem> problems = new ArrayList<>();

    public void error(SourcePosition at, String message) {
        problems.add(new ConfigurationProblem(at, message));
    }

    public void error(SourceValue at, String message) {
        error(at.position(), message);
    }

    public void addAll(List<ConfigurationProblem> more) {
        problems.addAll(more);
    }

    public boolean hasErrors() {
        return !problems.isEmpty();
    }

    public int count() {
        return problems.size();
    }

    public List<ConfigurationProblem> problems() {
        return List.copyOf(problems);
    }

    /** Throws a {@link ConfigurationException} listing every problem, if there is any. */
    public void throwIfAny() throws ConfigurationException {
        if (hasErrors()) {
            throw new ConfigurationException(problems);
        }
    }
}
