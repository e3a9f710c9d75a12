package io.mlgate.iam.policy;

import java.util.List;

import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.ConfigurationProblem;

/** Thrown when a policy document is not valid; each problem names the source, line, column and what is wrong. */
public final class PolicyParseException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    public PolicyParseException(List<ConfigurationProblem> problems) {
        super(problems);
    }
}
