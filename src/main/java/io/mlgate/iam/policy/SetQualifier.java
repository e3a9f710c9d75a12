package io.mlgate.iam.policy;

/** The set operators for multivalued condition keys: none, {@code ForAllValues:} or {@code ForAnyValue:}. */
public enum SetQualifier {
    NONE(""),
    FOR_ALL_VALUES("ForAllValues:"),
    FOR_ANY_VALUE("ForAnyValue:");

    private final String prefix;

    SetQualifier(String prefix) {
        this.prefix = prefix;
    }

    /** The prefix as written in policies, including the colon (empty for NONE). */
    public String prefix() {
        return prefix;
    }
}
