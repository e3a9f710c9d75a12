package io.mlgate.iam.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.json.SourceValue;

/** Typed, validating access to the members of one JSON object of a configuration file; problems go to diagnostics. */
final class Fields {

    private final SourceValue.Obj obj;
    private final Diagnostics d;

    Fields(SourceValue.Obj obj, String what, List<String> known, Diagnostics d) {
        this.obj = obj;
        this.d = d;
        for (SourceValue.Member m : obj.members().values()) {
            if (!known.contains(m.name())) {
                d.error(m.namePosition(), unknownElement(m.name(), known, what));
            }
        }
    }

    static String unknownElement(String name, List<String> known, String what) {
        for (String k : known) {
            if (k.equalsIgnoreCase(name)) {
                return "unknown element '" + name + "' in " + what + " (did you mean '" + k + "'? element names are case-sensitive)";
            }
        }
        return "unknown element '" + name + "' in " + what + " (expected one of " + String.join(", ", known) + ")";
    }

    SourcePosition position() {
        return obj.position();
    }

    SourceValue value(String name) {
        SourceValue.Member m = obj.members().get(name);
        return m == null ? null : m.value();
    }

    SourcePosition positionOf(String name) {
        SourceValue v = value(name);
        return v == null ? obj.position() : v.position();
    }

    String requiredString(String name) {
        SourceValue v = value(name);
        if (v == null) {
            d.error(obj, "missing required element '" + name + "'");
            return null;
        }
        return string(v, name);
    }

    String optionalString(String name, String defaultValue) {
        SourceValue v = value(name);
        return v == null ? defaultValue : string(v, name);
    }

    private String string(SourceValue v, String name) {
        if (v instanceof SourceValue.Str s) {
            return s.value();
        }
        d.error(v, name + " must be a string, not " + v.kind());
        return null;
    }

    Integer optionalInt(String name, int defaultValue) {
        SourceValue v = value(name);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof SourceValue.Num n) {
            try {
                return Integer.parseInt(n.text());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        d.error(v, name + " must be a whole number, not " + v.kind());
        return null;
    }

    /** An optional array of strings (absent: empty). */
    List<SourceValue.Str> stringList(String name) {
        SourceValue v = value(name);
        List<SourceValue.Str> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof SourceValue.Arr arr)) {
            d.error(v, name + " must be an array of strings, not " + v.kind());
            return out;
        }
        for (SourceValue e : arr.elements()) {
            if (e instanceof SourceValue.Str s) {
                out.add(s);
            } else {
                d.error(e, "each " + name + " entry must be a string, not " + e.kind());
            }
        }
        return out;
    }

    /** An optional object whose members are all objects (absent: empty). */
    Map<String, SourceValue.Member> objectMembers(String name) {
        SourceValue v = value(name);
        Map<String, SourceValue.Member> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof SourceValue.Obj o)) {
            d.error(v, name + " must be an object, not " + v.kind());
            return out;
        }
        for (SourceValue.Member m : o.members().values()) {
            if (m.value() instanceof SourceValue.Obj) {
                out.put(m.name(), m);
            } else {
                d.error(m.value(), name + " entry '" + m.name() + "' must be an object, not " + m.value().kind());
            }
        }
        return out;
    }
}
