package io.mlgate.audit;

/** The CloudTrail {@code eventType} of a record: what kind of activity produced it. */
public enum EventType {
    AWS_API_CALL("AwsApiCall"),
    AWS_SERVICE_EVENT("AwsServiceEvent"),
    AWS_CONSOLE_ACTION("AwsConsoleAction"),
    AWS_CONSOLE_SIGN_IN("AwsConsoleSignIn");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The exact string written in the {@code eventType} field, e.g. {@code AwsApiCall}. */
    public String wireName() {
        return wireName;
    }
}
