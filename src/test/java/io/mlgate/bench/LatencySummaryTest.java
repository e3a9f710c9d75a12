package io.mlgate.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencySummaryTest {

    @Test
    void nearestRankOnOneToHundred() {
        long[] micros = new long[100];
        for (int i = 0; i < 100; i++) {
            micros[i] = 100 - i; // unsorted on purpose
        }
        LatencySummary s = LatencySummary.of(micros);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50Micros()).isEqualTo(50);
        assertThat(s.p90Micros()).isEqualTo(90);
        assertThat(s.p99Micros()).isEqualTo(99);
        assertThat(s.maxMicros()).isEqualTo(100);
        assertThat(micros[0]).as("input left as it was").isEqualTo(100);
    }

    @Test
    void smallSamplesRoundUpNotDown() {
        // 3 values: the median is the 2nd, p90 and p99 the 3rd (ceil(0.9 * 3) = 3)
        LatencySummary s = LatencySummary.of(new long[] {30, 10, 20});
        assertThat(s.p50Micros()).isEqualTo(20);
        assertThat(s.p90Micros()).isEqualTo(30);
        assertThat(s.p99Micros()).isEqualTo(30);
        // a single slow outlier among 200 fast calls is above p99 (rank 198) and shows only in max
        long[] mostlyFast = new long[201];
        java.util.Arrays.fill(mostlyFast, 5);
        mostlyFast[200] = 9_000;
        LatencySummary t = LatencySummary.of(mostlyFast);
        assertThat(t.p99Micros()).isEqualTo(5);
        assertThat(t.maxMicros()).isEqualTo(9_000);
    }

    @Test
    void emptyIsZeroAndBadFractionIsRefused() {
        assertThat(LatencySummary.of(new long[0])).isEqualTo(new LatencySummary(0, 0, 0, 0, 0));
        assertThatThrownBy(() -> LatencySummary.percentile(new long[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencySummary.percentile(new long[] {1}, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
