package org.clocksync.core.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SimulatedHardwareClockTest {
    private static final long ORIGIN = 1_700_000_000_000_000_000L;

    @Test
    void exactReadsTheHostClock() {
        SimulatedHardwareClock clock = SimulatedHardwareClock.exact();
        assertThat(clock.readNanos(ORIGIN)).isEqualTo(ORIGIN);
        assertThat(clock.offsetNanos()).isZero();
        assertThat(clock.driftPpm()).isZero();
    }

    @Test
    void addsOffsetAndDriftSinceTheOrigin() {
        SimulatedHardwareClock clock = new SimulatedHardwareClock(2_500_000_000L, 100.0, ORIGIN);
        assertThat(clock.readNanos(ORIGIN)).isEqualTo(ORIGIN + 2_500_000_000L);
        // 100 ppm over 10 s is 1 ms
        assertThat(clock.readNanos(ORIGIN + 10_000_000_000L)).isEqualTo(ORIGIN + 10_000_000_000L + 2_500_000_000L + 1_000_000L);
        // before the origin the drift term is negative
        assertThat(clock.readNanos(ORIGIN - 1_000_000_000L)).isEqualTo(ORIGIN - 1_000_000_000L + 2_500_000_000L - 100_000L);
    }

    @Test
    void roundsTheDriftTermToTheNearestNanosecond() {
        SimulatedHardwareClock clock = new SimulatedHardwareClock(0, -2.5, ORIGIN);
        // -2.5 ppm of 1 ms is -2.5 ns, which Math.round takes to -2
        assertThat(clock.readNanos(ORIGIN + 1_000_000L)).isEqualTo(ORIGIN + 1_000_000L - 2);
        // 1.4 ns rounds to 1
        assertThat(new SimulatedHardwareClock(-7, 1.4, ORIGIN).readNanos(ORIGIN + 1_000_000L)).isEqualTo(ORIGIN + 1_000_000L - 7 + 1);
    }

    @Test
    void neverRunsBackwardsEvenAtTheSlowestAllowedDrift() {
        SimulatedHardwareClock clock = new SimulatedHardwareClock(0, -1_000.0, ORIGIN);
        long previous = clock.readNanos(ORIGIN);
        for (long h = ORIGIN + 1; h < ORIGIN + 100_000; h++) {
            long reading = clock.readNanos(h);
            assertThat(reading).isGreaterThanOrEqualTo(previous);
            previous = reading;
        }
    }

    @Test
    void rejectsDriftBeyondAThousandPpm() {
        assertThatThrownBy(() -> new SimulatedHardwareClock(0, 1_000.5, ORIGIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000.5 ppm").hasMessageContaining("-1000.0..1000.0");
        assertThatThrownBy(() -> new SimulatedHardwareClock(0, Double.NaN, ORIGIN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SimulatedHardwareClock(0, -1_000.0, ORIGIN).driftPpm()).isEqualTo(-1_000.0);
    }

    @Test
    void rejectsOffsetsBeyondTenYears() {
        assertThatThrownBy(() -> new SimulatedHardwareClock(ClockLimits.MAX_OFFSET_NANOS + 1, 0, ORIGIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ten years");
    }
}
