package io.mlgate.iam.policy;

/**
 * A wildcard pattern written in a policy, possibly with policy variables: compiled once at load when it has no
 * variables, otherwise completed with the request's values at evaluation — and the compiled form is kept per
 * combination of variable values (a small bounded cache), so a principal's ${aws:username} or
 * ${aws:PrincipalTag/team} is compiled once, not on every request.
 */
final class TemplatePattern {

    /** Most distinct variable-value combinations kept per pattern; the cache is emptied when it is full. */
    static final int MAX_RESOLVED = 256;

    private final java.util.concurrent.ConcurrentHashMap<Object, GlobPattern> resolved =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final ValueTemplate template;
    private final GlobPattern.Mode mode;
    private final GlobPattern fixed;

    TemplatePattern(ValueTemplate template, GlobPattern.Mode mode) {
        this.template = template;
        this.mode = mode;
        this.fixed = template.hasVariables() ? null : GlobPattern.ofTokens(template.tokens(mode, null));
    }

    String text() {
        return template.text();
    }

    boolean matches(String value, ConditionKeys keys) {
        if (fixed != null) {
            return fixed.matches(value);
        }
        Object key = template.variableValues(keys);
        if (key == null) {
            return false;
        }
        GlobPattern glob = resolved.get(key);
        if (glob == null) {
            int[] tokens = template.tokens(mode, keys);
            if (tokens == null) {
                return false;
            }
            glob = GlobPattern.ofTokens(tokens);
            if (resolved.size() >= MAX_RESOLVED) {
                resolved.clear();
            }
            resolved.put(key, glob);
        }
        return glob.matches(value);
    }

    /** How many resolved forms are cached (for tests). */
    int resolvedCount() {
        return resolved.size();
    }
}
