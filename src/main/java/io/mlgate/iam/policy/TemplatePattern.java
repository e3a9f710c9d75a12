package io.mlgate.iam.policy;

/**
 * A wildcard pattern written in a policy, possibly with policy variables: compiled once at load when it has no
 * variables, otherwise completed with the request's values at evaluation.
 */
final class TemplatePattern {

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
        int[] tokens = template.tokens(mode, keys);
        return tokens != null && GlobPattern.ofTokens(tokens).matches(value);
    }
}
