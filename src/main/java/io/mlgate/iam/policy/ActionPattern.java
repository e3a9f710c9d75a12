package io.mlgate.iam.policy;

import java.util.Locale;

/** An entry of an Action/NotAction element, e.g. {@code sagemaker:Invoke*}; matched case-insensitively. */
public final class ActionPattern {

    private final String text;
    private final GlobPattern glob;

    private ActionPattern(String text) {
        this.text = text;
        this.glob = GlobPattern.compile(text.toLowerCase(Locale.ROOT), GlobPattern.Mode.PLAIN);
    }

    /**
     * Compiles an action pattern: {@code *} or {@code service:action} where both parts may hold {@code *} and
     * {@code ?}.
     *
     * @throws IllegalArgumentException if the text is not a valid action pattern
     */
    public static ActionPattern of(String text) {
        if (text.equals("*")) {
            return new ActionPattern(text);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("action '" + text + "' has no service prefix (expected service:Action or *)");
        }
        if (colon == 0 || colon == text.length() - 1 || text.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("action '" + text + "' is not of the form service:Action");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '*' || c == '?' || c == '-' || c == '_' || c == ':';
            if (!ok) {
                throw new IllegalArgumentException("action '" + text + "' contains the invalid character '" + c + "'");
            }
        }
        return new ActionPattern(text);
    }

    /** The pattern as written. */
    public String text() {
        return text;
    }

    /** @param lowerCaseAction the requested action, lower-cased with {@link Locale#ROOT} */
    public boolean matches(String lowerCaseAction) {
        return glob.matches(lowerCaseAction);
    }

    @Override
    public String toString() {
        return text;
    }
}
