package org.clocksync.core.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftEstimatorTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void noEstimateFromTooFewSamples() {
        DriftEstimator e = new DriftEstimator();
        for (int i = 0; i < DriftEstimator.MIN_SAMPLES - 1; i++) {
            e.add(T0 + i * S, 40_000L * i);
        }
        assertThat(e.driftPpm()).isEmpty();
        e.add(T0 + 10 * S, 400_000L);
        assertThat(e.driftPpm()).isPresent();
    }

    @Test
    void anExactLineGivesItsSlope() {
        DriftEstimator e = new DriftEstimator();
        for (int i = 0; i < 40; i++) {
            e.add(T0 + i * S, 3_000_000_000L + 50_000L * i); // +50 us per second: 50 ppm fast
        }
        assertThat(e.driftPpm().getAsDouble()).isCloseTo(50.0, within(1e-6));
        assertThat(e.samples()).isEqualTo(DriftEstimator.MAX_SAMPLES);
    }

    @Test
    void noisySamplesStillGiveTheSlopeWithinAFewPpm() {
        Random random = new Random(7);
        DriftEstimator e = new DriftEstimator();
        for (int i = 0; i < DriftEstimator.MAX_SAMPLES; i++) {
            long noise = (long) (random.nextGaussian() * 30_000); // 30 us of measurement noise
            e.add(T0 + i * S, -80_000L * i + noise);
        }
        assertThat(e.driftPpm().getAsDouble()).isCloseTo(-80.0, within(5.0));
    }

    @Test
    void skewIsTheStandardErrorOfTheSlope() {
        DriftEstimator exact = new DriftEstimator();
        for (int i = 0; i < DriftEstimator.MIN_SAMPLES - 1; i++) {
            exact.add(T0 + i * S, 50_000L * i);
        }
        assertThat(exact.skewPpm()).isEmpty();
        exact.add(T0 + 10 * S, 500_000L);
        assertThat(exact.skewPpm().getAsDouble()).as("samples on a line").isCloseTo(0.0, within(1e-6));

        // 16 samples 1 s apart with 30 us of noise: sigma / sqrt(Sxx) = 30e3 ns / sqrt(340 s^2) = about 1.6 ppm.
        Random random = new Random(11);
        DriftEstimator noisy = new DriftEstimator();
        for (int i = 0; i < DriftEstimator.MAX_SAMPLES; i++) {
            noisy.add(T0 + i * S, -80_000L * i + (long) (random.nextGaussian() * 30_000));
        }
        double skew = noisy.skewPpm().getAsDouble();
        assertThat(skew).isBetween(0.8, 3.0);
        assertThat(noisy.driftPpm().getAsDouble()).isCloseTo(-80.0, within(3 * skew));
    }

    @Test
    void oneOutlierIsIgnoredButThreeInARowStartOver() {
        DriftEstimator e = new DriftEstimator();
        int i = 0;
        for (; i < 10; i++) {
            e.add(T0 + i * S, 20_000L * i);
        }
        e.add(T0 + i++ * S, 5_000_000_000L);
        assertThat(e.driftPpm().getAsDouble()).isCloseTo(20.0, within(1e-6));
        assertThat(e.resets()).isZero();
        e.add(T0 + i * S, 20_000L * i++); // a good sample ends the streak
        for (int k = 0; k < 3; k++, i++) {
            e.add(T0 + i * S, 5_000_000_000L + 10_000L * k);
        }
        assertThat(e.resets()).isEqualTo(1);
        assertThat(e.samples()).isEqualTo(1);
        assertThat(e.driftPpm()).isEmpty();
    }

    @Test
    void fromThreeSamplesItPredictsAndMeasuresItsScatter() {
        DriftEstimator e = new DriftEstimator();
        e.add(T0, 0);
        e.add(T0 + S, 50_000L);
        assertThat(e.predictNanos(T0 + 2 * S)).as("two samples are no line to judge by").isEmpty();
        assertThat(e.residualRmsNanos()).isEmpty();
        e.add(T0 + 2 * S, 100_000L);
        assertThat(e.driftPpm()).as("a rate still needs " + DriftEstimator.MIN_SAMPLES).isEmpty();
        assertThat(e.predictNanos(T0 + 3 * S).getAsDouble()).isCloseTo(150_000.0, within(1e-3));
        assertThat(e.residualRmsNanos().getAsDouble()).isCloseTo(0.0, within(1e-3));

        // +-10 us, alternating, around a flat line
        DriftEstimator noisy = new DriftEstimator();
        for (int i = 0; i < 4; i++) {
            noisy.add(T0 + i * S, i % 2 == 0 ? 10_000L : -10_000L);
        }
        // least squares: slope -4 us/s, intercept 6 us; residuals +4, -12, +12, -4 us; 320 us^2 over 4 - 2 freedoms
        assertThat(noisy.residualRmsNanos().getAsDouble()).isCloseTo(Math.sqrt(320e6 / 2), within(1e-3));
    }

    @Test
    void timeGoingBackwardsStartsOver() {
        DriftEstimator e = new DriftEstimator();
        for (int i = 0; i < 8; i++) {
            e.add(T0 + i * S, 0);
        }
        e.add(T0, 0);
        assertThat(e.samples()).isEqualTo(1);
    }
}
