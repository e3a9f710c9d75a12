package io.mlgate.iam.eval;

/** The kind of principal making a request, as exposed in the {@code aws:PrincipalType} condition key. */
public enum PrincipalType {
    USER("User"),
    ASSUMED_ROLE("AssumedRole"),
    FEDERATED_USER("FederatedUser"),
    /** The account root user. */
    ACCOUNT("Account"),
    ANONYMOUS("Anonymous"),
    /**
     * A web-identity (OIDC) caller of AssumeRoleWithWebIdentity: not an AWS identity, matched by {@code Federated}
     * principals; only the role trust policy is evaluated.
     */
    WEB_IDENTITY("WebIdentity"),
    /** An AWS service principal (e.g. {@code sagemaker.amazonaws.com}), matched by {@code Service} principals. */
    SERVICE("Service");

    private final String awsName;

    PrincipalType(String awsName) {
        this.awsName = awsName;
    }

    /** The value of aws:PrincipalType, e.g. {@code User}. */
    public String awsName() {
        return awsName;
    }

    /** Whether this is a temporary-credential session (role session or federated user). */
    public boolean isSession() {
        return this == ASSUMED_ROLE || this == FEDERATED_USER;
    }

    /** Whether the principal is an AWS identity of an account (subject to identity policies and SCPs). */
    public boolean isAccountIdentity() {
        return this == USER || this == ASSUMED_ROLE || this == FEDERATED_USER || this == ACCOUNT;
    }
}
