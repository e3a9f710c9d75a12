package io.mlgate.audit.integrity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How long whole digest periods stay in the audit folder, and whether expired periods are deleted or moved into an
 * archive folder (itself a valid trail).
 *
 * @param keep    periods whose digest ended longer ago than this are removed
 * @param archive the archive folder, or null to delete
 */
public record RetentionPolicy(Duration keep, Path archive) {

    public RetentionPolicy {
        Objects.requireNonNull(keep, "keep");
        if (keep.isNegative()) {
            throw new IllegalArgumentException("the retention period is not negative");
        }
    }

    /** Deletes periods older than {@code keep}. */
    public static RetentionPolicy deleteOlderThan(Duration keep) {
        return new RetentionPolicy(keep, null);
    }

    /** Moves periods older than {@code keep} into {@code archive}. */
    public static RetentionPolicy archiveOlderThan(Duration keep, Path archive) {
        return new RetentionPolicy(keep, Objects.requireNonNull(archive, "archive"));
    }
}
