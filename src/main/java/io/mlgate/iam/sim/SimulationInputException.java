package io.mlgate.iam.sim;

import java.util.List;

import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.ConfigurationProblem;

/** Thrown when policy-simulator input is invalid; each problem names the field and its line and column. */
public final class SimulationInputException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    public SimulationInputException(List<ConfigurationProblem> problems) {
        super(problems);
    }
}
