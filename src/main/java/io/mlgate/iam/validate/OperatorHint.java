package io.mlgate.iam.validate;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mlgate.iam.policy.ConditionOperator;

/** Adds "did you mean" to unknown-operator messages for misspellings the parser's case-only hint misses. */
final class OperatorHint {

    private static final Pattern UNKNOWN = Pattern.compile("unknown condition operator '([^']*)'$");
    private static final String[] QUALIFIERS = {"ForAllValues:", "ForAnyValue:"};
    private static final String IF_EXISTS = "IfExists";

    private OperatorHint() {
    }

    static String withHint(String message) {
        Matcher m = UNKNOWN.matcher(message);
        if (!m.find()) {
            return message;
        }
        String name = m.group(1);
        String qualifier = "";
        for (String q : QUALIFIERS) {
            if (name.toLowerCase(Locale.ROOT).startsWith(q.toLowerCase(Locale.ROOT))) {
                qualifier = q;
                name = name.substring(q.length());
            }
        }
        String suffix = "";
        if (name.toLowerCase(Locale.ROOT).endsWith(IF_EXISTS.toLowerCase(Locale.ROOT))) {
            suffix = IF_EXISTS;
            name = name.substring(0, name.length() - IF_EXISTS.length());
        }
        String lower = name.toLowerCase(Locale.ROOT);
        ConditionOperator best = null;
        int bestDistance = 3;
        for (ConditionOperator op : ConditionOperator.values()) {
            int d = ActionCatalogue.distance(lower, op.awsName().toLowerCase(Locale.ROOT), bestDistance);
            if (d < bestDistance) {
                bestDistance = d;
                best = op;
            }
        }
        return best == null ? message : message + " (did you mean '" + qualifier + best.awsName() + suffix + "'?)";
    }
}
