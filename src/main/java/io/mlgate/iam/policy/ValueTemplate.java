package io.mlgate.iam.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A policy value that may contain policy variables ({@code ${aws:username}}, {@code ${aws:PrincipalTag/team, 'x'}},
 * and the literal escapes {@code ${*}}, {@code ${?}}, {@code ${$}}). Parsed once at load; resolution per request
 * only happens for values that really contain variables.
 */
final class ValueTemplate {

    /** A policy variable reference. */
    record Variable(String lowerKey, String defaultValue) {
    }

    /** A character written as {@code ${*}}, {@code ${?}} or {@code ${$}}: always literal, never a wildcard. */
    record Escaped(char c) {
    }

    private final String text;
    private final Object[] parts; // String (pattern text), Escaped, or Variable
    private final boolean hasVariables;

    private ValueTemplate(String text, Object[] parts, boolean hasVariables) {
        this.text = text;
        this.parts = parts;
        this.hasVariables = hasVariables;
    }

    /** A template without variable processing (policy Version 2008-10-17 or absent): the text is taken as written. */
    static ValueTemplate literal(String text) {
        return new ValueTemplate(text, new Object[] {text}, false);
    }

    /**
     * Parses variables in {@code text}.
     *
     * @throws IllegalArgumentException with a user-facing message when a variable is malformed
     */
    static ValueTemplate parse(String text) {
        if (text.indexOf("${") < 0) {
            return literal(text);
        }
        List<Object> parts = new ArrayList<>();
        boolean vars = false;
        int i = 0;
        StringBuilder lit = new StringBuilder();
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            if (start < 0) {
                lit.append(text, i, text.length());
                break;
            }
            lit.append(text, i, start);
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated policy variable in '" + text + "' (missing '}')");
            }
            String inner = text.substring(start + 2, end);
            if (lit.length() > 0) {
                parts.add(lit.toString());
                lit.setLength(0);
            }
            if (inner.equals("*") || inner.equals("?") || inner.equals("$")) {
                parts.add(new Escaped(inner.charAt(0)));
            } else {
                parts.add(parseVariable(inner, text));
                vars = true;
            }
            i = end + 1;
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return new ValueTemplate(text, parts.toArray(), vars);
    }

    private static Variable parseVariable(String inner, String text) {
        String key = inner;
        String def = null;
        int comma = inner.indexOf(',');
        if (comma >= 0) {
            key = inner.substring(0, comma);
            String rest = inner.substring(comma + 1).trim();
            if (rest.length() < 2 || rest.charAt(0) != '\'' || rest.charAt(rest.length() - 1) != '\'') {
                throw new IllegalArgumentException("policy variable default value must be in single quotes: '${" + inner + "}'");
            }
            def = rest.substring(1, rest.length() - 1);
        }
        key = key.trim();
        int colon = key.indexOf(':');
        if (colon <= 0 || colon == key.length() - 1) {
            throw new IllegalArgumentException("policy variable '${" + inner + "}' does not name a condition key (expected prefix:name) in '" + text + "'");
        }
        return new Variable(key.toLowerCase(Locale.ROOT), def);
    }

    String text() {
        return text;
    }

    boolean hasVariables() {
        return hasVariables;
    }

    /** Number of colons written before the first variable (used to check where variables appear in ARNs). */
    int colonsBeforeFirstVariable() {
        int colons = 0;
        for (Object p : parts) {
            if (p instanceof Variable) {
                return colons;
            }
            if (p instanceof String s) {
                colons += count(s, ':');
            } else if (p instanceof Escaped e && e.c() == ':') {
                colons++;
            }
        }
        return -1;
    }

    /** The value with variables substituted, or {@code null} if a variable has no single value and no default. */
    String resolve(ConditionKeys keys) {
        if (parts.length == 1 && parts[0] instanceof String s) {
            return s;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (Object p : parts) {
            if (p instanceof String s) {
                sb.append(s);
            } else if (p instanceof Escaped e) {
                sb.append(e.c());
            } else {
                String v = valueOf((Variable) p, keys);
                if (v == null) {
                    return null;
                }
                sb.append(v);
            }
        }
        return sb.toString();
    }

    /**
     * Wildcard tokens for this template (see {@link GlobPattern#tokenize}); variable values and escapes are literal.
     * Returns {@code null} if a variable cannot be resolved. With {@code keys == null} the template must be free of
     * variables.
     */
    int[] tokens(GlobPattern.Mode mode, ConditionKeys keys) {
        int[][] pieces = new int[parts.length][];
        int colons = 0;
        int total = 0;
        for (int k = 0; k < parts.length; k++) {
            Object p = parts[k];
            int[] piece;
            if (p instanceof String s) {
                piece = GlobPattern.tokenize(s, mode, colons, k == parts.length - 1);
                colons += count(s, ':');
            } else {
                String v = p instanceof Escaped e ? String.valueOf(e.c()) : valueOf((Variable) p, keys);
                if (v == null) {
                    return null;
                }
                piece = new int[v.length()];
                for (int i = 0; i < v.length(); i++) {
                    piece[i] = v.charAt(i);
                }
                colons += count(v, ':');
            }
            pieces[k] = piece;
            total += piece.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] piece : pieces) {
            System.arraycopy(piece, 0, out, at, piece.length);
            at += piece.length;
        }
        return out;
    }

    /**
     * The values the variables take for {@code keys}, as a cache key for the resolved pattern: the value itself when
     * the template has one variable (no allocation), a list of values otherwise; {@code null} if a variable cannot
     * be resolved. Two key sets with equal results resolve the template to the same tokens.
     */
    Object variableValues(ConditionKeys keys) {
        String single = null;
        java.util.List<String> many = null;
        int variables = 0;
        for (Object p : parts) {
            if (p instanceof Variable variable) {
                String v = valueOf(variable, keys);
                if (v == null) {
                    return null;
                }
                if (variables == 0) {
                    single = v;
                } else {
                    if (many == null) {
                        many = new java.util.ArrayList<>(4);
                        many.add(single);
                    }
                    many.add(v);
                }
                variables++;
            }
        }
        if (variables == 0) {
            return ""; // escapes only (${*}, ${?}, ${$}): one resolution for every request
        }
        return many != null ? many : single;
    }

    private static String valueOf(Variable v, ConditionKeys keys) {
        List<String> values = keys == null ? null : keys.values(v.lowerKey());
        if (values != null && values.size() == 1) {
            return values.get(0);
        }
        return v.defaultValue();
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
