package org.clocksync.core.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ServiceClockTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long MS = 1_000_000L;

    private final ServiceClock clock = new ServiceClock(SimulatedHardwareClock.exact(), ServiceClockConfig.defaults());

    @Test
    void startsAtTheHardwareReading() {
        ServiceClock service = new ServiceClock(new SimulatedHardwareClock(42, 0, T0), ServiceClockConfig.defaults());
        assertThat(service.readNanos(T0)).isEqualTo(T0 + 42);
        assertThat(service.offsetFromHostNanos(T0)).isEqualTo(42);
        assertThat(service.correctionNanos(T0)).isZero();
        assertThat(service.pendingSlewNanos(T0)).isZero();
        assertThat(service.stepsTaken()).isZero();
    }

    @Test
    void theFirstLargeCorrectionStepsAndTheSecondSlews() {
        ClockAdjustment first = clock.adjust(-2_500 * MS, T0);
        assertThat(first).isEqualTo(new ClockAdjustment(ClockAdjustment.Kind.STEP, -2_500 * MS, 0, false));
        assertThat(clock.readNanos(T0)).isEqualTo(T0 - 2_500 * MS);
        assertThat(clock.stepsTaken()).isEqualTo(1);

        ClockAdjustment second = clock.adjust(500 * MS, T0);
        // 500 ms at 5% takes 10 s
        assertThat(second).isEqualTo(new ClockAdjustment(ClockAdjustment.Kind.SLEW, 500 * MS, 10_000 * MS, true));
        assertThat(clock.readNanos(T0)).isEqualTo(T0 - 2_500 * MS);
        assertThat(clock.stepsTaken()).isEqualTo(1);
        assertThat(clock.correctionNanos(T0 + 5_000 * MS)).isEqualTo(-2_500 * MS + 250 * MS);
        assertThat(clock.correctionNanos(T0 + 10_000 * MS)).isEqualTo(-2_000 * MS);
        assertThat(clock.pendingSlewNanos(T0 + 10_000 * MS)).isZero();
    }

    @Test
    void aCorrectionAtTheThresholdSlews() {
        ClockAdjustment adjustment = clock.adjust(100 * MS, T0);
        assertThat(adjustment.kind()).isEqualTo(ClockAdjustment.Kind.SLEW);
        assertThat(adjustment.largeButSlewed()).isFalse();
        assertThat(clock.stepsTaken()).isZero();
    }

    @Test
    void slewsAtTheMaximumRateAndNoFaster() {
        ClockAdjustment adjustment = clock.adjust(-MS, T0);
        assertThat(adjustment.slewDurationNanos()).isEqualTo(20 * MS);
        assertThat(clock.correctionNanos(T0 + 10 * MS)).isEqualTo(-MS / 2);
        assertThat(clock.pendingSlewNanos(T0 + 10 * MS)).isEqualTo(-MS / 2);
        assertThat(clock.correctionNanos(T0 + 20 * MS - 1)).isEqualTo(-MS + 1);
        assertThat(clock.correctionNanos(T0 + 20 * MS)).isEqualTo(-MS);
        assertThat(clock.correctionNanos(T0 + 60_000 * MS)).isEqualTo(-MS);
        assertThat(clock.pendingSlewNanos(T0 + 60_000 * MS)).isZero();
    }

    @Test
    void aNewCorrectionReplacesWhatWasStillPending() {
        clock.adjust(10 * MS, T0);
        // after 100 ms, 5 ms of the 10 ms slew are done
        assertThat(clock.correctionNanos(T0 + 100 * MS)).isEqualTo(5 * MS);
        ClockAdjustment replacement = clock.adjust(MS, T0 + 100 * MS);
        assertThat(replacement.kind()).isEqualTo(ClockAdjustment.Kind.SLEW);
        assertThat(clock.correctionNanos(T0 + 100 * MS)).isEqualTo(5 * MS);
        assertThat(clock.pendingSlewNanos(T0 + 100 * MS)).isEqualTo(MS);
        // 5 ms folded in plus the new 1 ms, not the old 5 ms still pending as well
        assertThat(clock.correctionNanos(T0 + 10_000 * MS)).isEqualTo(6 * MS);
    }

    @Test
    void aCorrectionOfZeroCancelsThePendingSlew() {
        clock.adjust(10 * MS, T0);
        clock.adjust(0, T0 + 40 * MS);
        assertThat(clock.correctionNanos(T0 + 10_000 * MS)).isEqualTo(2 * MS);
        assertThat(clock.pendingSlewNanos(T0 + 10_000 * MS)).isZero();
    }

    @Test
    void neverRunsBackwardsAndNeverSlewsFasterThanAllowedAcrossRandomAdjustments() {
        // The harshest allowed combination: the slowest hardware and the fastest slew, read nanosecond by nanosecond at times.
        long maxSlewPpm = 499_999;
        SimulatedHardwareClock hardware = new SimulatedHardwareClock(3 * MS, -1_000.0, T0);
        ServiceClock service = new ServiceClock(hardware, new ServiceClockConfig(maxSlewPpm, 100 * MS, 0));
        Random random = new Random(20240601L);
        long host = T0;
        long previousReading = service.readNanos(host);
        long previousCorrection = service.correctionNanos(host);
        long previousHardware = hardware.readNanos(host);
        for (int i = 0; i < 200_000; i++) {
            host += random.nextInt(10) == 0 ? random.nextInt(5_000_000) : random.nextInt(3);
            boolean adjusted = random.nextInt(50) == 0;
            if (adjusted) {
                long readingBefore = service.readNanos(host);
                ClockAdjustment adjustment = service.adjust(random.nextLong(-500 * MS, 500 * MS), host);
                assertThat(adjustment.kind()).isEqualTo(ClockAdjustment.Kind.SLEW);
                assertThat(service.readNanos(host)).as("adjusting does not move the clock").isEqualTo(readingBefore);
            }
            long reading = service.readNanos(host);
            long correction = service.correctionNanos(host);
            long hardwareNow = hardware.readNanos(host);
            assertThat(reading).as("reading %d at host %d", i, host).isGreaterThanOrEqualTo(previousReading);
            if (!adjusted) {
                long allowed = ServiceClock.maxSlewNanos(hardwareNow - previousHardware, maxSlewPpm) + 1;
                assertThat(Math.abs(correction - previousCorrection)).as("slew at %d", i).isLessThanOrEqualTo(allowed);
            }
            previousReading = reading;
            previousCorrection = correction;
            previousHardware = hardwareNow;
        }
        assertThat(service.stepsTaken()).isZero();
    }

    @Test
    void rejectsCorrectionsBeyondTheLimit() {
        assertThatThrownBy(() -> clock.adjust(ClockLimits.MAX_CORRECTION_NANOS + 1, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> clock.adjust(Long.MIN_VALUE, T0)).isInstanceOf(IllegalArgumentException.class);
        clock.adjust(ClockLimits.MAX_CORRECTION_NANOS, T0);
        assertThatThrownBy(() -> clock.adjust(1, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validatesItsConfig() {
        assertThatThrownBy(() -> new ServiceClockConfig(0, 100 * MS, 1)).hasMessageContaining("maxSlewPpm");
        assertThatThrownBy(() -> new ServiceClockConfig(500_000, 100 * MS, 1)).hasMessageContaining("maxSlewPpm");
        assertThatThrownBy(() -> new ServiceClockConfig(500, 0, 1)).hasMessageContaining("stepThresholdNanos");
        assertThatThrownBy(() -> new ServiceClockConfig(500, MS, -1)).hasMessageContaining("maxSteps");
        assertThat(ServiceClockConfig.defaults()).isEqualTo(new ServiceClockConfig(50_000, 100 * MS, 1));
    }
}
