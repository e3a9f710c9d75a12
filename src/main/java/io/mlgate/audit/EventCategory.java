package io.mlgate.audit;

/**
 * The CloudTrail {@code eventCategory}: management (control plane) or data (data plane, e.g. InvokeEndpoint) events.
 * {@code managementEvent} is derived from it, so the two can never disagree.
 */
public enum EventCategory {
    MANAGEMENT("Management"),
    DATA("Data");

    private final String wireName;

    EventCategory(String wireName) {
        this.wireName = wireName;
    }

    /** The exact string written in the {@code eventCategory} field. */
    public String wireName() {
        return wireName;
    }
}
