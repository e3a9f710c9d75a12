package io.mlgate.iam.sim;

import java.io.StringWriter;
import java.util.List;
import java.util.Objects;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The simulator's answer for one input: the decision ({@code Allow}, {@code ImplicitDeny} or {@code ExplicitDeny}),
 * the statements that decided it, and an explanation (AWS's AccessDenied wording for denials).
 */
public record SimulationResult(String decision, List<MatchedStatement> matchedStatements, String explanation) {

    public static final String ALLOW = "Allow";
    public static final String IMPLICIT_DENY = "ImplicitDeny";
    public static final String EXPLICIT_DENY = "ExplicitDeny";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    public SimulationResult {
        Objects.requireNonNull(decision, "decision");
        matchedStatements = List.copyOf(matchedStatements);
        Objects.requireNonNull(explanation, "explanation");
    }

    /**
     * The result as one line of JSON: {@code {"decision": ..., "matchedStatements": [{"policyType", "policy",
     * "statementIndex", "sid", "effect"}, ...], "explanation": ...}} ({@code sid} only when the statement has one).
     */
    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeStringProperty("decision", decision);
            g.writeName("matchedStatements");
            g.writeStartArray();
            for (MatchedStatement s : matchedStatements) {
                g.writeStartObject();
                g.writeStringProperty("policyType", s.policyType());
                g.writeStringProperty("policy", s.policy());
                g.writeNumberProperty("statementIndex", s.statementIndex());
                if (s.sid() != null) {
                    g.writeStringProperty("sid", s.sid());
                }
                g.writeStringProperty("effect", s.effect());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringProperty("explanation", explanation);
            g.writeEndObject();
        }
        return out.toString();
    }
}
