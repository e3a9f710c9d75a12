package io.mlgate.iam.policy;

/** Where a policy is used, which decides the elements it may or must have (Principal, Resource). */
public enum PolicyKind {
    /** Attached to a user, group or role (also permission boundaries, session policies, SCPs): no Principal. */
    IDENTITY,
    /** Attached to a resource (e.g. a key policy): Principal or NotPrincipal required. */
    RESOURCE,
    /** A role's trust policy: Principal required, no NotPrincipal, Resource optional. */
    TRUST
}
