package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FaultTolerantAverageTest {
    private static final long MS = 1_000_000L;
    private static final long LIMIT = 50 * MS;

    @Test
    void oddCountTakesTheMiddleReading() {
        FaultTolerantAverage.Result result = FaultTolerantAverage.compute(Map.of(1, 0L, 2, 10L, 3, 21L), LIMIT);
        assertThat(result.medianNanos()).isEqualTo(10);
        assertThat(result.averageNanos()).isEqualTo(10); // 31 / 3 = 10.33
        assertThat(result.included()).containsExactly(1, 2, 3);
        assertThat(result.excludedReasons()).isEmpty();
    }

    @Test
    void evenCountTakesTheMeanOfTheTwoMiddleReadingsRoundedHalfUp() {
        FaultTolerantAverage.Result result = FaultTolerantAverage.compute(Map.of(1, 0L, 2, 10L, 3, 21L, 4, 31L), LIMIT);
        assertThat(result.medianNanos()).isEqualTo(16); // 15.5
        assertThat(result.averageNanos()).isEqualTo(16); // 62 / 4 = 15.5
        assertThat(FaultTolerantAverage.compute(Map.of(1, -3L, 2, -2L), LIMIT).medianNanos()).isEqualTo(-2); // -2.5
        assertThat(FaultTolerantAverage.compute(Map.of(1, -1L, 2, 0L), LIMIT).averageNanos()).isEqualTo(0); // -0.5
    }

    @Test
    void anHourLiarIsExcludedWithAReason() {
        FaultTolerantAverage.Result result = FaultTolerantAverage.compute(
                Map.of(1, 0L, 2, 2 * MS, 3, -MS, 4, 3_600_000 * MS), LIMIT);
        assertThat(result.medianNanos()).isEqualTo(MS);
        assertThat(result.included()).containsExactly(1, 2, 3);
        assertThat(result.averageNanos()).isEqualTo(333_333); // 1 ms / 3
        assertThat(result.excludedReasons()).containsOnlyKeys(4);

        FaultTolerantAverage.Result exact = FaultTolerantAverage.compute(Map.of(1, 0L, 2, 0L, 3, 0L, 4, 3_600_000 * MS), LIMIT);
        assertThat(exact.excludedReasons()).containsExactly(
                Map.entry(4, "offset +3600.000000 s is 3600.000 s from the median, over the 50 ms limit"));
        FaultTolerantAverage.Result early = FaultTolerantAverage.compute(Map.of(1, 0L, 2, 0L, 3, -1_700 * MS), LIMIT);
        assertThat(early.excludedReasons()).containsExactly(
                Map.entry(3, "offset -1.700000 s is 1.700 s from the median, over the 50 ms limit"));
    }

    @Test
    void aReadingExactlyAtTheLimitIsIncludedAndEqualReadingsAreAllKept() {
        FaultTolerantAverage.Result result = FaultTolerantAverage.compute(Map.of(1, 0L, 2, 0L, 3, 0L, 4, LIMIT, 5, LIMIT + 1), LIMIT);
        assertThat(result.medianNanos()).isZero();
        assertThat(result.included()).containsExactly(1, 2, 3, 4);
        assertThat(result.excludedReasons()).containsOnlyKeys(5);
        assertThat(result.averageNanos()).isEqualTo(LIMIT / 4);
    }

    @Test
    void aSingleReadingIsItsOwnAverage() {
        FaultTolerantAverage.Result result = FaultTolerantAverage.compute(Map.of(7, -123L), LIMIT);
        assertThat(result.medianNanos()).isEqualTo(-123);
        assertThat(result.averageNanos()).isEqualTo(-123);
        assertThat(result.included()).containsExactly(7);
    }

    @Test
    void withNoMajorityTheTwoMiddleReadingsAreKept() {
        FaultTolerantAverage.Result result = FaultTolerantAverage.compute(Map.of(1, 0L, 2, 2_500 * MS), LIMIT);
        assertThat(result.medianNanos()).isEqualTo(1_250 * MS);
        assertThat(result.averageNanos()).isEqualTo(1_250 * MS);
        assertThat(result.included()).containsExactly(1, 2);
        assertThat(result.excludedReasons()).isEmpty();

        FaultTolerantAverage.Result four = FaultTolerantAverage.compute(
                Map.of(1, 0L, 2, 2_500 * MS, 3, -1_700 * MS, 4, 4_000 * MS), LIMIT);
        assertThat(four.included()).containsExactly(1, 2);
        assertThat(four.excludedReasons()).containsOnlyKeys(3, 4);
    }

    @Test
    void doesNotDependOnTheMapsIterationOrder() {
        Map<Integer, Long> hashed = new HashMap<>();
        Map<Integer, Long> sorted = new TreeMap<>();
        for (int id = 1; id <= 101; id++) {
            long offset = (id * 7_919L % 101) * MS - (id % 13 == 0 ? 3_600_000 * MS : 0);
            hashed.put(id * 65_537, offset);
            sorted.put(id * 65_537, offset);
        }
        assertThat(FaultTolerantAverage.compute(hashed, LIMIT)).isEqualTo(FaultTolerantAverage.compute(sorted, LIMIT));
        assertThat(List.copyOf(FaultTolerantAverage.compute(hashed, LIMIT).included())).isSorted();
    }

    @Test
    void staysExactAtTheLimitsOfItsInputs() {
        long max = org.clocksync.core.clock.ClockLimits.MAX_OFFSET_NANOS;
        FaultTolerantAverage.Result result = FaultTolerantAverage.compute(Map.of(1, max, 2, max, 3, max - 1), max);
        assertThat(result.averageNanos()).isEqualTo(max); // (3 max - 1) / 3 rounds up to max
        assertThat(FaultTolerantAverage.compute(Map.of(1, -max, 2, max), 0).averageNanos()).isZero();
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> FaultTolerantAverage.compute(Map.of(), LIMIT)).hasMessageContaining("at least one reading");
        assertThatThrownBy(() -> FaultTolerantAverage.compute(Map.of(1, Long.MAX_VALUE), LIMIT)).hasMessageContaining("beyond the limit");
        assertThatThrownBy(() -> FaultTolerantAverage.compute(Map.of(1, Long.MIN_VALUE), LIMIT)).hasMessageContaining("beyond the limit");
        assertThatThrownBy(() -> FaultTolerantAverage.compute(Map.of(1, 0L), -1)).hasMessageContaining("maxDeviationNanos");
    }
}
