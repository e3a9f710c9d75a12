package io.mlgate.iam.guardrail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.DecidingStatement;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PrincipalContext;

/**
 * The input document a guardrail policy sees as {@code input}: the request context the IAM evaluator saw, plus the
 * call's facts and the IAM decision, serialized once per call to compact JSON with a deterministic member order (so
 * equal inputs give equal text, which the external-OPA decision cache relies on). The shape is documented in
 * docs/opa-guardrails.md:
 *
 * <pre>{@code
 * {"user": "demo-analyst",                              // user name, else the ARN's last part (role session name)
 *  "principal": {"arn", "accountId", "type", "userId", "userName", "roleArn", "federatingUserArn", "provider",
 *                "orgId", "tags": {}, "sessionTags": {}},
 *  "action": "sagemaker:InvokeEndpoint", "resource": "arn:...",
 *  "resourceTags": {"stage": "experimental"},            // from aws:ResourceTag/*, keys lower-cased
 *  "context": {"aws:sourceip": ["10.0.0.7"], "mlgate:piidetected": ["false"], ...},   // keys lower-cased
 *  "endpoint": {"name", "targetVariant", "targetModel"},
 *  "payload": {"bytes": 123, "contentType": "text/csv"},
 *  "network": {"sourceIp", "vpcId", "vpcEndpointId"},
 *  "time": {"epochSeconds": 1795000000, "hourUtc": 14, "minuteUtc": 5, "weekdayUtc": "Friday"},  // aws:EpochTime
 *  "iam": {"decision": "Allow"|"ExplicitDeny"|"ImplicitDeny", "policyType": "identity", "statements": ["..."]}}
 * }</pre>
 *
 * Absent facts are left out (never {@code null}). The payload itself is never part of the input, only its size and
 * type, and {@code mlgate:PiiDetected}/{@code mlgate:PiiTypes} from the PII step.
 */
public final class GuardrailInput {

    private static final String RESOURCE_TAG = "aws:resourcetag/";
    private static final String ENDPOINT_ARN = ":endpoint/";

    private final String json;

    private GuardrailInput(String json) {
        this.json = json;
    }

    /** The input as compact JSON. */
    public String json() {
        return json;
    }

    /** Wraps a ready-made input document (tests, the simulator's raw input); it must be a JSON object. */
    public static GuardrailInput ofJson(String json) {
        if (json == null || json.isBlank() || json.strip().charAt(0) != '{') {
            throw new IllegalArgumentException("a guardrail input is a JSON object");
        }
        return new GuardrailInput(json);
    }

    public static Builder builder(AuthorizationRequest request) {
        return new Builder(request);
    }

    @Override
    public String toString() {
        return json;
    }

    /** Builds an input from the request the IAM evaluator decided and the call's facts. */
    public static final class Builder {
        private final AuthorizationRequest request;
        private Decision iam;
        private String endpointName;
        private String targetVariant;
        private String targetModel;
        private long payloadBytes = -1;
        private String contentType;
        private String sourceIp;
        private String vpcId;
        private String vpcEndpointId;

        private Builder(AuthorizationRequest request) {
            this.request = request;
        }

        /** The IAM decision for the request (the input's {@code iam} member). */
        public Builder iamDecision(Decision decision) {
            this.iam = decision;
            return this;
        }

        /**
         * The endpoint called and the variant or model the caller asked for (null when absent). Without it, an
         * endpoint ARN as resource gives the name.
         */
        public Builder endpoint(String name, String targetVariant, String targetModel) {
            this.endpointName = name;
            this.targetVariant = targetVariant;
            this.targetModel = targetModel;
            return this;
        }

        /** The request body's size in bytes and its Content-Type (null when absent). */
        public Builder payload(long bytes, String contentType) {
            this.payloadBytes = bytes;
            this.contentType = contentType;
            return this;
        }

        /** Where the call came from: the source address, and the VPC and VPC endpoint when it came through one. */
        public Builder network(String sourceIp, String vpcId, String vpcEndpointId) {
            this.sourceIp = sourceIp;
            this.vpcId = vpcId;
            this.vpcEndpointId = vpcEndpointId;
            return this;
        }

        /**
         * The network from the request's condition keys, as the gateway set them from the verified connection: through
         * a VPC endpoint aws:VpcSourceIp, aws:SourceVpc and aws:SourceVpce, else aws:SourceIp (nothing when absent).
         */
        public Builder networkFromContext() {
            String vpce = single("aws:SourceVpce");
            String ip = vpce != null ? single("aws:VpcSourceIp") : single("aws:SourceIp");
            if (ip != null || vpce != null) {
                network(ip, vpce == null ? null : single("aws:SourceVpc"), vpce);
            }
            return this;
        }

        private String single(String key) {
            List<String> values = request.context().values(key);
            return values == null || values.size() != 1 ? null : values.get(0);
        }

        public GuardrailInput build() {
            StringBuilder out = new StringBuilder(1024);
            out.append('{');
            field(out, "user", user(request.principal()));
            out.append(',');
            principal(out, request.principal());
            out.append(',');
            field(out, "action", request.action());
            out.append(',');
            field(out, "resource", request.resource());
            TreeMap<String, List<String>> context = new TreeMap<>();
            TreeMap<String, String> resourceTags = new TreeMap<>();
            for (String key : request.context().keys()) {
                List<String> values = request.context().values(key);
                context.put(key, values);
                if (key.startsWith(RESOURCE_TAG) && values != null && values.size() == 1) {
                    resourceTags.put(key.substring(RESOURCE_TAG.length()), values.get(0));
                }
            }
            out.append(",\"resourceTags\":");
            object(out, resourceTags);
            out.append(",\"context\":{");
            boolean first = true;
            for (Map.Entry<String, List<String>> e : context.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, e.getKey());
                out.append(':');
                array(out, e.getValue() == null ? List.of() : e.getValue());
            }
            out.append('}');
            String name = endpointName != null ? endpointName : endpointFromArn(request.resource());
            if (name != null || targetVariant != null || targetModel != null) {
                out.append(",\"endpoint\":{");
                int n = optional(out, 0, "name", name);
                n = optional(out, n, "targetVariant", targetVariant);
                optional(out, n, "targetModel", targetModel);
                out.append('}');
            }
            if (payloadBytes >= 0 || contentType != null) {
                out.append(",\"payload\":{");
                int n = 0;
                if (payloadBytes >= 0) {
                    out.append("\"bytes\":").append(payloadBytes);
                    n++;
                }
                optional(out, n, "contentType", contentType);
                out.append('}');
            }
            if (sourceIp != null || vpcId != null || vpcEndpointId != null) {
                out.append(",\"network\":{");
                int n = optional(out, 0, "sourceIp", sourceIp);
                n = optional(out, n, "vpcId", vpcId);
                optional(out, n, "vpcEndpointId", vpcEndpointId);
                out.append('}');
            }
            time(out, request);
            if (iam != null) {
                out.append(",\"iam\":{");
                field(out, "decision", decisionText(iam.outcome()));
                out.append(',');
                field(out, "policyType", iam.policyType().id());
                out.append(",\"statements\":");
                List<String> statements = new ArrayList<>(iam.statements().size());
                for (DecidingStatement s : iam.statements()) {
                    statements.add(s.describe());
                }
                array(out, statements);
                out.append('}');
            }
            out.append('}');
            return new GuardrailInput(out.toString());
        }
    }

    private static final String[] WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
        "Sunday"};

    /**
     * The request time of aws:EpochTime broken into UTC fields, so working-hours rules need no time builtin (the Wasm
     * target implements only some of them).
     */
    private static void time(StringBuilder out, AuthorizationRequest request) {
        List<String> epoch = request.context().values("aws:EpochTime");
        if (epoch == null || epoch.size() != 1) {
            return;
        }
        long seconds;
        try {
            seconds = Long.parseLong(epoch.get(0));
        } catch (NumberFormatException e) {
            return;
        }
        long days = Math.floorDiv(seconds, 86_400L);
        long secondOfDay = Math.floorMod(seconds, 86_400L);
        int weekday = (int) Math.floorMod(days + 3, 7L); // 1970-01-01 was a Thursday (index 3 from Monday)
        out.append(",\"time\":{\"epochSeconds\":").append(seconds)
                .append(",\"hourUtc\":").append(secondOfDay / 3600)
                .append(",\"minuteUtc\":").append(secondOfDay % 3600 / 60)
                .append(",\"weekdayUtc\":\"").append(WEEKDAYS[weekday]).append("\"}");
    }

    /** The IAM outcome as policy tests and the simulator spell it. */
    public static String decisionText(Decision.Outcome outcome) {
        switch (outcome) {
            case ALLOW:
                return "Allow";
            case EXPLICIT_DENY:
                return "ExplicitDeny";
            default:
                return "ImplicitDeny";
        }
    }

    /** The caller's short name: the IAM user name, else the ARN's last part (a role session's name, "root"). */
    static String user(PrincipalContext p) {
        if (p.userName().isPresent()) {
            return p.userName().get();
        }
        String arn = p.arn();
        int cut = Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':'));
        return cut < 0 ? arn : arn.substring(cut + 1);
    }

    static String endpointFromArn(String arn) {
        if (!arn.startsWith("arn:aws:sagemaker:")) {
            return null;
        }
        int at = arn.indexOf(ENDPOINT_ARN);
        if (at < 0) {
            return null;
        }
        String name = arn.substring(at + ENDPOINT_ARN.length());
        return name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('*') >= 0 ? null : name;
    }

    private static void principal(StringBuilder out, PrincipalContext p) {
        out.append("\"principal\":{");
        field(out, "arn", p.arn());
        out.append(',');
        field(out, "accountId", p.accountId());
        out.append(',');
        field(out, "type", p.type().awsName());
        int n = 3;
        n = optional(out, n, "userId", p.userId().orElse(null));
        n = optional(out, n, "userName", p.userName().orElse(null));
        n = optional(out, n, "roleArn", p.roleArn().orElse(null));
        n = optional(out, n, "federatingUserArn", p.federatingUserArn().orElse(null));
        n = optional(out, n, "provider", p.provider().orElse(null));
        optional(out, n, "orgId", p.orgId().orElse(null));
        out.append(",\"tags\":");
        object(out, new TreeMap<>(p.tags()));
        out.append(",\"sessionTags\":");
        object(out, new TreeMap<>(p.sessionTags()));
        out.append('}');
    }

    private static int optional(StringBuilder out, int written, String name, String value) {
        if (value == null) {
            return written;
        }
        if (written > 0) {
            out.append(',');
        }
        field(out, name, value);
        return written + 1;
    }

    private static void field(StringBuilder out, String name, String value) {
        string(out, name);
        out.append(':');
        string(out, value);
    }

    private static void object(StringBuilder out, Map<String, String> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            field(out, e.getKey(), e.getValue());
        }
        out.append('}');
    }

    private static void array(StringBuilder out, List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, values.get(i));
        }
        out.append(']');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Appends a JSON string literal (RFC 8259), pure ASCII: everything outside printable ASCII as {@code \\uXXXX}. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        // ASCII only: the Wasm SDK sizes the input with the platform charset; a lone surrogate
                        // becomes U+FFFD so the text stays valid UTF-16 (and JSON)
                        char e = Character.isSurrogate(c) && !validSurrogate(s, i) ? '\uFFFD' : c;
                        out.append("\\u").append(HEX[e >> 12 & 0xF]).append(HEX[e >> 8 & 0xF])
                                .append(HEX[e >> 4 & 0xF]).append(HEX[e & 0xF]);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

}
