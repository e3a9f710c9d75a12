package io.mlgate.iam.sim;

import io.mlgate.iam.guardrail.GuardrailDecision;
import io.mlgate.iam.guardrail.GuardrailResult;

import java.io.StringWriter;
import java.util.List;
import java.util.Objects;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The simulator's answer for one input: the decision ({@code Allow}, {@code ImplicitDeny} or {@code ExplicitDeny}),
 * the statements that decided it, and an explanation (AWS's AccessDenied wording for denials); with OPA guardrails,
 * also what they decided ({@code guardrails}, null without them) and the final decision.
 */
public record SimulationResult(String decision, List<MatchedStatement> matchedStatements, String explanation,
                               GuardrailResult guardrails) {

    /** A result of IAM alone (no OPA guardrails configured). */
    public SimulationResult(String decision, List<MatchedStatement> matchedStatements, String explanation) {
        this(decision, matchedStatements, explanation, null);
    }

    public static final String ALLOW = "Allow";
    public static final String IMPLICIT_DENY = "ImplicitDeny";
    public static final String EXPLICIT_DENY = "ExplicitDeny";
    /** IAM allowed and an OPA guardrail denied. */
    public static final String GUARDRAIL_DENY = "GuardrailDeny";

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
            if (guardrails != null) {
                writeGuardrails(g);
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    /**
     * The decision after the OPA guardrails: IAM's, or {@code GuardrailDeny} when IAM allowed and a guardrail denied
     * (or failed: they fail closed). Without guardrails, IAM's decision.
     */
    public String finalDecision() {
        return ALLOW.equals(decision) && guardrails != null && !guardrails.allowed() ? GUARDRAIL_DENY : decision;
    }

    /**
     * {@code "guardrails": {"decision": "Allow"|"Deny"|"NotEvaluated", "decisions": [{"guardrail", "outcome",
     * "reasons"}]}, "finalDecision": ...}: guardrails are asked only when IAM allows, as in the gateway.
     */
    private void writeGuardrails(JsonGenerator g) {
        g.writeName("guardrails");
        g.writeStartObject();
        g.writeStringProperty("decision", !ALLOW.equals(decision) ? "NotEvaluated"
                : guardrails.allowed() ? "Allow" : "Deny");
        g.writeName("decisions");
        g.writeStartArray();
        for (GuardrailDecision d : guardrails.decisions()) {
            g.writeStartObject();
            g.writeStringProperty("guardrail", d.guardrail());
            g.writeStringProperty("outcome", d.outcome().name());
            g.writeName("reasons");
            g.writeStartArray();
            for (String reason : d.reasons()) {
                g.writeString(reason);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeStringProperty("finalDecision", finalDecision());
    }
}
