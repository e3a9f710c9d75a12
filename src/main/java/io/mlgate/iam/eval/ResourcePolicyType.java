package io.mlgate.iam.eval;

/**
 * What kind of resource-based policy a request's resource policy is. Role trust policies and KMS key policies must
 * allow the principal themselves (or delegate to the account); an identity-based Allow alone never suffices.
 */
public enum ResourcePolicyType {
    /** An ordinary resource policy (bucket policy, endpoint policy, ...): a grant to the principal may stand alone. */
    GENERIC("generic"),
    /** A KMS key policy. */
    KMS_KEY_POLICY("kms-key-policy"),
    /** An IAM role's trust policy, authorising sts:AssumeRole*. */
    ROLE_TRUST_POLICY("role-trust-policy");

    private final String id;

    ResourcePolicyType(String id) {
        this.id = id;
    }

    /** The simulator's name for the type, e.g. {@code kms-key-policy}. */
    public String id() {
        return id;
    }

    /** Whether this policy type must allow the request itself. */
    public boolean mustAllowExplicitly() {
        return this != GENERIC;
    }

    /** The type with this id, or {@code null}. */
    public static ResourcePolicyType byId(String id) {
        for (ResourcePolicyType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }
}
