package io.mlgate.audit;

/** The {@code userIdentity.type} of a CloudTrail record: what kind of principal made the call. */
public enum IdentityType {
    ROOT("Root"),
    IAM_USER("IAMUser"),
    ASSUMED_ROLE("AssumedRole"),
    ROLE("Role"),
    FEDERATED_USER("FederatedUser"),
    DIRECTORY("Directory"),
    AWS_ACCOUNT("AWSAccount"),
    AWS_SERVICE("AWSService"),
    IDENTITY_CENTER_USER("IdentityCenterUser"),
    SAML_USER("SAMLUser"),
    WEB_IDENTITY_USER("WebIdentityUser"),
    UNKNOWN("Unknown");

    private final String wireName;

    IdentityType(String wireName) {
        this.wireName = wireName;
    }

    /** The exact string written in the {@code type} field, e.g. {@code AssumedRole}. */
    public String wireName() {
        return wireName;
    }
}
