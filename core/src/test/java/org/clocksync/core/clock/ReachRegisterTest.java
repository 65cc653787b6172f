package org.clocksync.core.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReachRegisterTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void emptyUntilTheFirstRoundThenOneBitPerRound() {
        ReachRegister r = new ReachRegister(S);
        assertThat(r.value(T0)).isZero();
        r.record(T0);
        assertThat(r.value(T0)).isEqualTo(1);
        for (int i = 1; i < 3; i++) {
            r.record(T0 + i * S);
        }
        assertThat(ReachRegister.octal(r.value(T0 + 2 * S))).isEqualTo("7");
        for (int i = 3; i < 20; i++) {
            r.record(T0 + i * S);
        }
        assertThat(ReachRegister.octal(r.value(T0 + 19 * S))).isEqualTo("377");
    }

    @Test
    void jitteredRoundsReadASteady377() {
        Random random = new Random(3);
        ReachRegister r = new ReachRegister(S);
        long t = T0;
        for (int i = 0; i < 200; i++) {
            t = T0 + i * S + (long) ((random.nextDouble() - 0.5) * 0.4 * S); // +-200 ms around each second
            r.record(t);
            if (i >= 8) {
                assertThat(r.value(t)).isEqualTo(0377);
                assertThat(r.value(t + 1_350_000_000L)).as("a round not yet overdue").isEqualTo(0377);
            }
        }
    }

    @Test
    void missedRoundsShiftInZerosAndAreSeenBeforeTheNextRound() {
        ReachRegister r = new ReachRegister(S);
        for (int i = 0; i < 8; i++) {
            r.record(T0 + i * S);
        }
        long last = T0 + 7 * S;
        assertThat(r.value(last + 1_400_000_000L)).isEqualTo(0377);
        assertThat(ReachRegister.octal(r.value(last + 1_600_000_000L))).isEqualTo("376");
        assertThat(ReachRegister.octal(r.value(last + 3 * S))).isEqualTo("374");
        r.record(last + 3 * S); // two rounds missed, then one came
        assertThat(ReachRegister.octal(r.value(last + 3 * S))).isEqualTo("371");
        assertThat(r.value(last + 3 * S + 60 * S)).as("silent for a minute").isZero();
    }

    @Test
    void aSecondRoundWithinHalfAnIntervalCountsOnce() {
        ReachRegister r = new ReachRegister(S);
        r.record(T0);
        r.record(T0 + 100_000_000L);
        r.record(T0 + S);
        assertThat(r.value(T0 + S)).isEqualTo(0b11);
    }

    @Test
    void theIntervalCanChangeAndMustBePositive() {
        ReachRegister r = new ReachRegister(S);
        r.setIntervalNanos(5 * S);
        r.record(T0);
        r.record(T0 + 5 * S);
        assertThat(r.value(T0 + 12 * S)).isEqualTo(0b11);
        assertThat(r.value(T0 + 13 * S)).isEqualTo(0b110);
        assertThatThrownBy(() -> r.setIntervalNanos(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
