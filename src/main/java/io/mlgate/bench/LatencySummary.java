package io.mlgate.bench;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies in microseconds, by the nearest-rank rule (the p-th percentile is the smallest
 * value with at least p of all values at or below it), as load generators report them.
 */
public record LatencySummary(long count, long p50Micros, long p90Micros, long p99Micros, long maxMicros) {

    /** Summarises {@code micros} (not modified; a sorted copy is made). An empty array gives all zeros. */
    public static LatencySummary of(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new LatencySummary(sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.90),
                percentile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }

    /**
     * The nearest-rank percentile of an ascending array: {@code sorted[ceil(p * n) - 1]}, 0 for an empty array.
     *
     * @param p a fraction in (0, 1]
     */
    public static long percentile(long[] sorted, double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in (0, 1]");
        }
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
