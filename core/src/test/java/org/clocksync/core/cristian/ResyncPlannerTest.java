package org.clocksync.core.cristian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResyncPlannerTest {
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void workedExampleFromTheJavadoc() {
        // A = 5 ms, b = 1 ms, rho = 50 ppm: (4 ms) * (1 - rho) / (2 rho) = 39.998 s; about (A - b) / (2 rho) = 40 s.
        long intervalNanos = ResyncPlanner.maxIntervalNanos(5 * MS, 1 * MS, 50.0);

        assertThat(intervalNanos).isCloseTo(39_998 * MS, within(1L));
        assertThat((double) intervalNanos).isCloseTo(40.0 * S, within(0.0001 * 40 * S));
    }

    @Test
    void errorGrowsAtTwiceTheDriftBoundBecauseBothClocksDrift() {
        // 2 rho / (1 - rho): 2 rho to first order.
        assertThat(ResyncPlanner.errorGrowthPerNano(50.0)).isCloseTo(100e-6 / (1 - 50e-6), within(1e-18));
        assertThat(ResyncPlanner.errorGrowthPerNano(50.0)).isCloseTo(100e-6, within(1e-8));
        // Twice the drift bound halves the interval; a tighter bound after the reading lengthens it.
        assertThat(ResyncPlanner.maxIntervalNanos(5 * MS, 1 * MS, 100.0))
                .isCloseTo(ResyncPlanner.maxIntervalNanos(5 * MS, 1 * MS, 50.0) / 2, within(S / 100));
        assertThat(ResyncPlanner.maxIntervalNanos(5 * MS, 0, 50.0))
                .isGreaterThan(ResyncPlanner.maxIntervalNanos(5 * MS, 1 * MS, 50.0));
    }

    @Test
    void delayToNextAttemptLeavesRoomForAllAttempts() {
        long intervalNanos = ResyncPlanner.maxIntervalNanos(5 * MS, 1 * MS, 50.0);

        assertThat(ResyncPlanner.delayToNextAttemptNanos(5 * MS, 1 * MS, 50.0, 4, 2 * S)).isEqualTo(intervalNanos - 8 * S);
        assertThatThrownBy(() -> ResyncPlanner.delayToNextAttemptNanos(5 * MS, 1 * MS, 50.0, 20, 2 * S))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20 attempts spaced 2 s do not fit");
    }

    @Test
    void rejectsABoundThatIsNotUnderTheAccuracy() {
        assertThatThrownBy(() -> ResyncPlanner.maxIntervalNanos(1 * MS, 1 * MS, 50.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("error bound after a reading (1 ms) must be under the target accuracy (1 ms):"
                        + " no resynchronization period can keep the error within the target");
        assertThatThrownBy(() -> ResyncPlanner.maxIntervalNanos(1 * MS, 2 * MS, 50.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be under the target accuracy");
        assertThatThrownBy(() -> ResyncPlanner.maxIntervalNanos(1 * MS, -1, 50.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> ResyncPlanner.maxIntervalNanos(0, 0, 50.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target accuracy must be in");
    }

    @Test
    void rejectsADriftBoundThatIsNotPositive() {
        for (double ppm : new double[] {0.0, -5.0, Double.NaN, 1_000.5, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> ResyncPlanner.maxIntervalNanos(5 * MS, 1 * MS, ppm))
                    .as("%s ppm", ppm)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maximum drift must be in (0, 1000.0] ppm");
        }
    }

    @Test
    void driftOverAnIntervalRoundsUpAndIgnoresDirection() {
        // 1 s at 50 ppm per clock: 100.005 us, rounded up.
        assertThat(ResyncPlanner.driftNanos(S, 50.0)).isEqualTo(100_006L);
        assertThat(ResyncPlanner.driftNanos(-S, 50.0)).isEqualTo(100_006L);
        assertThat(ResyncPlanner.driftNanos(0, 50.0)).isZero();
        assertThat(ResyncPlanner.driftNanos(1, 50.0)).isEqualTo(1L);
        assertThat(ResyncPlanner.driftNanos(10 * US, 1.0)).isEqualTo(1L);
    }
}
