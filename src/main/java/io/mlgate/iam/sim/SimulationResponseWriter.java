package io.mlgate.iam.sim;

import java.util.List;
import java.util.Map;

import io.mlgate.protocol.query.XmlWriter;

/**
 * Writes a SimulatePolicyResponse (the content of {@code SimulateCustomPolicyResult} /
 * {@code SimulatePrincipalPolicyResult}) in the IAM model's member order: EvaluationResults, IsTruncated, Marker.
 */
final class SimulationResponseWriter {

    private SimulationResponseWriter() {
    }

    static void write(XmlWriter w, List<WireSimulation.ActionResult> results, boolean specificResources, String marker) {
        w.start("EvaluationResults");
        for (WireSimulation.ActionResult a : results) {
            w.start("member");
            w.element("EvalActionName", a.action());
            w.element("EvalResourceName", "*"); // the ARN template of the resource type; mlgate has no catalogue of them
            w.element("EvalDecision", a.decision());
            statements(w, a.matched());
            strings(w, "MissingContextValues", a.missingContextValues());
            if (a.allowedByOrganizations() != null) {
                w.start("OrganizationsDecisionDetail")
                        .element("AllowedByOrganizations", a.allowedByOrganizations().booleanValue()).end();
            }
            boundary(w, a.allowedByBoundary());
            details(w, a.details());
            if (specificResources) {
                w.start("ResourceSpecificResults");
                for (WireSimulation.ResourceResult r : a.resources()) {
                    w.start("member");
                    w.element("EvalResourceName", r.resource());
                    w.element("EvalResourceDecision", r.decision());
                    statements(w, r.matched());
                    strings(w, "MissingContextValues", r.missingContextValues());
                    details(w, r.details()); // only cross-account results have a breakdown
                    boundary(w, r.allowedByBoundary());
                    w.end();
                }
                w.end();
            }
            w.end();
        }
        w.end();
        w.element("IsTruncated", marker != null);
        w.element("Marker", marker);
    }

    private static void statements(XmlWriter w, List<WireSimulation.Matched> matched) {
        w.start("MatchedStatements");
        for (WireSimulation.Matched m : matched) {
            w.start("member");
            w.element("SourcePolicyId", m.policy().sourceId());
            w.element("SourcePolicyType", m.policy().sourceType());
            StatementSpans.Span span = m.policy().span(m.statement().index());
            if (span != null) {
                position(w, "StartPosition", span.start());
                position(w, "EndPosition", span.end());
            }
            w.end();
        }
        w.end();
    }

    private static void position(XmlWriter w, String name, StatementSpans.Position p) {
        w.start(name).element("Line", p.line()).element("Column", p.column()).end();
    }

    private static void strings(XmlWriter w, String name, List<String> values) {
        w.start(name);
        for (String v : values) {
            w.element("member", v);
        }
        w.end();
    }

    private static void boundary(XmlWriter w, Boolean allowed) {
        if (allowed != null) {
            w.start("PermissionsBoundaryDecisionDetail").element("AllowedByPermissionsBoundary", allowed.booleanValue())
                    .end();
        }
    }

    private static void details(XmlWriter w, Map<String, String> details) {
        if (details == null) {
            return;
        }
        w.start("EvalDecisionDetails");
        for (Map.Entry<String, String> e : details.entrySet()) {
            w.start("entry").element("key", e.getKey()).element("value", e.getValue()).end();
        }
        w.end();
    }
}
