package io.mlgate.iam.config;

import java.util.Iterator;

import io.mlgate.iam.json.SourceValue;

/** Renders a {@link SourceValue} back to compact JSON text (numbers as written, members in source order). */
final class JsonText {

    private JsonText() {
    }

    static String compact(SourceValue value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    private static void write(SourceValue value, StringBuilder out) {
        if (value instanceof SourceValue.Obj o) {
            out.append('{');
            Iterator<SourceValue.Member> it = o.members().values().iterator();
            while (it.hasNext()) {
                SourceValue.Member m = it.next();
                string(m.name(), out);
                out.append(':');
                write(m.value(), out);
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value instanceof SourceValue.Arr a) {
            out.append('[');
            for (int i = 0; i < a.elements().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(a.elements().get(i), out);
            }
            out.append(']');
        } else if (value instanceof SourceValue.Str s) {
            string(s.value(), out);
        } else if (value instanceof SourceValue.Num n) {
            out.append(n.text());
        } else if (value instanceof SourceValue.Bool b) {
            out.append(b.value());
        } else {
            out.append("null");
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
