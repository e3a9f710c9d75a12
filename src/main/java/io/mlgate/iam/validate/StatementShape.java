package io.mlgate.iam.validate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.json.SourceValue;
import io.mlgate.iam.policy.ActionPattern;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.ResourcePattern;

/**
 * What a statement with an Action (not NotAction) and a Resource (or, in trust policies, none) grants or denies, in
 * a form that lets two statements be compared: lower-cased actions, resources, and canonical Condition and Principal
 * text.
 *
 * @param resources null when the statement has no Resource element (applies to any resource)
 * @param condition canonical JSON of the Condition element, null when there is none
 * @param principal canonical JSON of Principal/NotPrincipal, empty when there is none
 */
record StatementShape(int index, String path, String sid, SourcePosition position, boolean allow, List<String> actions,
        List<String> resources, String condition, String principal) {

    static Optional<StatementShape> of(int index, String path, SourceValue.Obj s, String effect, List<String> actions,
            List<String> resources, PolicyKind kind, boolean variables) {
        if (!effect.equals("Allow") && !effect.equals("Deny") || actions.isEmpty()) {
            return Optional.empty();
        }
        if (resources == null ? kind != PolicyKind.TRUST : resources.isEmpty()) {
            return Optional.empty();
        }
        try {
            for (String a : actions) {
                ActionPattern.of(a);
            }
            if (resources != null) {
                for (String r : resources) {
                    ResourcePattern.of(r, variables);
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        SourceValue.Member c = s.members().get("Condition");
        SourceValue.Member p = s.members().get("Principal");
        SourceValue.Member np = s.members().get("NotPrincipal");
        String principal = p != null ? "Principal=" + canonical(p.value())
                : np != null ? "NotPrincipal=" + canonical(np.value()) : "";
        String sid = s.members().get("Sid") != null && s.members().get("Sid").value() instanceof SourceValue.Str str
                ? str.value() : null;
        return Optional.of(new StatementShape(index, path, sid, s.position(), effect.equals("Allow"),
                actions.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList(), resources,
                c == null ? null : canonical(c.value()), principal));
    }

    /** A label for messages: the statement's path and its Sid, if any. */
    String label() {
        return sid == null ? path : path + " (Sid '" + sid + "')";
    }

    /** JSON text of a value with object members sorted by name, so equal meaning gives equal text. */
    static String canonical(SourceValue v) {
        StringBuilder sb = new StringBuilder();
        canonical(v, sb);
        return sb.toString();
    }

    private static void canonical(SourceValue v, StringBuilder sb) {
        if (v instanceof SourceValue.Obj obj) {
            Map<String, SourceValue> sorted = new TreeMap<>();
            obj.members().values().forEach(m -> sorted.put(m.name(), m.value()));
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, SourceValue> e : sorted.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(e.getKey(), sb);
                sb.append(':');
                canonical(e.getValue(), sb);
            }
            sb.append('}');
        } else if (v instanceof SourceValue.Arr arr) {
            sb.append('[');
            for (int i = 0; i < arr.elements().size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                canonical(arr.elements().get(i), sb);
            }
            sb.append(']');
        } else if (v instanceof SourceValue.Str s) {
            quote(s.value(), sb);
        } else if (v instanceof SourceValue.Num n) {
            sb.append(n.text());
        } else if (v instanceof SourceValue.Bool b) {
            sb.append(b.value());
        } else {
            sb.append("null");
        }
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }
}
