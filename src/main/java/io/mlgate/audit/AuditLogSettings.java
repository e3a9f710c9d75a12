package io.mlgate.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Immutable settings of an {@link AuditLog}: durability mode, segment roll size and interval, queue bound, where append futures
 * are completed, the clock used for segment names and the region/account stamped on the log's own service events.
 */
public final class AuditLogSettings {

    public static final long DEFAULT_MAX_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_QUEUE_CAPACITY = 16_384;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_ROLL_INTERVAL = Duration.ofMinutes(5);

    private final Durability durability;
    private final long maxSegmentBytes;
    private final Duration rollInterval;
    private final int queueCapacity;
    private final long maxQueuedBytes;
    private final Executor completionExecutor;
    private final Clock clock;
    private final String region;
    private final String accountId;

    private AuditLogSettings(Builder b) {
        this.durability = b.durability;
        this.maxSegmentBytes = b.maxSegmentBytes;
        this.rollInterval = b.rollInterval;
        this.queueCapacity = b.queueCapacity;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.completionExecutor = b.completionExecutor;
        this.clock = b.clock;
        this.region = b.region;
        this.accountId = b.accountId;
    }

    /** STRICT, 64 MiB segments rolled at least every 5 minutes, at most 16384 queued records and 64 MiB queued, futures completed on the writer thread, UTC system clock. */
    public static AuditLogSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Durability durability() {
        return durability;
    }

    public long maxSegmentBytes() {
        return maxSegmentBytes;
    }

    /** A segment that holds records is rolled once it is this old (by {@link #clock()}). */
    public Duration rollInterval() {
        return rollInterval;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /** Serialized bytes that may wait for the writer; bounds memory whatever the record sizes. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** Executor that completes append futures (one task per batch), or null to complete on the writer thread. */
    public Executor completionExecutor() {
        return completionExecutor;
    }

    public Clock clock() {
        return clock;
    }

    public String region() {
        return region;
    }

    /** Account id written as {@code recipientAccountId} on the log's own service events; may be null. */
    public String accountId() {
        return accountId;
    }

    @Override
    public String toString() {
        return "AuditLogSettings[" + durability + ", maxSegmentBytes=" + maxSegmentBytes + ", rollInterval="
                + rollInterval + ", queueCapacity="
                + queueCapacity + "]";
    }

    /** Builds settings; every setter is optional. */
    public static final class Builder {
        private Durability durability = Durability.strict();
        private long maxSegmentBytes = DEFAULT_MAX_SEGMENT_BYTES;
        private Duration rollInterval = DEFAULT_ROLL_INTERVAL;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private Executor completionExecutor;
        private Clock clock = Clock.systemUTC();
        private String region = "us-east-1";
        private String accountId;

        private Builder() {
        }

        public Builder durability(Durability v) {
            this.durability = Objects.requireNonNull(v, "durability");
            return this;
        }

        /** A segment is rolled before a record would make it larger than this (a bigger record gets its own). */
        public Builder maxSegmentBytes(long v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxSegmentBytes must be positive");
            }
            this.maxSegmentBytes = v;
            return this;
        }

        /**
         * A segment that holds records is rolled (and then compressed) once it is older than this, measured from its
         * creation with the settings' clock ({@code mlgate.audit-roll-interval}, default 5 minutes). Positive.
         */
        public Builder rollInterval(Duration v) {
            Objects.requireNonNull(v, "rollInterval");
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("rollInterval must be positive");
            }
            this.rollInterval = v;
            return this;
        }

        /** Records that may wait for the writer; beyond this, appends fail fast with QUEUE_FULL. */
        public Builder queueCapacity(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("queueCapacity must be positive");
            }
            this.queueCapacity = v;
            return this;
        }

        /** Serialized bytes that may wait for the writer; beyond this, appends fail fast with QUEUE_FULL. */
        public Builder maxQueuedBytes(long v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxQueuedBytes must be positive");
            }
            this.maxQueuedBytes = v;
            return this;
        }

        /**
         * Completes append futures on this executor (one task per group commit) instead of the writer thread, so that
         * callers' continuations never run on, and slow down, the writer. Null (default) completes on the writer.
         */
        public Builder completionExecutor(Executor v) {
            this.completionExecutor = v;
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        public Builder region(String v) {
            this.region = EventText.require(v, "region");
            return this;
        }

        public Builder accountId(String v) {
            this.accountId = v;
            return this;
        }

        public AuditLogSettings build() {
            return new AuditLogSettings(this);
        }
    }
}
