package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Weibull delay model used by the paper experiment. */
class PaperWeibullDelayTest {
    private static final int SAMPLES = 200_000;

    private static double meanNanos(DelayModel model, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double sum = 0;
        for (int i = 0; i < SAMPLES; i++) {
            sum += model.sampleNanos(rng);
        }
        return sum / SAMPLES;
    }

    @Test
    void meanIsMinPlusScaleTimesGammaOfOnePlusOneOverShape() {
        // Gamma(1.5) = sqrt(pi)/2, Gamma(2) = 1, Gamma(3) = 2.
        double rayleigh = 50_000 + 780_000 * Math.sqrt(Math.PI) / 2; // 741.3 us, the experiment's one-way mean
        assertThat(meanNanos(DelayModel.weibull(2.0, 780_000, 50_000), 11)).isCloseTo(rayleigh, within(0.01 * rayleigh));
        assertThat(meanNanos(DelayModel.weibull(1.0, 500_000, 0), 12)).isCloseTo(500_000, within(0.01 * 500_000));
        assertThat(meanNanos(DelayModel.weibull(0.5, 100_000, 20_000), 13)).isCloseTo(220_000, within(0.05 * 220_000));
    }

    @Test
    void neverBelowTheFloorAndTheSameSeedGivesTheSameDelays() {
        DelayModel model = DelayModel.weibull(2.0, 780_000, 50_000);
        SplittableRandom a = new SplittableRandom(5);
        SplittableRandom b = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long delayNanos = model.sampleNanos(a);
            assertThat(delayNanos).isBetween(50_000L, DelayModel.MAX_DELAY_NANOS);
            assertThat(model.sampleNanos(b)).isEqualTo(delayNanos);
        }
    }

    @Test
    void parametersAreChecked() {
        assertThatThrownBy(() -> DelayModel.weibull(0.0, 1, 0)).hasMessage("Weibull shape must be in 0.1..100.0, got 0.0");
        assertThatThrownBy(() -> DelayModel.weibull(Double.NaN, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DelayModel.weibull(2.0, -1, 0)).hasMessageContaining("scaleNanos must be in 0..");
        assertThatThrownBy(() -> DelayModel.weibull(2.0, 1, DelayModel.MAX_DELAY_NANOS + 1)).hasMessageContaining("minNanos must be in 0..");
    }
}
