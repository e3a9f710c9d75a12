package io.mlgate.iam.validate;

import java.util.List;

import io.mlgate.iam.policy.ActionPattern;
import io.mlgate.iam.policy.ResourcePattern;

/**
 * Finds statements that add nothing: an Allow always overridden by an unconditional Deny of the same policy
 * (unreachable), or a statement whose actions and resources another statement with the same effect, principal and
 * condition already covers (redundant). The comparison is conservative: it only reports coverage it can prove.
 */
final class StatementCoverage {

    private StatementCoverage() {
    }

    static void check(List<StatementShape> shapes, boolean variables, List<Finding> out) {
        for (StatementShape s : shapes) {
            StatementShape denier = null;
            if (s.allow()) {
                for (StatementShape t : shapes) {
                    if (!t.allow() && t.condition() == null && principalCovers(t, s) && grantCovers(t, s, variables)) {
                        denier = t;
                        break;
                    }
                }
            }
            if (denier != null) {
                out.add(Finding.of(FindingCode.UNREACHABLE_STATEMENT, s.position(), s.path(),
                        "this Allow never takes effect: the unconditional Deny at " + denier.label()
                                + " covers all its actions and resources"));
                continue;
            }
            for (StatementShape t : shapes) {
                if (t == s || t.allow() != s.allow() || !t.principal().equals(s.principal())) {
                    continue;
                }
                if (t.condition() != null && !t.condition().equals(s.condition())) {
                    continue;
                }
                if (!grantCovers(t, s, variables)) {
                    continue;
                }
                boolean mutual = (s.condition() == null ? t.condition() == null : s.condition().equals(t.condition()))
                        && grantCovers(s, t, variables);
                if (mutual && s.index() < t.index()) {
                    continue; // report only the later of two equivalent statements
                }
                out.add(Finding.of(FindingCode.REDUNDANT_STATEMENT, s.position(), s.path(),
                        "this statement is redundant: " + t.label() + " already " + (s.allow() ? "allows" : "denies")
                                + " all its actions and resources" + (t.condition() == null ? "" : " under the same Condition")));
                break;
            }
        }
    }

    private static boolean principalCovers(StatementShape t, StatementShape s) {
        return t.principal().equals(s.principal()) || t.principal().equals("Principal=\"*\"");
    }

    /** Whether every action and resource {@code s} names is also named by {@code t}. */
    static boolean grantCovers(StatementShape t, StatementShape s, boolean variables) {
        for (String a : s.actions()) {
            if (t.actions().stream().noneMatch(x -> actionCovers(x, a))) {
                return false;
            }
        }
        if (t.resources() == null) {
            return true;
        }
        if (s.resources() == null) {
            return false;
        }
        for (String r : s.resources()) {
            if (t.resources().stream().noneMatch(x -> resourceCovers(x, r, variables))) {
                return false;
            }
        }
        return true;
    }

    /** Both lower-cased. */
    static boolean actionCovers(String t, String s) {
        if (t.equals(s)) {
            return true;
        }
        if (!hasWildcard(s)) {
            return ActionPattern.of(t).matches(s);
        }
        return globCovers(t, s);
    }

    static boolean resourceCovers(String t, String s, boolean variables) {
        if (t.equals(s) || t.equals("*")) {
            return true;
        }
        boolean sVariable = variables && s.contains("${");
        if (!hasWildcard(s) && !sVariable) {
            return ResourcePattern.of(t, variables).matches(s, key -> null);
        }
        String prefix = t.substring(0, t.length() - 1);
        return t.endsWith("*") && !hasWildcard(prefix) && !(variables && prefix.contains("${")) && s.startsWith(prefix);
    }

    private static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
    }

    /**
     * Whether every string matching pattern {@code s} matches pattern {@code t}, both with {@code *} and {@code ?}
     * matching any characters (colons included). Conservative: {@code t}'s {@code *} may absorb anything in
     * {@code s}, its {@code ?} only one character or {@code ?} of {@code s}, its literals only equal literals.
     */
    static boolean globCovers(String t, String s) {
        Boolean[][] memo = new Boolean[t.length() + 1][s.length() + 1];
        return covers(t, 0, s, 0, memo);
    }

    private static boolean covers(String t, int i, String s, int j, Boolean[][] memo) {
        if (memo[i][j] != null) {
            return memo[i][j];
        }
        boolean r;
        if (i == t.length()) {
            r = j == s.length();
        } else if (t.charAt(i) == '*') {
            r = covers(t, i + 1, s, j, memo) || (j < s.length() && covers(t, i, s, j + 1, memo));
        } else if (j == s.length()) {
            r = false;
        } else if (t.charAt(i) == '?') {
            r = s.charAt(j) != '*' && covers(t, i + 1, s, j + 1, memo);
        } else {
            r = t.charAt(i) == s.charAt(j) && s.charAt(j) != '*' && s.charAt(j) != '?' && covers(t, i + 1, s, j + 1, memo);
        }
        memo[i][j] = r;
        return r;
    }
}
