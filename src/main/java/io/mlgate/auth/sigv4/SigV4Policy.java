package io.mlgate.auth.sigv4;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The verifier's settings: which regions are served (empty = any), the allowed clock skew, whether the request path
 * is normalised before signing (true for every non-S3 service) and the clock used for time checks.
 */
public final class SigV4Policy {

    /** AWS non-S3 services allow five minutes either way. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private final Set<String> allowedRegions;
    private final Duration maxClockSkew;
    private final boolean normalizePath;
    private final Clock clock;

    private SigV4Policy(Builder b) {
        this.allowedRegions = Set.copyOf(b.allowedRegions);
        this.maxClockSkew = b.maxClockSkew;
        this.normalizePath = b.normalizePath;
        this.clock = b.clock;
    }

    /** Any region, five minutes skew, path normalisation on, system UTC clock. */
    public static SigV4Policy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Regions a credential scope may name; empty means any region is accepted. */
    public Set<String> allowedRegions() {
        return allowedRegions;
    }

    public Duration maxClockSkew() {
        return maxClockSkew;
    }

    public boolean normalizePath() {
        return normalizePath;
    }

    public Clock clock() {
        return clock;
    }

    boolean regionAllowed(String region) {
        return allowedRegions.isEmpty() || allowedRegions.contains(region);
    }

    @Override
    public String toString() {
        return "SigV4Policy[regions=" + allowedRegions + ", maxClockSkew=" + maxClockSkew
                + ", normalizePath=" + normalizePath + ", clock=" + clock + ']';
    }

    /** Builds a {@link SigV4Policy}. */
    public static final class Builder {
        private Set<String> allowedRegions = Set.of();
        private Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;
        private boolean normalizePath = true;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder allowedRegions(Set<String> regions) {
            this.allowedRegions = Set.copyOf(Objects.requireNonNull(regions, "regions"));
            return this;
        }

        /** Allowed difference between request time and server time, 0 to 1 hour, whole seconds. */
        public Builder maxClockSkew(Duration skew) {
            Objects.requireNonNull(skew, "skew");
            if (skew.isNegative() || skew.compareTo(Duration.ofHours(1)) > 0 || skew.getNano() != 0) {
                throw new IllegalArgumentException("clock skew must be whole seconds between 0 and 1 hour");
            }
            this.maxClockSkew = skew;
            return this;
        }

        /** False only for the S3-style (unnormalised) path rule; every service mlgate fronts uses true. */
        public Builder normalizePath(boolean normalize) {
            this.normalizePath = normalize;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public SigV4Policy build() {
            return new SigV4Policy(this);
        }
    }
}
