package io.mlgate.iam.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One operator applied to one condition key with its policy values, e.g.
 * {@code "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b*"]}}. Values are compiled at load.
 */
public final class ConditionClause {

    private final SetQualifier qualifier;
    private final ConditionOperator operator;
    private final boolean ifExists;
    private final String key;
    private final String lowerKey;
    private final ValueTest[] values;

    ConditionClause(SetQualifier qualifier, ConditionOperator operator, boolean ifExists, String key, List<ValueTest> values) {
        this.qualifier = qualifier;
        this.operator = operator;
        this.ifExists = ifExists;
        this.key = key;
        this.lowerKey = key.toLowerCase(Locale.ROOT);
        this.values = values.toArray(new ValueTest[0]);
    }

    public SetQualifier qualifier() {
        return qualifier;
    }

    public ConditionOperator operator() {
        return operator;
    }

    public boolean ifExists() {
        return ifExists;
    }

    /** The full operator as written, e.g. {@code ForAnyValue:StringLikeIfExists}. */
    public String operatorText() {
        return qualifier.prefix() + operator.awsName() + (ifExists ? "IfExists" : "");
    }

    /** The condition key as written in the policy. */
    public String key() {
        return key;
    }

    /** The policy values as written. */
    public List<String> values() {
        List<String> out = new ArrayList<>(values.length);
        for (ValueTest v : values) {
            out.add(v.text());
        }
        return List.copyOf(out);
    }

    /**
     * Evaluates the clause: several policy values are OR'ed (NOR'ed for negated operators); an absent key makes
     * positive operators false and negated ones true, {@code IfExists} makes it true, {@code ForAllValues} is true
     * and {@code ForAnyValue} false on an absent or empty key. With a set qualifier, {@code IfExists} does not change
     * the absent-key result.
     */
    public boolean matches(ConditionKeys keys) {
        List<String> requestValues = keys.values(lowerKey);
        boolean absent = requestValues == null || requestValues.isEmpty();
        if (operator == ConditionOperator.NULL) {
            boolean keyMissing = absent;
            for (ValueTest v : values) {
                if (((ValueTest.Null) v).mustBeAbsent() == keyMissing) {
                    return true;
                }
            }
            return false;
        }
        switch (qualifier) {
            case FOR_ALL_VALUES:
                if (absent) {
                    return true;
                }
                for (int i = 0, n = requestValues.size(); i < n; i++) {
                    if (!single(requestValues.get(i), keys)) {
                        return false;
                    }
                }
                return true;
            case FOR_ANY_VALUE:
                if (absent) {
                    return false;
                }
                for (int i = 0, n = requestValues.size(); i < n; i++) {
                    if (single(requestValues.get(i), keys)) {
                        return true;
                    }
                }
                return false;
            default:
                if (absent) {
                    return ifExists || operator.isNegated();
                }
                boolean any = false;
                for (int i = 0, n = requestValues.size(); i < n && !any; i++) {
                    any = anyPolicyValue(requestValues.get(i), keys);
                }
                return operator.isNegated() != any;
        }
    }

    private boolean single(String requestValue, ConditionKeys keys) {
        return operator.isNegated() != anyPolicyValue(requestValue, keys);
    }

    private boolean anyPolicyValue(String requestValue, ConditionKeys keys) {
        for (ValueTest v : values) {
            if (v.test(requestValue, keys)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return operatorText() + " " + key + " " + values();
    }
}
