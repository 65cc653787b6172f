package org.clocksync.core.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClockDisciplineTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long US = 1_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void changingFrequencyNeverMovesTheReadingAndChangesTheRate() {
        ServiceClock clock = new ServiceClock(SimulatedHardwareClock.exact(), ServiceClockConfig.defaults());
        long before = clock.readNanos(T0);
        clock.setFrequencyPpm(-100.0, T0);
        assertThat(clock.readNanos(T0)).isEqualTo(before);
        assertThat(clock.readNanos(T0 + S) - clock.readNanos(T0)).isEqualTo(S - 100 * US);
        assertThat(clock.frequencyPpm()).isEqualTo(-100.0);
    }

    @Test
    void neverRunsBackwardsAcrossRandomFrequencyChangesAndSlews() {
        Random random = new Random(11);
        ServiceClock clock = new ServiceClock(new SimulatedHardwareClock(0, -900, T0), ServiceClockConfig.defaults());
        long host = T0;
        long last = clock.readNanos(host);
        for (int i = 0; i < 200_000; i++) {
            host += random.nextInt(2_000);
            switch (random.nextInt(50)) {
                case 0 -> clock.setFrequencyPpm(random.nextDouble() * 2_000 - 1_000, host);
                case 1 -> clock.adjust(random.nextInt(2_000_000) - 1_000_000, host);
                default -> { }
            }
            long now = clock.readNanos(host);
            assertThat(now).as("reading %d", i).isGreaterThanOrEqualTo(last);
            last = now;
        }
    }

    @Test
    void learnsTheHardwareDriftFromCorrectionsAndThenHolds() {
        Random random = new Random(3);
        // The hardware runs 100 ppm fast; the cluster's time is the host's. Each second a round measures the
        // offset with 20 us of noise and sends the correction that cancels it, as a Berkeley master would.
        SimulatedHardwareClock hardware = new SimulatedHardwareClock(2_500_000_000L, 100.0, T0);
        ClockDiscipline discipline = new ClockDiscipline(new ServiceClock(hardware, ServiceClockConfig.defaults()));
        ServiceClock clock = discipline.clock();
        long host = T0;
        for (int round = 0; round < 20; round++) {
            long measured = clock.offsetFromHostNanos(host) + (long) (random.nextGaussian() * 20 * US);
            discipline.apply(-measured, host);
            host += S;
        }
        assertThat(discipline.estimatedDriftPpm()).isCloseTo(100.0, within(5.0));
        assertThat(clock.frequencyPpm()).isCloseTo(-100.0, within(5.0));
        long settled = host + 50_000_000L; // after the last slew
        long offsetThen = clock.offsetFromHostNanos(settled);
        long offsetASecondLater = clock.offsetFromHostNanos(settled + S);
        assertThat(Math.abs(offsetASecondLater - offsetThen)).as("drift over one second, ns").isLessThan(5 * US);
    }

    @Test
    void aNoisyEstimateDoesNotSteerTheFrequency() {
        Random random = new Random(5);
        // 2 ms of measurement noise every half second: six samples give a slope off by hundreds of ppm, its skew
        // says so, and the frequency in force (none yet) is held.
        SimulatedHardwareClock hardware = new SimulatedHardwareClock(0, 40.0, T0);
        ClockDiscipline discipline = new ClockDiscipline(new ServiceClock(hardware, ServiceClockConfig.defaults()));
        ServiceClock clock = discipline.clock();
        long host = T0;
        for (int round = 0; round < 8; round++) {
            long measured = clock.offsetFromHostNanos(host) + (long) (random.nextGaussian() * 1_500 * US);
            discipline.apply(-measured, host);
            host += S / 2;
        }
        assertThat(discipline.skewPpm()).isGreaterThan(ClockDiscipline.MAX_UPDATE_SKEW_PPM);
        assertThat(clock.frequencyPpm()).isZero();
        assertThat(discipline.skippedUpdates()).isPositive();
    }
}
