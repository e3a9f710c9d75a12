package io.mlgate.iam.validate;

/** How serious a validator finding is; only {@link #ERROR} makes a policy invalid. */
public enum Severity {
    /** The policy is invalid and is never loaded. */
    ERROR,
    /** Valid, but grants more than is likely intended. */
    SECURITY_WARNING,
    /** Valid, but probably not what the author meant. */
    WARNING,
    /** Valid; the policy could be simpler. */
    SUGGESTION
}
