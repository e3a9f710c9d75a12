package io.mlgate.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When an {@link AuditLog#append} future completes: {@link #strict()} after the record is fsynced (the default: a
 * completed append survives a crash of the process or the machine), or {@link #batched(Duration)} as soon as the
 * bounded queue has accepted the serialized record (after the write when the queue is over half full, which slows
 * callers to the writer's pace); the writer writes it at once and fsyncs at least every
 * {@code maxDelay}, so a crash may lose the acknowledged records of the last {@code maxDelay} (plus what was still
 * queued). A write failure still fails every later append (fail closed).
 */
public final class Durability {

    private static final Durability STRICT = new Durability(null);

    private final Duration maxDelay;

    private Durability(Duration maxDelay) {
        this.maxDelay = maxDelay;
    }

    /** Complete appends only after {@code FileChannel.force}: a completed append survives power loss. */
    public static Durability strict() {
        return STRICT;
    }

    /** Complete appends when queued; write at once, fsync at least every {@code maxDelay} (positive). */
    public static Durability batched(Duration maxDelay) {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be positive");
        }
        return new Durability(maxDelay);
    }

    public boolean isStrict() {
        return maxDelay == null;
    }

    /** The longest time written records may stay un-fsynced; null for strict. */
    public Duration maxDelay() {
        return maxDelay;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Durability d && Objects.equals(maxDelay, d.maxDelay);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(maxDelay);
    }

    @Override
    public String toString() {
        return isStrict() ? "STRICT" : "BATCHED(" + maxDelay + ")";
    }
}
