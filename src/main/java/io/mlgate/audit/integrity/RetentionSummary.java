package io.mlgate.audit.integrity;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What one retention run removed, for the caller to record as an audit event: the digest and log sequence ranges
 * (null when nothing of that kind was removed), the end time of the newest removed period, where the files went
 * (null: deleted) and any leftovers of an interrupted earlier run that were cleaned up.
 */
public record RetentionSummary(int digestsRemoved, int logFilesRemoved, Long firstDigestSequence,
                               Long lastDigestSequence, Long firstLogSequence, Long lastLogSequence,
                               Instant removedThrough, Path archive, List<String> leftoversRemoved) {

    public RetentionSummary {
        leftoversRemoved = List.copyOf(leftoversRemoved);
    }

    /** Whether anything was removed. */
    public boolean removedAnything() {
        return digestsRemoved > 0 || !leftoversRemoved.isEmpty();
    }
}
