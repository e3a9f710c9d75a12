package io.mlgate.audit.index;

import java.util.List;
import java.util.Objects;

/**
 * One event found by a lookup: the indexed fields (null when the record lacks them) and the record line exactly as
 * stored in the log file.
 *
 * @param readOnly the record's {@code readOnly}, or null when it has none
 * @param username the IAM user name, the role-session name of an assumed role, or the last part of the caller's ARN
 */
public record IndexedEvent(EventPosition position, String eventId, String eventName, String eventSource,
                           Boolean readOnly, String username, String accessKeyId, String eventCategory,
                           List<Resource> resources, String record) {

    public IndexedEvent {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(record, "record");
        resources = List.copyOf(resources);
    }

    /** One entry of the record's {@code resources}: its type (may be null), ARN and name (last part of the ARN). */
    public record Resource(String type, String arn, String name) {
    }
}
