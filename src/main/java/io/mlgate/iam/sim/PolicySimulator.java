package io.mlgate.iam.sim;

import io.mlgate.iam.guardrail.GuardrailInput;
import io.mlgate.iam.guardrail.GuardrailResult;
import io.mlgate.iam.guardrail.GuardrailSet;

import java.util.ArrayList;
import java.util.List;

import io.mlgate.iam.eval.AccessDeniedMessage;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.DecidingStatement;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourceReader;
import io.mlgate.iam.json.SourceValue;

/**
 * The IAM policy simulator: reads simulation inputs (policies plus one request each; see docs/policy-simulator.md),
 * evaluates them with the {@link PolicyEvaluator}, and returns one {@link SimulationResult} per input, in order.
 * Input is one JSON object, a JSON array of objects, or JSON Lines (one object per line). Invalid input is rejected
 * as a whole with every problem and its line and column.
 */
public final class PolicySimulator {

    private final PolicyEvaluator evaluator = new PolicyEvaluator();
    private final GuardrailSet guardrails;

    public PolicySimulator() {
        this.guardrails = null;
    }

    /**
     * A simulator that also asks these OPA guardrails when IAM allows (as the gateway does) and reports both
     * decisions. The caller keeps ownership of the set (and closes it).
     */
    public PolicySimulator(GuardrailSet guardrails) {
        this.guardrails = java.util.Objects.requireNonNull(guardrails, "guardrails");
    }

    /**
     * Simulates every input in {@code text}.
     *
     * @param sourceName names the input in error messages (e.g. the file name)
     * @throws SimulationInputException if any input is invalid (nothing is evaluated then)
     */
    public List<SimulationResult> simulate(String text, String sourceName) throws SimulationInputException {
        Diagnostics d = new Diagnostics();
        List<Located> roots = inputs(text, sourceName, d);
        List<AuthorizationRequest> requests = new ArrayList<>();
        SimulationInputReader reader = new SimulationInputReader(d);
        for (Located root : roots) {
            requests.add(reader.read(root.value(), root.where()));
        }
        if (d.hasErrors()) {
            throw new SimulationInputException(d.problems());
        }
        List<SimulationResult> out = new ArrayList<>(requests.size());
        for (AuthorizationRequest r : requests) {
            out.add(simulate(r));
        }
        return out;
    }

    /** Evaluates one request (built by the caller) and reports it the way the simulator does. */
    public SimulationResult simulate(AuthorizationRequest request) {
        Decision decision = evaluator.evaluate(request);
        SimulationResult iam = simulateIam(request, decision);
        if (guardrails == null) {
            return iam;
        }
        GuardrailResult guarded = GuardrailResult.NONE;
        if (SimulationResult.ALLOW.equals(iam.decision())) {
            guarded = guardrails.evaluate(GuardrailInput.builder(request).iamDecision(decision).build()).join();
        }
        String explanation = iam.explanation();
        if (!guarded.allowed()) {
            explanation = guarded.accessDeniedMessage(request.principal().arn(), request.action(), request.resource())
                    + " (IAM: " + iam.explanation() + ")";
        }
        return new SimulationResult(iam.decision(), iam.matchedStatements(), explanation, guarded);
    }

    private SimulationResult simulateIam(AuthorizationRequest request, Decision decision) {
        List<MatchedStatement> matched = new ArrayList<>();
        for (DecidingStatement s : decision.statements()) {
            matched.add(new MatchedStatement(s.policyType().id(), s.policyName(), s.statementIndex(),
                    s.sid().orElse(null), s.effect().awsName()));
        }
        switch (decision.outcome()) {
            case ALLOW:
                return new SimulationResult(SimulationResult.ALLOW, matched, decision.explanation());
            case EXPLICIT_DENY:
                return new SimulationResult(SimulationResult.EXPLICIT_DENY, matched,
                        AccessDeniedMessage.render(request, decision) + " (" + decision.statements().get(0).describe() + ")");
            default:
                return new SimulationResult(SimulationResult.IMPLICIT_DENY, matched, AccessDeniedMessage.render(request, decision));
        }
    }

    private record Located(SourceValue value, String where) {
    }

    /** Splits the text into input objects: an array's elements, one object, or one object per JSON line. */
    private static List<Located> inputs(String text, String sourceName, Diagnostics d) {
        List<Located> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int firstLine = firstNonBlank(lines);
        if (firstLine < 0) {
            d.error(new io.mlgate.iam.json.SourcePosition(sourceName, 1, 1), "no input: expected a JSON object, an array of objects, or JSON Lines");
            return out;
        }
        if (lines[firstLine].trim().startsWith("{") && secondNonBlank(lines, firstLine) >= 0
                && SourceReader.read(lines[firstLine], sourceName, firstLine + 1, new Diagnostics()) != null) {
            // JSON Lines: the first line is a complete object and more lines follow
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                SourceValue v = SourceReader.read(lines[i], sourceName, i + 1, d);
                if (v != null) {
                    out.add(new Located(v, ""));
                }
            }
            return out;
        }
        SourceValue root = SourceReader.read(text, sourceName, d);
        if (root instanceof SourceValue.Arr arr) {
            if (arr.elements().isEmpty()) {
                d.error(arr, "the input array is empty");
            }
            for (SourceValue v : arr.elements()) {
                out.add(new Located(v, ""));
            }
        } else if (root != null) {
            out.add(new Located(root, ""));
        }
        return out;
    }

    private static int firstNonBlank(String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                return i;
            }
        }
        return -1;
    }

    private static int secondNonBlank(String[] lines, int first) {
        for (int i = first + 1; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                return i;
            }
        }
        return -1;
    }
}
