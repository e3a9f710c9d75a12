package io.mlgate.iam.policy;

/** A statement's Effect: {@code Allow} or {@code Deny} (case-sensitive in policies). */
public enum Effect {
    ALLOW("Allow"),
    DENY("Deny");

    private final String awsName;

    Effect(String awsName) {
        this.awsName = awsName;
    }

    public String awsName() {
        return awsName;
    }
}
