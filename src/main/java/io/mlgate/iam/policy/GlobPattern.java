package io.mlgate.iam.policy;

import java.util.Arrays;

/**
 * A compiled wildcard pattern ({@code *} any run, {@code ?} one character) matched without regular expressions or
 * allocation in the common case. Wildcards are either "spanning" (may match a colon) or "segment-local" (may not),
 * which is how ARN segments are modelled. Matching is exact on characters: callers lower-case both sides when they
 * want case-insensitive matching.
 */
final class GlobPattern {

    static final int STAR_SPAN = -1;
    static final int STAR_LOCAL = -2;
    static final int ONE_SPAN = -3;
    static final int ONE_LOCAL = -4;

    /** How wildcards relate to colons when a pattern text is tokenised. */
    enum Mode {
        /** Wildcards match any character, colons included (actions, StringLike). */
        PLAIN,
        /**
         * IAM Resource element: in the first five colon-separated segments wildcards stay inside their segment,
         * except a {@code *} that is the last character of a segment, which may expand across colons; after the
         * fifth colon everything spans.
         */
        RESOURCE,
        /** ArnLike: wildcards stay inside each of the first five segments; the sixth (resource) part spans. */
        ARN_CONDITION
    }

    private enum Shape { EXACT, ANYTHING, PREFIX, GENERAL }

    private final int[] tokens;
    private final Shape shape;
    private final String literal; // for EXACT and PREFIX
    private final long starMask;  // for GENERAL with tokens.length < 64

    private GlobPattern(int[] tokens) {
        this.tokens = tokens;
        int wildcards = 0;
        for (int t : tokens) {
            if (t < 0) {
                wildcards++;
            }
        }
        if (wildcards == 0) {
            shape = Shape.EXACT;
            literal = literalOf(tokens, tokens.length);
        } else if (tokens.length == 1 && tokens[0] == STAR_SPAN) {
            shape = Shape.ANYTHING;
            literal = null;
        } else if (wildcards == 1 && tokens[tokens.length - 1] == STAR_SPAN) {
            shape = Shape.PREFIX;
            literal = literalOf(tokens, tokens.length - 1);
        } else {
            shape = Shape.GENERAL;
            literal = null;
        }
        long mask = 0;
        for (int i = 0; i < tokens.length && i < 63; i++) {
            if (tokens[i] == STAR_SPAN || tokens[i] == STAR_LOCAL) {
                mask |= 1L << i;
            }
        }
        starMask = mask;
    }

    /** Compiles pattern text in which every {@code *} and {@code ?} is a wildcard. */
    static GlobPattern compile(String text, Mode mode) {
        return new GlobPattern(tokenize(text, mode, 0, true));
    }

    /** Wraps pre-built tokens (see {@link #tokenize}). */
    static GlobPattern ofTokens(int[] tokens) {
        return new GlobPattern(tokens);
    }

    /**
     * Turns text into tokens. {@code colonsBefore} is the number of colons that precede this text in the whole pattern
     * (for RESOURCE and ARN_CONDITION modes); {@code endsPattern} tells whether the text is the end of the pattern.
     */
    static int[] tokenize(String text, Mode mode, int colonsBefore, boolean endsPattern) {
        int[] out = new int[text.length()];
        int colons = colonsBefore;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean inSegments = mode != Mode.PLAIN && colons < 5;
            if (c == '*') {
                if (!inSegments) {
                    out[i] = STAR_SPAN;
                } else if (mode == Mode.RESOURCE) {
                    boolean lastOfSegment = i + 1 < text.length() ? text.charAt(i + 1) == ':' : endsPattern;
                    out[i] = lastOfSegment ? STAR_SPAN : STAR_LOCAL;
                } else {
                    out[i] = STAR_LOCAL;
                }
            } else if (c == '?') {
                out[i] = inSegments ? ONE_LOCAL : ONE_SPAN;
            } else {
                out[i] = c;
                if (c == ':') {
                    colons++;
                }
            }
        }
        return out;
    }

    boolean isExact() {
        return shape == Shape.EXACT;
    }

    boolean matches(String s) {
        switch (shape) {
            case EXACT:
                return literal.equals(s);
            case ANYTHING:
                return true;
            case PREFIX:
                return s.startsWith(literal);
            default:
                return tokens.length < 63 ? matchSmall(s) : matchLarge(s);
        }
    }

    /** Runs the pattern as an NFA whose state set is the bits of one long (pattern shorter than 63 tokens). */
    private boolean matchSmall(String s) {
        final int m = tokens.length;
        final long accept = 1L << m;
        long cur = closure(1L);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            long next = 0;
            long bits = cur & ~accept;
            while (bits != 0) {
                int j = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                int t = tokens[j];
                if (t >= 0) {
                    if (t == c) {
                        next |= 1L << (j + 1);
                    }
                } else if (t == STAR_SPAN || (t == STAR_LOCAL && c != ':')) {
                    next |= 1L << j;
                } else if (t == ONE_SPAN || (t == ONE_LOCAL && c != ':')) {
                    next |= 1L << (j + 1);
                }
            }
            if (next == 0) {
                return false;
            }
            cur = closure(next);
        }
        return (cur & accept) != 0;
    }

    private long closure(long set) {
        long x = set;
        while (true) {
            long nx = x | ((x & starMask) << 1);
            if (nx == x) {
                return x;
            }
            x = nx;
        }
    }

    /** Same NFA as {@link #matchSmall} for long patterns, with boolean state arrays. */
    private boolean matchLarge(String s) {
        final int m = tokens.length;
        boolean[] cur = new boolean[m + 1];
        boolean[] next = new boolean[m + 1];
        cur[0] = true;
        closure(cur);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            Arrays.fill(next, false);
            boolean any = false;
            for (int j = 0; j < m; j++) {
                if (!cur[j]) {
                    continue;
                }
                int t = tokens[j];
                if (t >= 0) {
                    if (t == c) {
                        next[j + 1] = true;
                        any = true;
                    }
                } else if (t == STAR_SPAN || (t == STAR_LOCAL && c != ':')) {
                    next[j] = true;
                    any = true;
                } else if (t == ONE_SPAN || (t == ONE_LOCAL && c != ':')) {
                    next[j + 1] = true;
                    any = true;
                }
            }
            if (!any) {
                return false;
            }
            boolean[] tmp = cur;
            cur = next;
            next = tmp;
            closure(cur);
        }
        return cur[m];
    }

    private void closure(boolean[] set) {
        for (int j = 0; j < tokens.length; j++) {
            if (set[j] && (tokens[j] == STAR_SPAN || tokens[j] == STAR_LOCAL)) {
                set[j + 1] = true;
            }
        }
    }

    private static String literalOf(int[] tokens, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) tokens[i];
        }
        return new String(chars);
    }
}
