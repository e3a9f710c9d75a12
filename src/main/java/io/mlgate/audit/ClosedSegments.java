package io.mlgate.audit;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Which log segments are closed (compressed into {@code events-…jsonl.gz}): every segment whose sequence number is at
 * most {@link #highestClosedSequence()} (0 when none is), since segments are closed strictly in sequence order; plus
 * the segment a {@link AuditLog#rollNow()} call itself closed, if the active segment held records.
 *
 * @param highestClosedSequence every existing segment with a sequence number up to this one is closed; 0 if none
 * @param rolledSequence        the sequence number of the segment this roll closed, or empty if it closed none
 */
public record ClosedSegments(long highestClosedSequence, OptionalLong rolledSequence) {

    public ClosedSegments {
        if (highestClosedSequence < 0) {
            throw new IllegalArgumentException("highestClosedSequence must not be negative");
        }
        Objects.requireNonNull(rolledSequence, "rolledSequence");
    }

    /** True if the segment with sequence number {@code seq} is closed (or was removed after being closed). */
    public boolean isClosed(long seq) {
        return seq >= 1 && seq <= highestClosedSequence;
    }
}
