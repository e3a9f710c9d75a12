package io.mlgate.iam.policy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The base condition operators of the IAM policy language (without ForAllValues/ForAnyValue and IfExists). */
public enum ConditionOperator {
    STRING_EQUALS("StringEquals", Family.STRING, Comparison.EQ, false),
    STRING_NOT_EQUALS("StringNotEquals", Family.STRING, Comparison.EQ, true),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Family.STRING_IGNORE_CASE, Comparison.EQ, false),
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Family.STRING_IGNORE_CASE, Comparison.EQ, true),
    STRING_LIKE("StringLike", Family.STRING_LIKE, Comparison.EQ, false),
    STRING_NOT_LIKE("StringNotLike", Family.STRING_LIKE, Comparison.EQ, true),
    NUMERIC_EQUALS("NumericEquals", Family.NUMERIC, Comparison.EQ, false),
    NUMERIC_NOT_EQUALS("NumericNotEquals", Family.NUMERIC, Comparison.EQ, true),
    NUMERIC_LESS_THAN("NumericLessThan", Family.NUMERIC, Comparison.LT, false),
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Family.NUMERIC, Comparison.LE, false),
    NUMERIC_GREATER_THAN("NumericGreaterThan", Family.NUMERIC, Comparison.GT, false),
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Family.NUMERIC, Comparison.GE, false),
    DATE_EQUALS("DateEquals", Family.DATE, Comparison.EQ, false),
    DATE_NOT_EQUALS("DateNotEquals", Family.DATE, Comparison.EQ, true),
    DATE_LESS_THAN("DateLessThan", Family.DATE, Comparison.LT, false),
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", Family.DATE, Comparison.LE, false),
    DATE_GREATER_THAN("DateGreaterThan", Family.DATE, Comparison.GT, false),
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", Family.DATE, Comparison.GE, false),
    BOOL("Bool", Family.BOOL, Comparison.EQ, false),
    BINARY_EQUALS("BinaryEquals", Family.BINARY, Comparison.EQ, false),
    IP_ADDRESS("IpAddress", Family.IP, Comparison.EQ, false),
    NOT_IP_ADDRESS("NotIpAddress", Family.IP, Comparison.EQ, true),
    ARN_EQUALS("ArnEquals", Family.ARN, Comparison.EQ, false),
    ARN_LIKE("ArnLike", Family.ARN, Comparison.EQ, false),
    ARN_NOT_EQUALS("ArnNotEquals", Family.ARN, Comparison.EQ, true),
    ARN_NOT_LIKE("ArnNotLike", Family.ARN, Comparison.EQ, true),
    NULL("Null", Family.NULL, Comparison.EQ, false);

    /** Operator families; they decide how policy values are compiled and compared. */
    public enum Family { STRING, STRING_IGNORE_CASE, STRING_LIKE, NUMERIC, DATE, BOOL, BINARY, IP, ARN, NULL }

    /** How a request value is compared with a policy value (request value on the left). */
    enum Comparison { EQ, LT, LE, GT, GE }

    private static final Map<String, ConditionOperator> BY_NAME = new HashMap<>();
    private static final Map<String, ConditionOperator> BY_LOWER_NAME = new HashMap<>();

    static {
        for (ConditionOperator op : values()) {
            BY_NAME.put(op.awsName, op);
            BY_LOWER_NAME.put(op.awsName.toLowerCase(Locale.ROOT), op);
        }
    }

    private final String awsName;
    private final Family family;
    private final Comparison comparison;
    private final boolean negated;

    ConditionOperator(String awsName, Family family, Comparison comparison, boolean negated) {
        this.awsName = awsName;
        this.family = family;
        this.comparison = comparison;
        this.negated = negated;
    }

    /** The name as written in policies, e.g. {@code StringEquals}. */
    public String awsName() {
        return awsName;
    }

    public Family family() {
        return family;
    }

    /** True for the negated operators (StringNotEquals, NotIpAddress, ...): several policy values are NOR'ed. */
    public boolean isNegated() {
        return negated;
    }

    Comparison comparison() {
        return comparison;
    }

    /** Whether policy variables may be used in this operator's values. */
    public boolean allowsVariables() {
        return family == Family.STRING || family == Family.STRING_IGNORE_CASE || family == Family.STRING_LIKE
                || family == Family.ARN;
    }

    /** Finds an operator by its exact (case-sensitive) policy name. */
    static ConditionOperator byName(String name) {
        return BY_NAME.get(name);
    }

    /** Finds an operator ignoring case, to suggest the right spelling in error messages. */
    static ConditionOperator byNameIgnoringCase(String name) {
        return BY_LOWER_NAME.get(name.toLowerCase(Locale.ROOT));
    }
}
