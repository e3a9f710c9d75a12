package io.mlgate.credentials;

/** Whether an access key may authenticate requests, spelled as IAM spells it on the wire. */
public enum AccessKeyStatus {
    /** The key authenticates requests. */
    ACTIVE("Active"),
    /** The key is kept but refused. */
    INACTIVE("Inactive");

    private final String wireName;

    AccessKeyStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The IAM API spelling, e.g. {@code "Active"}. */
    public String wireName() {
        return wireName;
    }

    /** Parses the IAM API spelling; throws {@link IllegalArgumentException} for anything else. */
    public static AccessKeyStatus fromWireName(String name) {
        for (AccessKeyStatus status : values()) {
            if (status.wireName.equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown access key status: " + name);
    }
}
