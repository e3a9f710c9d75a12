package io.mlgate.iam.guardrail;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an OPA entrypoint's value into a {@link GuardrailDecision}. The value is either a bare boolean ({@code true}
 * allows) or an object {@code {"allow": bool, "reasons": [string...], "cacheable": bool}} ({@code reasons} and
 * {@code cacheable} optional, other members ignored). An undefined value (empty result set, no {@code result}
 * member) and anything else is an ERROR decision: fail closed. Reasons are bounded in number and length and stripped
 * of control characters, since they go into AccessDenied messages and audit events.
 */
public final class OpaResults {

    static final int MAX_REASONS = 10;
    static final int MAX_REASON_CHARS = 256;
    /** Reason given when a policy denies with a bare {@code false} or without reasons. */
    static final String NO_REASON = "denied by the guardrail policy (no reason given)";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OpaResults() {
    }

    /** An OPA Wasm evaluation's result set, e.g. {@code [{"result": true}]}. */
    public static GuardrailDecision fromWasmResultSet(String guardrail, String resultSet) {
        JsonNode root;
        try {
            root = JSON.readTree(resultSet);
        } catch (JacksonException e) {
            return GuardrailDecision.error(guardrail, "the policy's result set is not JSON");
        }
        if (root == null || !root.isArray()) {
            return GuardrailDecision.error(guardrail, "the policy's result set is not a JSON array");
        }
        if (root.isEmpty()) {
            return GuardrailDecision.error(guardrail, "the policy's entrypoint is undefined for this input");
        }
        if (root.size() > 1) {
            return GuardrailDecision.error(guardrail, "the policy returned more than one result");
        }
        JsonNode first = root.get(0);
        if (!first.isObject() || !first.has("result")) {
            return GuardrailDecision.error(guardrail, "the policy's entrypoint is undefined for this input");
        }
        return fromValue(guardrail, first.get("result"));
    }

    /** An OPA Data API response body, e.g. {@code {"result": {"allow": false, "reasons": ["..."]}}}. */
    public static GuardrailDecision fromDataApiResponse(String guardrail, byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return GuardrailDecision.error(guardrail, "the OPA server's answer is not JSON");
        }
        if (root == null || !root.isObject()) {
            return GuardrailDecision.error(guardrail, "the OPA server's answer is not a JSON object");
        }
        if (!root.has("result")) {
            return GuardrailDecision.error(guardrail, "the OPA server's decision is undefined for this input");
        }
        return fromValue(guardrail, root.get("result"));
    }

    /** The entrypoint's value itself (a boolean or a decision object). */
    public static GuardrailDecision fromValue(String guardrail, JsonNode value) {
        if (value == null || value.isNull()) {
            return GuardrailDecision.error(guardrail, "the policy's decision is null");
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? GuardrailDecision.allow(guardrail, false)
                    : GuardrailDecision.deny(guardrail, List.of(NO_REASON), false);
        }
        if (!value.isObject()) {
            return GuardrailDecision.error(guardrail, "the policy's decision is neither a boolean nor an object");
        }
        JsonNode allow = value.get("allow");
        if (allow == null || !allow.isBoolean()) {
            return GuardrailDecision.error(guardrail, "the policy's decision has no boolean \"allow\"");
        }
        boolean cacheable = false;
        JsonNode c = value.get("cacheable");
        if (c != null) {
            if (!c.isBoolean()) {
                return GuardrailDecision.error(guardrail, "the policy's \"cacheable\" is not a boolean");
            }
            cacheable = c.booleanValue();
        }
        List<String> reasons = new ArrayList<>();
        JsonNode r = value.get("reasons");
        if (r != null && !r.isNull()) {
            if (!r.isArray()) {
                return GuardrailDecision.error(guardrail, "the policy's \"reasons\" is not an array");
            }
            for (JsonNode reason : r) {
                if (!reason.isString()) {
                    return GuardrailDecision.error(guardrail, "the policy's \"reasons\" holds a non-string");
                }
                if (reasons.size() < MAX_REASONS) {
                    reasons.add(clean(reason.stringValue()));
                }
            }
        }
        if (allow.booleanValue()) {
            return GuardrailDecision.allow(guardrail, cacheable);
        }
        if (reasons.isEmpty()) {
            reasons.add(NO_REASON);
        }
        return GuardrailDecision.deny(guardrail, reasons, cacheable);
    }

    static String clean(String reason) {
        StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON_CHARS));
        for (int i = 0; i < reason.length() && out.length() < MAX_REASON_CHARS; i++) {
            char ch = reason.charAt(i);
            out.append(Character.isISOControl(ch) ? ' ' : ch);
        }
        if (reason.length() > MAX_REASON_CHARS) {
            out.setLength(MAX_REASON_CHARS - 1);
            out.append('…');
        }
        return out.toString();
    }
}
