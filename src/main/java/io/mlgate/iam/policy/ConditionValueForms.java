package io.mlgate.iam.policy;

/**
 * The value forms the condition operators read (dates as the Date operators parse them), so that callers supplying
 * request-context values can reject a value that no operator of its type could ever compare.
 */
public final class ConditionValueForms {

    private ConditionValueForms() {
    }

    /** Whether {@code text} is a date the Date operators accept: W3C ISO 8601 date or date-time, or epoch seconds. */
    public static boolean isDate(String text) {
        return DateValue.parseMillis(text) != Long.MIN_VALUE;
    }
}
