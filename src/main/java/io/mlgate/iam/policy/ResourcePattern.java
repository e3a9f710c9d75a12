package io.mlgate.iam.policy;

/**
 * An entry of a Resource/NotResource element: {@code *} or an ARN pattern, matched case-sensitively with
 * {@code *}/{@code ?} inside segments (a {@code *} ending a segment may run across colons). Policy variables are
 * allowed after the fifth colon under Version 2012-10-17.
 */
public final class ResourcePattern {

    private final TemplatePattern pattern;

    private ResourcePattern(TemplatePattern pattern) {
        this.pattern = pattern;
    }

    /**
     * Compiles a resource pattern.
     *
     * @param variables whether policy variables are processed (policy Version 2012-10-17)
     * @throws IllegalArgumentException if the text is not {@code *} or a valid ARN pattern
     */
    public static ResourcePattern of(String text, boolean variables) {
        if (text.equals("*")) {
            return new ResourcePattern(new TemplatePattern(ValueTemplate.literal(text), GlobPattern.Mode.RESOURCE));
        }
        if (!text.startsWith("arn:")) {
            throw new IllegalArgumentException("resource '" + text + "' is neither * nor an ARN (arn:partition:service:region:account:resource)");
        }
        String[] segments = text.split(":", 6);
        if (segments.length < 6 && !text.endsWith("*")) {
            throw new IllegalArgumentException("resource '" + text + "' has fewer than six ARN segments");
        }
        if (segments.length > 2 && (segments[2].indexOf('*') >= 0 || segments[2].indexOf('?') >= 0)) {
            throw new IllegalArgumentException("resource '" + text + "' uses a wildcard in the service segment");
        }
        if (segments.length > 2 && segments[2].isEmpty()) {
            throw new IllegalArgumentException("resource '" + text + "' has an empty service segment");
        }
        ValueTemplate template = variables ? ValueTemplate.parse(text) : ValueTemplate.literal(text);
        if (template.hasVariables()) {
            int colons = template.colonsBeforeFirstVariable();
            if (colons < 5) {
                throw new IllegalArgumentException("resource '" + text + "' uses a policy variable before the resource part (only allowed after the fifth colon)");
            }
        }
        return new ResourcePattern(new TemplatePattern(template, GlobPattern.Mode.RESOURCE));
    }

    /** The pattern as written. */
    public String text() {
        return pattern.text();
    }

    /** Whether the resource ARN matches; an unresolvable policy variable matches nothing. */
    public boolean matches(String resourceArn, ConditionKeys keys) {
        return pattern.matches(resourceArn, keys);
    }

    @Override
    public String toString() {
        return text();
    }
}
