package io.mlgate.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When an {@link AuditLog#append} future completes: {@link #strict()} after the record is fsynced (the default), or
 * {@link #batched(Duration)} once the record is written to the operating system, with an fsync at least every
 * {@code maxDelay} (a crash of the machine, not of the process, may then lose up to {@code maxDelay} of records).
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

    /** Complete appends when written to the OS; fsync at least every {@code maxDelay} (positive). */
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
