package io.mlgate.iam.eval;

/** The kind of principal making a request, as exposed in the {@code aws:PrincipalType} condition key. */
public enum PrincipalType {
    USER("User"),
    ASSUMED_ROLE("AssumedRole"),
    FEDERATED_USER("FederatedUser"),
    ACCOUNT("Account"),
    ANONYMOUS("Anonymous");

    private final String awsName;

    PrincipalType(String awsName) {
        this.awsName = awsName;
    }

    /** The value of aws:PrincipalType, e.g. {@code User}. */
    public String awsName() {
        return awsName;
    }
}
