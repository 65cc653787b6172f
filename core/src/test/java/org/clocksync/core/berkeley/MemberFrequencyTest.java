package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.clocksync.core.clock.DriftEstimator;
import org.junit.jupiter.api.Test;

class MemberFrequencyTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /**
     * A member whose clock runs {@code ppm} fast against the coordinator's, read once a second with up to +-10 us of
     * error, and told each round to go back by the offset read: what a coordinator that is the reference does.
     */
    private static final class Member {
        final MemberFrequency frequency = new MemberFrequency();
        final SplittableRandom noise = new SplittableRandom(7);
        double ppm;
        long offsetNanos = 300 * US;
        long lastAtNanos = T0;
        int round;

        Member(double ppm) {
            this.ppm = ppm;
        }

        /** Runs one round: the clock drifts for a second, is read, and is corrected; returns the offset read. */
        long round(long ownCorrectionNanos) {
            round++;
            long atNanos = T0 + round * S;
            offsetNanos += Math.round(ppm * 1e-6 * (atNanos - lastAtNanos));
            lastAtNanos = atNanos;
            long readNanos = offsetNanos + noise.nextLong(-10 * US, 10 * US + 1);
            frequency.measured(atNanos, readNanos);
            long correctionNanos = ownCorrectionNanos - readNanos;
            offsetNanos += correctionNanos - ownCorrectionNanos;
            frequency.steered(correctionNanos, ownCorrectionNanos);
            return readNanos;
        }

        void rounds(int n) {
            for (int i = 0; i < n; i++) {
                round(0);
            }
        }
    }

    @Test
    void learnsTheRateThroughTheCorrectionsItSent() {
        Member member = new Member(100.0);
        member.rounds(DriftEstimator.MIN_SAMPLES - 1);
        assertThat(member.frequency.ppm()).as("too few rounds for a rate").isEmpty();
        member.rounds(1);
        assertThat(member.frequency.ppm()).isPresent();
        member.rounds(2);
        // 8 rounds, +-10 us of error each: the slope's standard error is about 0.9 ppm
        assertThat(member.frequency.ppm().getAsDouble()).isCloseTo(100.0, within(3.0));
        member.rounds(8);
        // a full window of 16: about 0.3 ppm
        assertThat(member.frequency.ppm().getAsDouble()).isCloseTo(100.0, within(1.0));
    }

    @Test
    void theCoordinatorsOwnCorrectionsAreTakenOutToo() {
        Member member = new Member(-40.0);
        for (int i = 0; i < 16; i++) {
            // the coordinator moves itself by +-200 us every round; the member's offset follows, its rate does not
            member.round(i % 2 == 0 ? 200 * US : -200 * US);
        }
        assertThat(member.frequency.ppm().getAsDouble()).isCloseTo(-40.0, within(1.0));
    }

    @Test
    void extrapolatesAtTheLearnedRate() {
        Member member = new Member(100.0);
        assertThat(member.frequency.extrapolationNanos(T0, T0 + 300 * MS)).as("no estimate, no extrapolation").isZero();
        member.rounds(16);
        // 100 ppm over 300 ms is 30 us
        assertThat(member.frequency.extrapolationNanos(T0, T0 + 300 * MS)).isCloseTo(30 * US, within(300L));
    }

    @Test
    void aLargeCorrectionStartsOver() {
        Member member = new Member(100.0);
        member.rounds(10);
        member.frequency.steered(5 * S, 0); // stepped: where the step left the clock is not known to the microsecond
        assertThat(member.frequency.ppm()).isEmpty();
        member.frequency.steered(0, -2 * MS); // the coordinator moving itself that far counts the same
        assertThat(member.frequency.ppm()).isEmpty();
    }

    @Test
    void aChangeOfRateStartsOverInsteadOfExtrapolatingTheOldOne() {
        Member member = new Member(90.0);
        member.rounds(10);
        assertThat(member.frequency.ppm().getAsDouble()).isCloseTo(90.0, within(2.0));
        member.ppm = 0.5; // it learned its own drift and now steers its frequency
        member.rounds(1);
        // 90 us off the line: the old rate is dropped rather than used to move this round's reading by 27 us
        assertThat(member.frequency.ppm()).isEmpty();
        assertThat(member.frequency.extrapolationNanos(T0, T0 + 300 * MS)).isZero();
        member.rounds(DriftEstimator.MIN_SAMPLES + 4);
        assertThat(member.frequency.ppm().getAsDouble()).isCloseTo(0.5, within(3.0));
    }

    @Test
    void measurementNoiseAloneDoesNotStartOver() {
        Member member = new Member(100.0);
        for (int i = 0; i < 200; i++) {
            member.round(0);
            if (i >= DriftEstimator.MIN_SAMPLES) {
                assertThat(member.frequency.ppm()).as("round %d", member.round).isPresent();
            }
        }
    }

    @Test
    void aRateNoClockCanHaveIsReportedButNotUsed() {
        MemberFrequency frequency = new MemberFrequency();
        // a member that ignores its corrections of -900 us looks 900 ppm fast; one gaining 3 ms a second, 3000 ppm
        for (int i = 0; i < 6; i++) {
            frequency.measured(T0 + i * S, i * 3 * MS);
        }
        assertThat(frequency.ppm().getAsDouble()).isCloseTo(3000.0, within(1e-6));
        assertThat(frequency.extrapolationNanos(T0, T0 + 300 * MS)).isZero();
    }
}
